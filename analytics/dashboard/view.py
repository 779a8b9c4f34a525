"""A dashboard's view state: the level (company, region, team, rep), the member chosen there and the path above it,
the trend's period grain and the range. Every field is a URL query parameter, so a reload or a shared link shows the
same view; ``parse_view`` checks them all before anything is computed (a bad one is a KpiRequestError naming it)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal
from urllib.parse import urlencode

from analytics.kpi.errors import KpiRequestError
from analytics.kpi.headline import trailing_quarters
from analytics.kpi.schema import Dimension, Period
from config.models.kpi import KpiSettings

Level = Literal["company", "region", "team", "rep"]
LEVELS: tuple[Level, ...] = ("company", "region", "team", "rep")
# The level a row of each level's drill table opens (rep: the rep's deals, not a KPI table).
CHILD: Mapping[Level, Level | None] = {"company": "region", "region": "team", "team": "rep", "rep": None}
# The trend's grains: a day is too fine for a dashboard and a year too coarse for a trend.
TREND_PERIODS: tuple[Period, ...] = ("week", "month", "quarter", "fiscal_quarter")
# How each grain is written in titles and axes ("by fiscal quarter").
PERIOD_WORDS: Mapping[str, str] = {"week": "week", "month": "month", "quarter": "quarter",
                                   "fiscal_quarter": "fiscal quarter"}
# The headline tiles, in their order on the page: (shipped KPI code, label). Definitions as data.
TILES: tuple[tuple[str, str], ...] = (
    ("WON_REVENUE", "Won revenue"),
    ("OPEN_PIPELINE_VALUE", "Open pipeline"),
    ("WIN_RATE_CLOSED", "Win rate (closed deals)"),
    ("QUOTA_ATTAINMENT", "Quota attainment"),
    ("ACTIVITIES_LOGGED", "Activities logged"),
)
MAX_DAYS = 3 * 366 + 1  # a trend of weeks over more than three years is not a dashboard any more


@dataclass(frozen=True, slots=True)
class ViewState:
    level: Level
    member: str | None  # the member at ``level``; None only at company level
    region: str | None  # the path above ``level`` (a region chosen before a team, a team before a rep)
    team: str | None
    period: Period
    start: date  # [start, end): local dates on each KPI's anchor, as the engine reads a range
    end: date

    def filters(self) -> dict[Dimension, Sequence[str]]:
        """The engine's filters: the path above the level, and the level's member."""
        path: tuple[tuple[Level, Dimension, str | None], ...] = (("region", "region", self.region),
                                                                 ("team", "team", self.team))
        found: dict[Dimension, Sequence[str]] = {}
        for level, dim, member in path:  # only what lies above the level: a team chosen, then its region dropped
            if member is not None and LEVELS.index(level) < LEVELS.index(self.level):
                found[dim] = (member,)
        if self.level != "company" and self.member is not None:
            found[self.level] = (self.member,)
        return found

    def query(self, **changes: str | None) -> str:
        """This view's URL query string, with ``changes`` (None drops a parameter)."""
        params: dict[str, str | None] = {"level": self.level, "member": self.member, "region": self.region,
                                         "team": self.team, "period": self.period, "from": self.start.isoformat(),
                                         "to": self.end.isoformat(), **changes}
        return urlencode({k: v for k, v in params.items() if v is not None})

    def drill(self, member: str) -> str:
        """The query string of the child level's view of ``member`` (a row of this level's drill table)."""
        child = CHILD[self.level]
        if child is None:
            raise KpiRequestError(f"level {self.level} has no level below it")
        path = {"region": self.member if self.level == "region" else self.region,
                "team": self.member if self.level == "team" else self.team}
        return self.query(level=child, member=member, **path)

    def as_dict(self) -> dict[str, str | None]:
        return {"level": self.level, "member": self.member, "region": self.region, "team": self.team,
                "period": self.period, "from": self.start.isoformat(), "to": self.end.isoformat()}


def parse_view(params: Mapping[str, str], *, now: datetime, settings: KpiSettings) -> ViewState:
    """The view state of a request's query parameters; missing ones take their defaults (company level, months,
    the four whole fiscal quarters before today's)."""
    level = params.get("level") or "company"
    if level not in LEVELS:
        raise KpiRequestError(f"level {level!r}: expected one of {', '.join(LEVELS)}")
    member = _text(params, "member")
    if level == "company" and member is not None:
        raise KpiRequestError("member: the company level has no member (drill to a region, team or rep)")
    if level != "company" and member is None:
        raise KpiRequestError(f"member: level {level} needs the member to show (e.g. member=east)")
    period = params.get("period") or "month"
    if period not in TREND_PERIODS:
        raise KpiRequestError(f"period {period!r}: expected one of {', '.join(TREND_PERIODS)}")
    default_start, default_end = trailing_quarters(now, settings)
    start, end = _date(params, "from", default_start), _date(params, "to", default_end)
    if start >= end:
        raise KpiRequestError(f"from {start} to {end}: the range [from, to) is empty (to is the first day not "
                              f"counted)")
    if (end - start).days > MAX_DAYS:
        raise KpiRequestError(f"from {start} to {end}: at most {MAX_DAYS} days")
    return ViewState(level, member, _text(params, "region"), _text(params, "team"),
                     period, start, end)


def _text(params: Mapping[str, str], name: str) -> str | None:
    value = (params.get(name) or "").strip()
    return value or None


def _date(params: Mapping[str, str], name: str, default: date) -> date:
    text = (params.get(name) or "").strip()
    if not text:
        return default
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise KpiRequestError(f"{name} {text!r}: expected a date as YYYY-MM-DD") from None
