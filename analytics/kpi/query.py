"""The KPI service the CLI (``crmhub kpi compute``) and the web API call: a request in, rows and their SQL out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast, get_args

from sqlalchemy import Engine, Select
from sqlalchemy.engine import Dialect as SqlDialect
from sqlalchemy.exc import CompileError

from analytics.kpi.asof_hook import StageHistory
from analytics.kpi.catalog import Catalog
from analytics.kpi.compile import CompiledKpi, compile_kpi
from analytics.kpi.conversion import DatedRates
from analytics.kpi.errors import KpiNotComputable, KpiRequestError
from analytics.kpi.hooks import AsOfHook, CurrencyHook, ReportingCurrencyOnly
from analytics.kpi.measure_sql import Dialect, Slice
from analytics.kpi.schema import DIMENSIONS, PERIODS, Dimension, KpiFile, Period
from analytics.kpi.scope import user_exists
from analytics.kpi.zone import DialectName
from config.models.kpi import KpiSettings

_DIMENSION_OF: dict[str, Dimension] = {d: d for d in DIMENSIONS}
_PERIOD_OF: dict[str, Period] = {p: p for p in PERIODS}


@dataclass(frozen=True, slots=True)
class KpiRequest:
    code: str
    dimensions: tuple[Dimension, ...] = ()  # () = the total
    period: Period | None = None  # None = the whole range
    start: date | None = None  # [start, end) on the anchor, local dates
    end: date | None = None
    filters: Mapping[Dimension, Sequence[str]] = field(default_factory=dict)
    as_user: str | None = None  # None = no scope (admin)


@dataclass(frozen=True, slots=True)
class KpiRow:
    members: Mapping[str, str]  # dimension -> member (dims.UNKNOWN for rows without one)
    period_start: date | None
    value: float | None
    numerator: float | None
    denominator: float | None


@dataclass(frozen=True, slots=True)
class KpiResult:
    code: str
    name: str
    unit: str
    rows: list[KpiRow]
    sql: str
    source: str  # "compiled" (from the store's rows) | "kpi_value" (materialised)
    warnings: tuple[str, ...] = ()  # what the value leaves out, and why (rows without an exchange rate)


def parse_grain(text: str) -> tuple[tuple[Dimension, ...], Period | None]:
    """``"rep,month"`` -> (("rep",), "month"); ``""`` or ``"total"`` -> ((), None). At most one period."""
    dims: list[Dimension] = []
    periods: list[Period] = []
    for part in (p.strip() for p in text.split(",")):
        if part in ("", "total", "all"):
            continue
        if part in _DIMENSION_OF:
            dims.append(_DIMENSION_OF[part])
        elif part in _PERIOD_OF:
            periods.append(_PERIOD_OF[part])
        else:
            raise KpiRequestError(f"grain {text!r}: {part!r} is neither a dimension ({', '.join(DIMENSIONS)}) nor "
                                  f"a period ({', '.join(PERIODS)})")
    if len(periods) > 1 or len(set(dims)) != len(dims):
        raise KpiRequestError(f"grain {text!r}: at most one period and each dimension once")
    return tuple(dims), (periods[0] if periods else None)


def compile_request(kpi: KpiFile, request: KpiRequest, *, dialect: DialectName, catalog: Catalog,
                    settings: KpiSettings, currency: CurrencyHook | None = None, as_of: AsOfHook | None = None
                    ) -> CompiledKpi:
    """The SQL of ``request`` without running it (snapshots, EXPLAIN, the materialiser)."""
    if request.code != kpi.code:
        raise KpiRequestError(f"the request is for KPI {request.code}, the definition given is {kpi.code}")
    if request.start and request.end and request.start >= request.end:
        raise KpiRequestError(f"KPI {kpi.code}: the range [{request.start}, {request.end}) is empty")
    want = Slice(request.dimensions, request.period, request.start, request.end,
                 {d: tuple(m) for d, m in request.filters.items()}, request.as_user)
    on = Dialect(dialect, currency or ReportingCurrencyOnly(settings.currency), as_of, settings.time_zone,
                 settings.fiscal_year_start_month)
    return compile_kpi(kpi, want, on, catalog)


def compute(engine: Engine, kpi: KpiFile, request: KpiRequest, *, catalog: Catalog, settings: KpiSettings,
            currency: CurrencyHook | None = None, as_of: AsOfHook | None = None, materialised: bool = True,
            render: bool = True) -> KpiResult:
    """``kpi`` for ``request``: read from kpi_value when the stored values answer it exactly and are current
    (materialised.py; ``materialised=False`` never reads them), else computed from the store's rows. Without hooks:
    amounts converted at each row's date with ``currency_rate`` (conversion.py), as-of measures from the stage
    history (asof_hook.py). ``render=False`` leaves ``sql`` empty (a refresh computing thousands saves the time)."""
    name = engine.dialect.name
    if name not in get_args(DialectName):
        raise KpiRequestError(f"the KPI engine compiles for SQLite and PostgreSQL, not {name}")
    if materialised and currency is None and as_of is None:
        from analytics.kpi.materialised import read_materialised  # materialised.py builds on this module's types

        stored = read_materialised(engine, kpi, request, catalog=catalog, settings=settings)
        if stored is not None:
            return stored
    if currency is None:
        with engine.connect() as conn:
            currency = DatedRates.load(conn, settings.currency)
    if as_of is None:
        as_of = StageHistory(engine, settings.time_zone, settings.fiscal_year_start_month)
    compiled = compile_request(kpi, request, dialect=cast(DialectName, name), catalog=catalog, settings=settings,
                               currency=currency, as_of=as_of)
    if request.as_user is not None and not user_exists(engine, request.as_user):
        raise KpiRequestError(f"KPI {kpi.code}: as_user {request.as_user!r} is no live user (crm_user.id)")
    warnings: list[str] = []
    with engine.connect() as conn:
        for check in compiled.preconditions:
            found = [str(row[0]) for row in conn.execute(check.query)]
            if found and check.severity == "warning":
                warnings.append(check.message.replace("{found}", ", ".join(found)))
            elif found:
                raise KpiNotComputable(check.message.replace("{found}", ", ".join(found)))
        rows = [_row(compiled, dict(r._mapping)) for r in conn.execute(compiled.statement)]
    sql = render_sql(compiled.statement, engine.dialect) if render else ""
    return KpiResult(kpi.code, kpi.name, kpi.unit, rows, sql, "compiled",
                     tuple(warnings))


def _row(compiled: CompiledKpi, values: dict[str, Any]) -> KpiRow:
    members = {k: str(values[k]) for k in compiled.keys if k != "period_start"}
    start = values.get("period_start")
    return KpiRow(members, _date(start), _float(values["value"]), _float(values["numerator"]),
                  _float(values["denominator"]))


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])  # a SQLite window over a date column may hand back its text


def render_sql(statement: Select[Any], dialect: SqlDialect) -> str:
    """The statement as the dialect runs it, with its values inlined where they can be (for reading, not running)."""
    try:
        text = str(statement.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
    except (CompileError, NotImplementedError):  # a value SQLAlchemy cannot inline: show the placeholders
        return str(statement.compile(dialect=dialect))
    # With every value inlined there is no placeholder left, so psycopg's escaped %% is shown as the % it sends.
    return text.replace("%%", "%") if dialect.paramstyle in ("format", "pyformat") else text
