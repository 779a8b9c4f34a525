"""Session rules: idle and absolute limits, and a clock that went backwards ends the session."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from access import SessionRules

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_idle_and_absolute_limits() -> None:
    rules = SessionRules(idle=timedelta(minutes=30), absolute=timedelta(hours=8))
    assert rules.is_live(signed_in_at=T0, last_seen_at=T0, now=T0 + timedelta(minutes=30))
    assert not rules.is_live(signed_in_at=T0, last_seen_at=T0, now=T0 + timedelta(minutes=30, seconds=1))
    late = T0 + timedelta(hours=7, minutes=50)
    assert rules.is_live(signed_in_at=T0, last_seen_at=late, now=late + timedelta(minutes=10))
    assert not rules.is_live(signed_in_at=T0, last_seen_at=late, now=late + timedelta(minutes=11))
    assert not rules.is_live(signed_in_at=T0, last_seen_at=T0 + timedelta(minutes=1), now=T0)


def test_rules_are_checked() -> None:
    with pytest.raises(ValueError, match="must be positive"):
        SessionRules(idle=timedelta(0))
    with pytest.raises(ValueError, match="at most absolute"):
        SessionRules(idle=timedelta(hours=2), absolute=timedelta(hours=1))
