"""HubSpot owners (users who own records): ~25 active plus two deactivated ones that old records still point at."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from faker import Faker

from sandbox.hubspot.timefmt import iso, to_ms

TEAMS = (("3401", "Sales EMEA"), ("3402", "Sales Americas"), ("3403", "Sales APAC"), ("3404", "Customer Success"))
ACTIVE_OWNERS = 25
ARCHIVED_OWNERS = 2


@dataclass(frozen=True, slots=True)
class Owner:
    id: str
    email: str
    first_name: str
    last_name: str
    user_id: int
    created_ms: int
    updated_ms: int
    archived: bool
    team: tuple[str, str]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "email": self.email, "type": "PERSON", "firstName": self.first_name,
            "lastName": self.last_name, "userId": self.user_id, "userIdIncludingInactive": self.user_id,
            "createdAt": iso(self.created_ms), "updatedAt": iso(self.updated_ms), "archived": self.archived,
            "teams": [{"id": self.team[0], "name": self.team[1], "primary": True}],
        }


def make_owners(seed: int) -> list[Owner]:
    """Deterministic for a seed; ids are 8-digit numeric strings like HubSpot's, sorted ascending."""
    rnd = random.Random(f"{seed}:hubspot:owners")
    fake = Faker("en_US")
    fake.seed_instance(seed)
    start = to_ms(datetime(2022, 6, 1, tzinfo=UTC))
    owners: list[Owner] = []
    owner_id = 52_000_000 + rnd.randrange(100_000)
    for n in range(ACTIVE_OWNERS + ARCHIVED_OWNERS):
        first, last = fake.first_name(), fake.last_name()
        owner_id += rnd.randint(1, 90_000)
        created = start + rnd.randrange(200 * 86_400_000)
        owners.append(Owner(
            id=str(owner_id), email=f"{first}.{last}@crmhub-demo.example".lower(), first_name=first, last_name=last,
            user_id=9_000_000 + n * 137 + rnd.randrange(100), created_ms=created,
            updated_ms=created + rnd.randrange(400 * 86_400_000), archived=n >= ACTIVE_OWNERS,
            team=TEAMS[n % len(TEAMS)],
        ))
    return owners
