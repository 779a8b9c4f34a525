"""Record ids as HubSpot issues them: numeric, unique per object type, increasing with creation, not contiguous."""

from __future__ import annotations

import random

# First seeded id per object type (HubSpot's real ids have these magnitudes: small for contacts, 10-11 digits else).
FIRST_ID = {"contacts": 101, "companies": 4_100_000_001, "deals": 9_200_000_001, "calls": 30_100_000_001,
            "emails": 31_400_000_001, "meetings": 32_700_000_001, "notes": 34_000_000_001, "tasks": 35_300_000_001,
            "products": 1_500_000_001, "line_items": 12_800_000_001}


class IdSequence:
    """Increasing ids with occasional gaps (ids of records created and deleted before the seeded snapshot)."""

    def __init__(self, first: int, rnd: random.Random) -> None:
        self.next = first
        self.rnd = rnd

    def take(self) -> int:
        if self.rnd.random() < 0.05:
            self.next += self.rnd.randint(1, 40)
        rid = self.next
        self.next += 1
        return rid
