"""Shared state and helpers of the seed-data generator: deterministic for a seed and the population's end (the
sandbox clock's day, or the pinned ``data_end``); every seeded timestamp up to that end, only open deals' close dates
after it."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sandbox.common.people import Population
from sandbox.common.sfids import sfdc_id
from sandbox.salesforce.store import Store
from sandbox.salesforce.timefmt import fmt_datetime


def us_phone(raw: str) -> str:
    """Salesforce formats North American numbers as ``(415) 555-0134``; others stay as typed."""
    digits = "".join(c for c in raw if c.isdigit())
    if raw.startswith("+1") and len(digits) == 11:
        return f"({digits[1:4]}) {digits[4:7]}-{digits[7:]}"
    return raw


@dataclass
class SeedContext:
    seed: int
    population: Population
    store: Store
    users: list[str] = field(default_factory=list)  # sales reps' user ids (the integration user excluded)
    campaigns: list[str] = field(default_factory=list)
    account_owner: dict[int, str] = field(default_factory=dict)  # company key -> owner user id
    account_opps: dict[int, list[str]] = field(default_factory=dict)  # company key -> opportunity ids
    rows: dict[str, list[list[Any]]] = field(default_factory=dict)
    account_ids: list[str] = field(default_factory=list)  # by company key (built once: ids are reused a lot)
    counters: dict[str, int] = field(default_factory=dict)
    price_entries: list[Any] = field(default_factory=list)  # (entry id, product id, Product) of active products

    @property
    def end(self) -> datetime:
        """Where seeded history ends (the population's end): what happens after is the work of people (admin
        edits) and integrations (the API)."""
        return self.population.end

    def later(self, rnd: random.Random, start: datetime, end: datetime | None = None, skew: float = 1.0) -> datetime:
        """A moment between ``start`` and ``end`` (default: the end of seeded history; ``skew`` > 1 leans early)."""
        end = self.end if end is None else end
        if end <= start:
            return start
        return start + (end - start) * (rnd.random() ** skew)

    def rnd(self, *parts: object) -> random.Random:
        return random.Random(":".join(map(str, (self.seed, "sf", *parts))))

    def add(self, obj: str, values: dict[str, Any]) -> None:
        self.rows.setdefault(obj, []).append(self.store.tables[obj].row_from(values))

    def next_id(self, obj: str) -> str:
        n = self.counters.get(obj, 0)
        self.counters[obj] = n + 1
        return sfdc_id(self.store.tables[obj].obj.key_prefix, n)

    def audit(self, created: datetime, modified: datetime, *, by: str, owner: str | None = None,
              rnd: random.Random | None = None) -> dict[str, Any]:
        """Created/modified stamps; a few records carry a later SystemModstamp (a system process touched them)."""
        stamp = modified
        if rnd is not None and rnd.random() < 0.05:
            stamp = self.later(rnd, modified)
        out: dict[str, Any] = {
            "IsDeleted": False, "CreatedDate": fmt_datetime(created), "CreatedById": by,
            "LastModifiedDate": fmt_datetime(modified), "LastModifiedById": by, "SystemModstamp": fmt_datetime(stamp),
        }
        if owner is not None:
            out["OwnerId"] = owner
        return out


class SeededRows:
    """A seeded object's rows, read by field name: built from the context's rows before they are loaded."""

    def __init__(self, ctx: SeedContext, obj: str) -> None:
        self.columns = ctx.store.tables[obj].columns
        self.rows = ctx.rows.get(obj, [])

    def get(self, row: list[Any], name: str) -> Any:
        return row[self.columns[name]]
