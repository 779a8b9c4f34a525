"""The seeded activity log as parallel numpy columns, sorted by date; activity id = row index + 1."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class SeededColumns:
    date: np.ndarray      # int64 epoch seconds, non-decreasing
    lead: np.ndarray      # int32 lead id
    type: np.ndarray      # int16 activity type id
    pav: np.ndarray       # int32 primary attribute value id
    variant: np.ndarray   # int32 per-type detail (see seeded.decode)
    _lead_order: np.ndarray | None = field(default=None, repr=False)
    _lead_sorted: np.ndarray | None = field(default=None, repr=False)

    def __len__(self) -> int:
        return len(self.date)

    def rows_of_lead(self, lead_id: int) -> np.ndarray:
        """Row indices of one lead's activities, ascending (a CSR-style index built on first use)."""
        if self._lead_order is None:
            self._lead_order = np.argsort(self.lead, kind="stable").astype(np.int64)
            self._lead_sorted = self.lead[self._lead_order]
        assert self._lead_sorted is not None
        lo, hi = np.searchsorted(self._lead_sorted, [lead_id, lead_id + 1])
        return self._lead_order[lo:hi]
