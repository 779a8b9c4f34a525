"""When a stream runs: every N minutes, or on a five-field cron expression, always in UTC."""

from __future__ import annotations

from datetime import UTC, datetime

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from pydantic import Field, field_validator, model_validator

from config.models.base import StrictModel


class Schedule(StrictModel):
    """Exactly one of ``interval_minutes`` or ``cron``. Cron is read in UTC, never in server-local time."""

    interval_minutes: int | None = Field(default=None, ge=1)  # every this many minutes
    cron: str | None = None  # a five-field cron expression, in UTC

    @field_validator("cron")
    @classmethod
    def _valid_cron(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                CronTrigger.from_crontab(value, timezone=UTC)
            except ValueError as exc:
                raise ValueError(
                    f"invalid cron expression ({exc}); "
                    "expected 5 fields: minute hour day-of-month month day-of-week"
                ) from None
            # A valid expression may name a day that never comes (31 February): the scheduler would then never
            # run the stream, silently. APScheduler searches to its last year, so "none" means never.
            start = datetime(2000, 1, 1, tzinfo=UTC)
            if CronTrigger.from_crontab(value, timezone=UTC).get_next_fire_time(None, start) is None:
                raise ValueError(
                    "this cron expression never fires (no month has that day, or the weekday never meets it); "
                    "check day-of-month and month, e.g. '0 0 28 2 *' for every 28 February"
                )
        return value

    @model_validator(mode="after")
    def _exactly_one(self) -> Schedule:
        if self.interval_minutes is not None and self.cron is not None:
            raise ValueError("set either interval_minutes or cron, not both")
        if self.interval_minutes is None and self.cron is None:
            raise ValueError("set one of interval_minutes (e.g. 15) or cron (e.g. '*/15 * * * *')")
        return self

    def trigger(self) -> BaseTrigger:
        """The APScheduler trigger for this schedule, pinned to UTC so fire times are timezone-aware UTC."""
        if self.cron is not None:
            return CronTrigger.from_crontab(self.cron, timezone=UTC)
        assert self.interval_minutes is not None  # guaranteed by _exactly_one
        return IntervalTrigger(minutes=self.interval_minutes, timezone=UTC)
