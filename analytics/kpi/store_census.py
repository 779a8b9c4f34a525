"""The KPI census as the store holds it: the registry tables (store_load.py) counted per module and status, and how
many computed KPIs have data in kpi_value.

The file census (census.py) says what the registry declares; this one reads what was loaded and materialised, so it
shows the store agrees with the files and what the synced data gives. A computed KPI "has data" when kpi_value
holds a value other than 0 for it at some grain: a KPI whose every value is 0 or missing counts nothing in this
store (no rows of its entity, or none passing its filters), however right its definition.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, select

from analytics.kpi.census import STATUSES, Census, StatusCounts
from store.tables import kpi_definition, kpi_module, kpi_module_member, kpi_value


@dataclass(frozen=True, slots=True)
class StoredCensus:
    census: Census
    names: dict[str, str]  # module code -> name
    with_data: dict[str, int]  # module code -> its computed KPIs with data
    distinct_with_data: int
    memberships_with_data: int

    def as_dict(self) -> dict[str, Any]:
        doc = self.census.as_dict()
        return {"modules": [{"code": code, "name": self.names[code], **counts, "with_data": self.with_data[code]}
                            for code, counts in doc["modules"].items()],
                "memberships": {**doc["memberships"], "with_data": self.memberships_with_data},
                "distinct": {**doc["distinct"], "with_data": self.distinct_with_data}}


def stored_census(engine: Engine) -> StoredCensus:
    """The census of the registry tables and kpi_value; modules by code. Empty tables give an empty census: load
    the registry first (store_load.load_registry)."""
    with engine.connect() as conn:
        status = dict(conn.execute(select(kpi_definition.c.code, kpi_definition.c.status)).tuples().all())
        names = dict(conn.execute(select(kpi_module.c.code, kpi_module.c.name).order_by(kpi_module.c.code))
                     .tuples().all())
        members = conn.execute(select(kpi_module_member.c.module_code, kpi_module_member.c.kpi_code)).tuples().all()
        with_data = _with_data(conn) & {code for code, s in status.items() if s == "computed"}
    per_module: dict[str, Counter[str]] = {code: Counter() for code in names}
    data: Counter[str] = Counter()
    for module, code in members:
        per_module.setdefault(module, Counter())[status[code]] += 1
        data[module] += code in with_data
    modules = {code: _counts(counted) for code, counted in per_module.items()}
    summed = StatusCounts(**{s: sum(getattr(c, s) for c in modules.values()) for s in STATUSES})
    census = Census(modules=modules, distinct=_counts(Counter(status.values())), memberships=summed)
    return StoredCensus(census, {code: names.get(code, code) for code in modules},
                        {code: data[code] for code in modules}, len(with_data), sum(data.values()))


def _with_data(conn: Connection) -> set[str]:
    rows = select(kpi_value.c.kpi_code).distinct().where(kpi_value.c.value.is_not(None), kpi_value.c.value != 0)
    return set(conn.execute(rows).scalars())


def _counts(counted: Counter[str]) -> StatusCounts:
    return StatusCounts(**{s: counted[s] for s in STATUSES})
