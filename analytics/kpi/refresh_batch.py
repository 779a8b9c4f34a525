"""The refresh's computation: every KPI to recompute, grain by grain, from shared scans (shared_scan.py) combined in
Python (combine.py), written into kpi_value one grain at a time.

Per grain: each KPI is checked as compiling it would be (a KPI that cannot be cut at the grain is skipped there,
one whose definition fails fails); the measures of the rest are read together; each KPI's rows are built from
them. The grain's rows of those KPIs are replaced in one transaction. A KPI that fails at a later grain has every
row of it deleted (a refresh leaves no half-computed KPI behind; a read compiles it until it succeeds).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Engine, delete

from analytics.kpi.catalog import Catalog, Measure
from analytics.kpi.combine import check, kpi_rows
from analytics.kpi.errors import KpiDefinitionError, KpiNotComputable, KpiRequestError
from analytics.kpi.grain import ALL_MEMBERS, WHOLE_RANGE, Grain
from analytics.kpi.hooks import AsOfHook, CurrencyHook
from analytics.kpi.measure_sql import Dialect, Slice, measure_select
from analytics.kpi.rollup import reading_order, roll, rolls_up, serves, teams
from analytics.kpi.schema import KpiFile
from analytics.kpi.shared_scan import Derive, GrainValues, Key, MeasureId, measure_id, read_grain
from analytics.kpi.zone import DialectName
from config.models.kpi import KpiSettings
from store.bulk import BulkWriter
from store.tables import kpi_value

CHUNK = 50_000  # kpi_value rows per bulk write
COLUMNS = ("kpi_code", "dimension", "member", "period", "period_start", "value", "numerator", "denominator",
           "currency", "definition_hash", "computed_at")
# Told after each grain: (KPI x grain steps done, steps to do, the grain done)
Steps = Callable[[int, int, str], None]


@dataclass(slots=True)
class Outcome:
    computed: list[str] = field(default_factory=list)
    rows: int = 0
    skipped: dict[str, list[str]] = field(default_factory=dict)  # KPI -> "<grain>: why"
    failed: dict[str, str] = field(default_factory=dict)
    warnings: dict[str, list[str]] = field(default_factory=dict)


def recompute(engine: Engine, kpis: Sequence[KpiFile], digests: dict[str, str], grains: Sequence[Grain], *,
              catalog: Catalog, settings: KpiSettings, hooks: tuple[CurrencyHook, AsOfHook], now: datetime,
              progress: Steps | None = None) -> Outcome:
    """``kpis`` at ``grains`` into kpi_value (see the module docstring)."""
    out = Outcome()
    on = Dialect(cast(DialectName, engine.dialect.name), hooks[0], hooks[1], settings.time_zone,
                 settings.fiscal_year_start_month)
    measures: dict[str, dict[str, Measure]] = {}
    for kpi in kpis:
        try:
            measures[kpi.code] = catalog.kpi_measures(kpi)
        except KpiDefinitionError as exc:
            out.failed[kpi.code] = f"{type(exc).__name__}: {exc}"
    unchecked: set[MeasureId] = {measure_id(m) for found in measures.values() for m in found.values()}
    rollable = {measure_id(m) for found in measures.values() for m in found.values() if rolls_up(m)}
    gaps: dict[MeasureId, list[tuple[int, list[str]]]] = {}
    written: set[str] = set()
    counted: dict[str, int] = {}
    slices = [Slice(g.dimensions, g.period_kind) for g in grains]
    order = reading_order(slices)
    earlier: list[tuple[Slice, GrainValues]] = []  # grains read that a later one rolls up from
    with engine.connect() as conn:
        team_of = teams(conn)
    for step, index in enumerate(order, start=1):
        grain, want = grains[index], slices[index]
        able = [k for k in kpis if k.code not in out.failed and _can(k, measures[k.code], want, grain, on, out)]
        with engine.connect() as conn:
            got = read_grain(conn, [m for k in able for m in measures[k.code].values()], want, on,
                             check_rates=unchecked, derive=_deriver(earlier, want, team_of, on.fiscal_start))
        later = [slices[i] for i in order[step:]]
        if any(serves(want, s, on.fiscal_start) for s in later):
            earlier.append((want, GrainValues(values={m: v for m, v in got.values.items() if m in rollable})))
        unchecked -= {measure_id(m) for k in able for m in measures[k.code].values()}
        for mid, found in got.found.items():
            gaps.setdefault(mid, found)
        with engine.begin() as conn:  # the grain's rows of these KPIs replaced in one transaction
            conn.execute(delete(kpi_value).where(kpi_value.c.kpi_code.in_([k.code for k in kpis]),
                                                 kpi_value.c.dimension == grain.dimension,
                                                 kpi_value.c.period == grain.period))
            with BulkWriter(conn, kpi_value, COLUMNS) as writer:  # one COPY per grain: the server overlaps us
                buffer: list[tuple[Any, ...]] = []
                for kpi in able:
                    made = _rows(kpi, measures[kpi.code], got, gaps, want, grain, on, out, digest=digests[kpi.code],
                                 currency=settings.currency if kpi.unit == "currency" else None, now=now)
                    if made is None:
                        continue
                    counted[kpi.code] = counted.get(kpi.code, 0) + len(made)
                    buffer += made
                    if len(buffer) >= CHUNK:
                        writer.write(buffer)
                        buffer = []
                writer.write(buffer)
            dropped = [c for c in written if c in out.failed]
            if dropped:  # failed at this grain after rows at an earlier one: none of it stays
                conn.execute(delete(kpi_value).where(kpi_value.c.kpi_code.in_(dropped)))
        written.update(k.code for k in able if k.code not in out.failed)
        written -= set(out.failed)
        del got
        if progress is not None:
            progress(step * len(kpis), len(grains) * len(kpis), str(grain))  # finest grain first
    out.computed = [k.code for k in kpis if k.code not in out.failed]
    out.rows = sum(n for code, n in counted.items() if code not in out.failed)
    return out


def _deriver(earlier: list[tuple[Slice, GrainValues]], want: Slice, team_of: dict[str, str], fiscal_start: int
             ) -> Derive:
    """A measure's values rolled up from the coarsest grain read before that serves ``want`` (None: read it)."""
    def derive(measure: Measure) -> dict[Key, Any] | None:
        if not rolls_up(measure):
            return None
        for finer, got in reversed(earlier):
            values = got.values.get(measure_id(measure))
            if values is not None and serves(finer, want, fiscal_start):
                return roll(values, measure, finer, want, team_of=team_of, fiscal_start=fiscal_start)
        return None
    return derive


