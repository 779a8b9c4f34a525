"""What a KPI refresh depends on: which entities each KPI reads, and which entities the sync runs changed since.

A sync run changed an entity when it upserted or deleted one of its records (``sync_run.upserted``/``deleted``); the
entity of a run's (connection, object) is the one its source links name. Runs count once they have finished: a run
still landing batches while a refresh reads the store is counted by the next refresh.

A refresh takes a ``Snapshot`` before it computes: per entity, the latest finished run that changed it (what
``kpi_refresh.inputs["entities"]`` records, {entity: sync_run id}), a ``floor``: the smallest id of the runs
unfinished then (every run that can finish later has an id at least that), and the ids from the floor up that had
finished already (``seen``). Changes since a refresh are the finished changing runs with an id from its floor up that
it had not seen: a range of the primary key, so a dashboard read checks it in a millisecond whatever the runs'
history. A run left unfinished for more than a day (its process died) does not hold the floor down.

The CRMs' rate objects feed ``currency_rate`` (RATES), which every converted measure reads; a change of the ``kpi``
settings (calendar, zone, currency, config rates) changes every KPI.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Connection, func, or_, select

from analytics.kpi import expr
from analytics.kpi.catalog import Catalog, Measure
from analytics.kpi.schema import REF_TARGETS, KpiFile
from mapping.model import ENTITIES, TABLE_OF
from store.tables import kpi_refresh, source_link, sync_run

RATES = "currency_rate"
# The objects the CRMs keep their exchange rates in (analytics/kpi/rate_sources.py reads their raw tables).
RATE_OBJECTS = frozenset({"CurrencyType", "DatedConversionRate", "transactioncurrencies", "organizations"})
STAGES = "pipeline_stage"  # as_of measures read the stage definitions to tell closed and won stages
# The entities a dimension's members come from (analytics/kpi/dims.py joins them).
DIMENSION_ENTITIES: Mapping[str, tuple[str, ...]] = {
    "rep": ("user",), "team": ("user",), "region": ("account",),
    "territory": ("territory_assignment",), "company": ("account",)}
ABANDONED = timedelta(days=1)  # a run unfinished for longer no longer holds the floor down (its process died)
_ENTITY_OF_TABLE = {table: entity for entity, table in TABLE_OF.items()}


@dataclass(frozen=True, slots=True)
class Snapshot:
    entities: dict[str, int]  # entity -> the latest finished run that changed it
    floor: int  # the smallest id a run finishing after the snapshot can have
    seen: list[int]  # the runs from the floor up that had finished

    def as_inputs(self) -> dict[str, Any]:
        return {"entities": self.entities, "floor": self.floor, "seen": self.seen}


def _changing() -> ColumnElement[bool]:
    return or_(sync_run.c.upserted > 0, sync_run.c.deleted > 0)


def snapshot(conn: Connection, now: datetime) -> Snapshot:
    """The runs as a refresh starting at ``now`` sees them (see the module docstring)."""
    finished = (select(sync_run.c.connection, sync_run.c.object, func.max(sync_run.c.id))
                .where(_changing(), sync_run.c.finished_at.is_not(None))
                .group_by(sync_run.c.connection, sync_run.c.object))
    entities = _by_entity(conn, conn.execute(finished).all())
    unfinished = conn.execute(select(func.min(sync_run.c.id)).where(
        sync_run.c.finished_at.is_(None), sync_run.c.started_at >= now - ABANDONED)).scalar()
    top = conn.execute(select(func.max(sync_run.c.id))).scalar()
    floor = int(unfinished) if unfinished is not None else int(top or 0) + 1
    seen = conn.execute(select(sync_run.c.id).where(sync_run.c.id >= floor, sync_run.c.finished_at.is_not(None))
                        .order_by(sync_run.c.id)).scalars().all()
    return Snapshot(entities, floor, [int(i) for i in seen])


def changed_since(conn: Connection, inputs: Mapping[str, Any]) -> set[str]:
    """The entities changed by runs the refresh that recorded ``inputs`` had not seen finished."""
    if "floor" not in inputs:  # not a snapshot this code took: everything may have changed
        return {*ENTITIES, RATES}
    runs = (select(sync_run.c.connection, sync_run.c.object, func.max(sync_run.c.id))
            .where(sync_run.c.id >= int(inputs["floor"]), _changing(), sync_run.c.finished_at.is_not(None))
            .group_by(sync_run.c.connection, sync_run.c.object))
    seen = [int(i) for i in inputs.get("seen", [])]
    if seen:
        runs = runs.where(sync_run.c.id.not_in(seen))
    return set(_by_entity(conn, conn.execute(runs).all()))


def _by_entity(conn: Connection, runs: Iterable[Any]) -> dict[str, int]:
    out: dict[str, int] = {}
    for connection, obj, run in runs:
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
