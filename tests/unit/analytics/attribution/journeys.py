"""Hypothesis strategies and builders of journeys shared by the attribution tests (no test here)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from hypothesis import strategies as st

from analytics.attribution.journey import Journey, Touch

START = datetime(2026, 1, 1, tzinfo=UTC)
CHANNELS = ("web_visit", "form_fill", "email_click", "meeting", "call", "webinar")


def journey(channels: Sequence[str], *, converted: bool = True, value: float = 1.0, gaps: Sequence[float] = (),
            lead_index: int = 0, opportunity_index: int | None = None, key: str = "j") -> Journey:
    """Touches ``gaps`` days apart (1 day each when not given), converting one day after the last."""
    at = START
    touches = []
    for i, channel in enumerate(channels):
        if i:
            at += timedelta(days=gaps[i - 1] if gaps else 1.0)
        touches.append(Touch(at, channel, record=f"{key}:{i}"))
    return Journey(key, tuple(touches), converted, value, converted_at=at + timedelta(days=1),
                   lead_index=lead_index, opportunity_index=opportunity_index)


@st.composite
def journeys(draw: st.DrawFn, channels: Sequence[str] = CHANNELS, max_touches: int = 8) -> Journey:
    n = draw(st.integers(1, max_touches))
    path = draw(st.lists(st.sampled_from(channels), min_size=n, max_size=n))
    gaps = draw(st.lists(st.floats(0.0, 60.0), min_size=n - 1, max_size=n - 1))
    lead_index = draw(st.integers(0, n - 1))
    opportunity_index = draw(st.one_of(st.none(), st.integers(0, n - 1)))
    return journey(path, converted=draw(st.booleans()), value=draw(st.floats(0.0, 1e6)), gaps=gaps,
                   lead_index=lead_index, opportunity_index=opportunity_index, key=f"j{draw(st.integers(0, 10**6))}")