def _can(kpi: KpiFile, measures: dict[str, Measure], want: Slice, grain: Grain, on: Dialect, out: Outcome) -> bool:
    try:
        check(kpi, measures, want, on.fiscal_start)
    except KpiRequestError as exc:  # this KPI cannot be cut at this grain: the others still count
        out.skipped.setdefault(kpi.code, []).append(f"{grain}: {exc}")
        return False
    except (KpiNotComputable, KpiDefinitionError) as exc:
        out.failed[kpi.code] = f"{grain}: {type(exc).__name__}: {exc}"
        return False
    return True


def _rows(kpi: KpiFile, measures: dict[str, Measure], got: GrainValues,
          gaps: dict[MeasureId, list[tuple[int, list[str]]]], want: Slice, grain: Grain, on: Dialect, out: Outcome,
          *, digest: str, currency: str | None, now: datetime) -> list[tuple[Any, ...]] | None:
    """The KPI's kpi_value rows at this grain; None when it fails (recorded in ``out``)."""
    for measure in measures.values():
        why = got.failed.get(measure_id(measure))
        if why is not None:
            out.failed[kpi.code] = f"{grain}: {why}"
            return None
    try:
        for measure in measures.values():
            _warn(kpi, measure, gaps.get(measure_id(measure), []), on, out)
        found = kpi_rows(kpi, measures, got.values, want, on.fiscal_start)
    except (KpiNotComputable, KpiDefinitionError) as exc:
        out.failed[kpi.code] = f"{grain}: {type(exc).__name__}: {exc}"
        return None
    code, dimension, period = kpi.code, grain.dimension, grain.period
    # one comprehension per key shape: the rows are many, a call per row to pick member and start is not free
    if grain.dimensions and grain.period_kind:
        return [(code, dimension, key[0], period, key[-1], value, num, den, currency, digest, now)
                for key, value, num, den in found]
    if grain.dimensions:
        return [(code, dimension, key[0], period, WHOLE_RANGE, value, num, den, currency, digest, now)
                for key, value, num, den in found]
    if grain.period_kind:
        return [(code, dimension, ALL_MEMBERS, period, key[-1], value, num, den, currency, digest, now)
                for key, value, num, den in found]
    return [(code, dimension, ALL_MEMBERS, period, WHOLE_RANGE, value, num, den, currency, digest, now)
            for _, value, num, den in found]


def _warn(kpi: KpiFile, measure: Measure, found: list[tuple[int, list[str]]], on: Dialect, out: Outcome) -> None:
    """The measure's precondition messages for this KPI: a warning is kept, an error fails the KPI."""
    if not found:
        return
    _, checks = measure_select(measure, Slice(), on, kpi=kpi.code)  # the messages, worded for this KPI
    for index, rows in found:
        message = checks[index].message.replace("{found}", ", ".join(rows))
        if checks[index].severity != "warning":
            raise KpiNotComputable(message)
        listed = out.warnings.setdefault(kpi.code, [])
        if message not in listed:
            listed.append(message)
