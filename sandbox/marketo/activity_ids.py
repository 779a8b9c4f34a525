"""How an activity identifies itself: Marketo's classic shape, or the shape of an instance migrated to the
Activity Service.

Classic: ``id`` is a unique integer and ``marketoGUID`` its decimal string. Marketo documents that on instances
migrated to the Activity Service ``id`` may be absent and "is not to be treated as unique", and that
``marketoGUID`` "is replacing the id integer attribute as the unique identifier" (activities, lead changes, deleted
leads). Here activities logged up to the migration keep the classic shape; those after it carry a UUID-form
``marketoGUID`` and no ``id`` (even internal ids) or the same repeated ``id`` — the migration point's own id, so a
client keyed by ``id`` overwrites a real pre-migration activity with them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class IdShape:
    migrated_after: int | None  # None: a classic instance; else activities with a higher internal id are migrated

    def migrated(self, n: int) -> bool:
        return self.migrated_after is not None and n > self.migrated_after

    def guid(self, n: int) -> str:
        return guid_of(n) if self.migrated(n) else str(n)

    def id_field(self, n: int) -> dict[str, int]:
        """The ``id`` attribute as the API renders it: present and unique, absent, or repeated."""
        if not self.migrated(n):
            return {"id": n}
        return {} if n % 2 == 0 else {"id": max(1, self.migrated_after or 1)}


def _hex(n: int) -> str:
    return hashlib.blake2b(f"marketo-activity:{n}".encode(), digest_size=10).hexdigest()


def guid_of(n: int) -> str:
    """A UUID-form GUID that still names the activity (its last group is the internal id), so admin routes can
    find it; the other groups look random."""
    h = _hex(n)
    return f"{h[:8]}-{h[8:12]}-4{h[12:15]}-8{h[15:18]}-{n:012x}"


def parse_guid(text: str) -> int | None:
    """The internal id a GUID (UUID form or classic decimal) names, or None when it names none."""
    if text.isdigit():
        return int(text)
    try:
        n = int(text.rsplit("-", 1)[-1], 16)
    except ValueError:
        return None
    return n if guid_of(n) == text.lower() else None
