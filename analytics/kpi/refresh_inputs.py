"""What a KPI refresh depends on: which entities each KPI reads, and which entities the sync runs changed since.

A sync run changed an entity when it upserted or deleted one of its records (``sync_run.upserted``/``deleted``); the
entity of a run's (connection, object) is the one its source links name. A refresh records, per entity, the latest
such run it has seen (``kpi_refresh.inputs["entities"]``); the next one recomputes only the KPIs reading an entity
changed since. The CRMs' rate objects feed ``currency_rate`` (RATES), which every converted measure reads; a change
of the ``kpi`` settings (calendar, zone, currency, config rates) changes every KPI.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Connection, func, or_, select

from analytics.kpi import expr
from analytics.kpi.catalog import Catalog, Measure
from analytics.kpi.schema import REF_TARGETS, KpiFile
from mapping.model import TABLE_OF
from store.tables import kpi_refresh, source_link, sync_run

RATES = "currency_rate"
# The objects the CRMs keep their exchange rates in (analytics/kpi/rate_sources.py reads their raw tables).
RATE_OBJECTS = frozenset({"CurrencyType", "DatedConversionRate", "transactioncurrencies", "organizations"})
STAGES = "pipeline_stage"  # as_of measures read the stage definitions to tell closed and won stages
# The entities a dimension's members come from (analytics/kpi/dims.py joins them).
DIMENSION_ENTITIES: Mapping[str, tuple[str, ...]] = {
    "rep": ("user",), "team": ("user", "team"), "region": ("account", "territory", "territory_assignment"),
    "territory": ("territory", "territory_assignment"), "company": ("account",)}
_ENTITY_OF_TABLE = {table: entity for entity, table in TABLE_OF.items()}


def entity_runs(conn: Connection) -> dict[str, int]:
    """Per entity (and RATES): the id of the latest sync run that upserted or deleted one of its records."""
    changed = (select(sync_run.c.connection, sync_run.c.object, func.max(sync_run.c.id))
               .where(or_(sync_run.c.upserted > 0, sync_run.c.deleted > 0))
               .group_by(sync_run.c.connection, sync_run.c.object))
    out: dict[str, int] = {}
    for connection, obj, run in conn.execute(changed).all():
        entity = RATES if obj in RATE_OBJECTS else _entity_of(conn, str(connection), str(obj))
        if entity is not None:
            out[entity] = max(out.get(entity, 0), int(run))
    return dict(sorted(out.items()))


def _entity_of(conn: Connection, connection: str, obj: str) -> str | None:
    """The canonical entity an object's records land in (from one source link), or its raw table's name."""
    table = conn.execute(select(source_link.c.entity).where(source_link.c.connection == connection,
                                                            source_link.c.object == obj).limit(1)).scalar()
    return None if table is None else _ENTITY_OF_TABLE.get(str(table), str(table))


def last_inputs(conn: Connection) -> dict[str, Any] | None:
    """The inputs of the latest refresh that succeeded, or None before the first one."""
    row = conn.execute(select(kpi_refresh.c.inputs).where(kpi_refresh.c.status == "succeeded")
                       .order_by(kpi_refresh.c.id.desc()).limit(1)).scalar()
    return dict(row) if row else None


def changed_entities(current: Mapping[str, int], seen: Mapping[str, int]) -> set[str]:
    """Entities a run changed after the one ``seen`` records for them (all of an entity never seen)."""
    return {entity for entity, run in current.items() if run > int(seen.get(entity, 0))}


def settings_hash(settings: Any) -> str:
    """A digest of the ``kpi`` settings that change values (a pydantic model): equal settings, equal digest."""
    content = settings.model_dump(mode="json", exclude={"refresh_after_sync"})
    text = json.dumps(content, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _path_entities(entity: str, path: str | None) -> set[str]:
    if not path or "." not in path:
        return set()
    ref = path.split(".", 1)[0]
    return {REF_TARGETS.get(ref, ref)}


def measure_entities(measure: Measure) -> set[str]:
    """The entities one measure reads: its own, those its column paths join, its history, the rates."""
    spec, facts = measure.spec, measure.facts
    paths: list[str | None] = [measure.anchor_path, facts.rep, facts.account, facts.currency,
                               *(c.column for c in spec.where)]
    if spec.expr is not None:
        paths += expr.names(spec.expr)
    found = {spec.entity}.union(*(_path_entities(spec.entity, p) for p in paths))
    if spec.as_of and facts.history:
        found |= {facts.history, STAGES}
    if spec.currency:
        found.add(RATES)
    return found


def kpi_entities(kpi: KpiFile, catalog: Catalog, dimensions: Iterable[str] | None = None) -> set[str]:
    """Every entity a computed KPI's value depends on, those of its ``dimensions`` (default: all it has; a refresh
    passes those of its grains) included."""
    measures = catalog.kpi_measures(kpi).values()
    found: set[str] = set().union(*(measure_entities(m) for m in measures)) if measures else set()
    cut = kpi.dimensions if dimensions is None else [d for d in kpi.dimensions if d in set(dimensions)]
    return found.union(*(DIMENSION_ENTITIES.get(d, ()) for d in cut))
