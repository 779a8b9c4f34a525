"""Schedules: exactly one of interval_minutes or a valid five-field cron, always read in UTC."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
from apscheduler.triggers.cron import CronTrigger

from config import ConfigProblem, Schedule, parse_config

Problems = Callable[..., list[ConfigProblem]]
CRON_HINT = "expected 5 fields: minute hour day-of-month month day-of-week"


@pytest.mark.parametrize(
    ("schedule", "message"),
    [
        ({"interval_minutes": 15, "cron": "*/15 * * * *"}, "set either interval_minutes or cron, not both"),
        ({}, "set one of interval_minutes (e.g. 15) or cron (e.g. '*/15 * * * *')"),
        ({"interval_minutes": 0}, "must be at least 1"),
        ({"interval_minutes": "often"}, "expected an integer, got a string"),
        (
            {"cron": "0 */15 * * * *"},
            f"invalid cron expression (Wrong number of fields; got 6, expected 5); {CRON_HINT}",
        ),
        (
            {"cron": "*/15 * * *"},
            f"invalid cron expression (Wrong number of fields; got 4, expected 5); {CRON_HINT}",
        ),
        (
            {"cron": "61 * * * *"},
            "invalid cron expression (Error validating expression '61': "
            "the last value (61) is higher than the "
            f"maximum value (59)); {CRON_HINT}",
        ),
        (
            {"cron": "@hourly"},
            f"invalid cron expression (Wrong number of fields; got 1, expected 5); {CRON_HINT}",
        ),
    ],
)
def test_naive_schedules_are_refused_with_the_reason(
    minimal: dict[str, Any], problems_of: Problems, schedule: dict[str, Any], message: str
) -> None:
    minimal["connections"]["hubspot_main"]["schedule"] = schedule
    problems = problems_of(minimal)
    path = "connections.hubspot_main.schedule" + ("" if "set " in message else "." + next(iter(schedule)))
    assert [str(p) for p in problems] == [f"{path}: {message}"]


@pytest.mark.parametrize(
    "schedule", [{"interval_minutes": 1}, {"cron": "*/15 * * * *"}, {"cron": "0 3 * * 1-5"}]
)
def test_correct_schedules_load(
    minimal: dict[str, Any], env: dict[str, str], schedule: dict[str, Any]
) -> None:
    minimal["defaults"] = {"schedule": schedule}
    config = parse_config(yaml.safe_dump(minimal), env=env)
    assert config.effective_schedule("hubspot_main", "contacts") == Schedule(**schedule)


@pytest.fixture
def server_in_new_york(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("server_in_new_york")
def test_cron_fires_in_utc_whatever_the_server_timezone() -> None:
    start = datetime(2024, 1, 1, tzinfo=UTC)
    fire = Schedule(cron="0 3 * * *").trigger().get_next_fire_time(None, start)
    assert fire is not None and fire.utcoffset() == timedelta(0)
    assert fire == datetime(2024, 1, 1, 3, tzinfo=UTC)
    # Read in the server's local time, the same expression would fire five hours later.
    local = CronTrigger.from_crontab("0 3 * * *", timezone=ZoneInfo("America/New_York"))
    assert local.get_next_fire_time(None, start) == datetime(2024, 1, 1, 8, tzinfo=UTC)


def test_interval_trigger_is_timezone_aware_utc() -> None:
    before = datetime.now(UTC)
    trigger = Schedule(interval_minutes=15).trigger()
    after = datetime.now(UTC)
    first = trigger.get_next_fire_time(None, after)
    assert first is not None and first.utcoffset() == timedelta(0)
    assert before + timedelta(minutes=15) <= first <= after + timedelta(minutes=15)
    assert trigger.get_next_fire_time(first, first + timedelta(seconds=1)) == first + timedelta(minutes=15)


def test_schedule_falls_back_object_then_connection_then_defaults(
    minimal: dict[str, Any], env: dict[str, str]
) -> None:
    minimal["defaults"] = {"schedule": {"interval_minutes": 30}, "settle_lag_seconds": 300}
    minimal["connections"]["hubspot_main"]["objects"] = {
        "contacts": {"schedule": {"interval_minutes": 5}},
        "deals": {},
    }
    minimal["connections"]["other"] = {
        **minimal["connections"]["hubspot_main"],
        "schedule": {"cron": "0 * * * *"},
    }
    config = parse_config(yaml.safe_dump(minimal), env=env)
    assert config.effective_schedule("hubspot_main", "contacts") == Schedule(interval_minutes=5)
    assert config.effective_schedule("hubspot_main", "deals") == Schedule(interval_minutes=30)
    assert config.effective_schedule("other", "deals") == Schedule(cron="0 * * * *")
    assert config.effective_settle_lag("hubspot_main") == timedelta(seconds=300)


def test_a_write_back_schedule_needs_write_back_enabled(minimal: dict[str, Any], problems_of: Problems) -> None:
    minimal["connections"]["hubspot_main"]["writeback"] = {"fields": {"lead_score": "crmhub_score"},
                                                           "schedule": {"cron": "0 * * * *"}}
    assert [str(p) for p in problems_of(minimal)] == [
        "connections.hubspot_main.writeback.schedule: a write-back schedule needs writeback.enabled: true"]
    minimal["connections"]["hubspot_main"]["writeback"]["enabled"] = True
    minimal["connections"]["hubspot_main"]["writeback"]["schedule"] = {"interval_minutes": 0}
    assert [str(p) for p in problems_of(minimal)] == [
        "connections.hubspot_main.writeback.schedule.interval_minutes: must be at least 1"]
