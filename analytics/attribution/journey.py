"""What attribution works on: touchpoints in time order, grouped into journeys that converted or did not."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Touch:
    """One touchpoint: when, through which channel, and what it came from (for ROI by source and campaign)."""

    at: datetime
    channel: str
    campaign_id: str | None = None
    lead_source: str | None = None
    record: str = ""  # "activity:<id>" or "campaign_member:<id>": where the touch was read from


@dataclass(frozen=True, slots=True)
class Journey:
    """The touches of one person, account or opportunity, oldest first.

    ``converted``: an opportunity was created (pipeline window) or won (revenue window) after them; ``value`` its
    amount. ``lead_index`` and ``opportunity_index`` are the milestone touches the W-shaped and full-path models
    weight: the last touch at or before the person became a lead, and the last touch before the opportunity.
    """

    key: str
    touches: tuple[Touch, ...]
    converted: bool
    value: float = 0.0
    converted_at: datetime | None = None  # the opportunity's creation or close: time decay counts back from it
    lead_index: int = 0
    opportunity_index: int | None = None
    opportunity_id: str | None = None
    people: tuple[str, ...] = field(default_factory=tuple)

    @property
    def channels(self) -> tuple[str, ...]:
        return tuple(t.channel for t in self.touches)

    def __post_init__(self) -> None:
        # A milestone outside the touches would silently move credit onto the wrong touch.
        n = len(self.touches)
        if n == 0:
            raise ValueError(f"journey {self.key}: has no touches (a journey needs at least one)")
        if not 0 <= self.lead_index < n:
            raise ValueError(f"journey {self.key}: lead_index {self.lead_index} is outside its {n} touches")
        if self.opportunity_index is not None and not 0 <= self.opportunity_index < n:
            raise ValueError(f"journey {self.key}: opportunity_index {self.opportunity_index} is outside its "
                             f"{n} touches")
