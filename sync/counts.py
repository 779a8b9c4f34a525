"""A run's counts and their reconciliation: read = upserted + unchanged + quarantined + failed."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(slots=True)
class Counts:
    read: int = 0
    upserted: int = 0
    unchanged: int = 0
    quarantined: int = 0
    failed: int = 0
    deleted: int = 0
    echoes: int = 0  # of those read, crmhub's own write-backs coming back (counted unchanged too, not as edits)

    def add(self, other: Counts) -> None:
        for key, value in asdict(other).items():
            setattr(self, key, getattr(self, key) + value)

    def reconciles(self) -> bool:
        return self.read == self.upserted + self.unchanged + self.quarantined + self.failed

    def as_dict(self) -> dict[str, int]:
        return asdict(self)
