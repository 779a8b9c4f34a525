"""The hand-built store of the KPI golden tests, and how a test computes one of the fixture KPIs against it.

Every figure the golden tests expect is worked out by hand from the rows below (the test file shows the sums).
Three reps: u1 (team east, an account executive), u2 (team east, "Sales Manager"), u3 (team west). Accounts a1
(FR), a2 (DE), a3 (US). Deals closed in 2025 except o12 (2024); o10 is deleted and o11 has no close date: neither
ever counts.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, insert, select, update

from analytics.kpi.catalog import Catalog
from analytics.kpi.definition import definition_path, read_definition
from analytics.kpi.query import KpiRequest, KpiResult, compute, parse_grain
from analytics.kpi.schema import KpiFile
from config.models.kpi import KpiSettings
from store.tables import source_link, sync_run
from tests.support.canonical_rows import add_many as _add_many

FIXTURES = Path(__file__).parent / "kpi_fixtures"
SYNCED_AT = datetime(2026, 1, 5, tzinfo=UTC)
YEAR_2025 = (date(2025, 1, 1), date(2026, 1, 1))
# The params of a module-scoped store fixture, as tests/conftest.py's ``db`` has them.
DIALECTS = [pytest.param("sqlite", id="sqlite"),
            pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres)]
_CATALOG = Catalog.load()


@cache
def kpi_file(code: str) -> KpiFile:
    """A fixture KPI: ``kpi_fixtures/<code>.yaml``, or ``kpi_fixtures/as_of/`` for the as-of ones (kept apart: the
    engine's differential reference, which reads the top folder, knows no stage history)."""
    path = FIXTURES / f"{code.lower()}.yaml"
    return read_definition(path if path.is_file() else FIXTURES / "as_of" / f"{code.lower()}.yaml")


def run(engine: Engine, code: str, grain: str = "", *, start: date | None = None, end: date | None = None,
        settings: KpiSettings | None = None, kpi: KpiFile | None = None, **options: Any) -> KpiResult:
    dims, period = parse_grain(grain)
    request = KpiRequest(code, dims, period, start, end, **options)
    return compute(engine, kpi or kpi_file(code), request, catalog=_CATALOG, settings=settings or KpiSettings())


def values(result: KpiResult) -> dict[tuple[str, ...], float | None]:
    """Rows keyed by (members..., period start ISO) -> value, rounded to 6 places."""
    found: dict[tuple[str, ...], float | None] = {}
    for row in result.rows:
        key = (*row.members.values(), *([row.period_start.isoformat()] if row.period_start else []))
        found[key] = None if row.value is None else round(row.value, 6)
    return found


def shipped(engine: Engine, code: str, grain: str = "", *, start: date | None = YEAR_2025[0],
            end: date | None = YEAR_2025[1]) -> dict[tuple[str, ...], float | None]:
    """The values (as ``values``) of the KPI ``code`` crmhub ships (analytics/kpi/definitions/), in 2025 unless
    ``start``/``end`` say otherwise (None: unbounded)."""
    return values(run(engine, code, grain, start=start, end=end, kpi=read_definition(definition_path(code))))


def add_many(engine: Engine, table: str, rows: list[dict[str, Any]]) -> None:
    """Rows of one table, each given every column any of them names (the upsert takes one shape)."""
    names = {name for row in rows for name in row}
    _add_many(engine, table, [{name: row.get(name) for name in sorted(names)} for row in rows])


def _utc(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=UTC)


def _opp(i: int, owner: str, account: str, amount: float, state: str, close: date | None, created: datetime,
         **extra: Any) -> dict[str, Any]:
    return {"id": f"o{i}", "owner_id": owner, "account_id": account, "amount": amount, "currency": "USD",
            "is_closed": state != "open", "is_won": state == "won", "close_date": close, "created_at": created,
            "deleted_at": None, **extra}


def build(engine: Engine) -> None:
    """The golden store."""
    add_many(engine, "crm_user", [
        {"id": "u1", "first_name": "Alice", "team": "east", "title": "Account Executive"},
        {"id": "u2", "first_name": "Bob", "team": "east", "title": "Sales Manager"},
        {"id": "u3", "first_name": "Carol", "team": "west", "title": "Account Executive"},
    ])
    add_many(engine, "account", [
        {"id": "a1", "name": "Alpha", "country": "FR", "owner_id": "u1"},
        {"id": "a2", "name": "Beta", "country": "DE", "owner_id": "u2"},
        {"id": "a3", "name": "Gamma", "country": "US", "owner_id": "u3"},
    ])
    add_many(engine, "opportunity", [
        _opp(1, "u1", "a1", 100, "won", date(2025, 1, 15), _utc(2024, 12, 16)),
        _opp(2, "u1", "a1", 300, "lost", date(2025, 2, 10), _utc(2025, 1, 10)),
        _opp(3, "u1", "a2", 500, "won", date(2025, 4, 5), _utc(2025, 3, 26)),
        _opp(4, "u2", "a2", 200, "won", date(2025, 2, 20), _utc(2025, 1, 21)),
        _opp(5, "u2", "a1", 50, "lost", date(2025, 5, 1), _utc(2025, 4, 1)),
        _opp(6, "u2", "a1", 1000, "open", date(2025, 6, 30), _utc(2025, 4, 1)),
        _opp(7, "u3", "a3", 400, "won", date(2025, 1, 5), _utc(2024, 12, 26)),
        _opp(8, "u3", "a3", 100, "won", date(2025, 4, 20), _utc(2025, 3, 21)),
        _opp(9, "u3", "a3", 700, "lost", date(2025, 3, 1), _utc(2025, 2, 1)),
        _opp(10, "u1", "a1", 999, "won", date(2025, 2, 1), _utc(2025, 1, 1), deleted_at=_utc(2025, 3, 1)),
        _opp(11, "u1", "a1", 888, "won", None, _utc(2025, 1, 1)),
        _opp(12, "u1", "a1", 50, "won", date(2024, 11, 10), _utc(2024, 11, 1)),
    ])
    add_many(engine, "lead", [
        {"id": "l1", "owner_id": "u1", "created_at": _utc(2025, 1, 5), "converted": True},
        {"id": "l2", "owner_id": "u1", "created_at": _utc(2025, 1, 20), "converted": False},
        {"id": "l3", "owner_id": "u1", "created_at": _utc(2025, 2, 3), "converted": True},
        {"id": "l4", "owner_id": "u3", "created_at": _utc(2025, 2, 10), "converted": False},
        {"id": "l5", "owner_id": "u3", "created_at": _utc(2025, 3, 11), "converted": True},
        {"id": "l6", "owner_id": "u2", "created_at": _utc(2025, 4, 1), "converted": False},
    ])
    add_many(engine, "activity", [
        {"id": "c1", "owner_id": "u1", "type": "call", "occurred_at": _utc(2025, 1, 10, 10), "deleted_at": None},
        # 23:30 UTC on 31 January is 00:30 on 1 February in Paris: the boundary row of the time-zone test.
        {"id": "c2", "owner_id": "u1", "type": "call", "occurred_at": _utc(2025, 1, 31, 23, 30), "deleted_at": None},
        {"id": "c3", "owner_id": "u2", "type": "email_sent", "occurred_at": _utc(2025, 2, 1), "deleted_at": None},
        {"id": "c4", "owner_id": "u3", "type": "call", "occurred_at": _utc(2025, 3, 15, 12), "deleted_at": None},
        {"id": "c5", "owner_id": "u1", "type": "call", "occurred_at": _utc(2025, 1, 12),
         "deleted_at": _utc(2025, 2, 1)},
    ])
    add_many(engine, "territory_assignment", [
        # a1 moves from t1 to t2 on 1 March 2025; t2's row is there twice (a duplicate the CRM sent).
        {"id": "ta1", "territory_id": "t1", "account_id": "a1", "effective_from": date(2024, 1, 1)},
        {"id": "ta2", "territory_id": "t2", "account_id": "a1", "effective_from": date(2025, 3, 1)},
        {"id": "ta3", "territory_id": "t2", "account_id": "a1", "effective_from": date(2025, 3, 1)},
        {"id": "ta4", "territory_id": "t3", "user_id": "u1", "effective_from": None},  # u1's own, always
        {"id": "ta5", "territory_id": "t4", "account_id": "a3", "effective_from": date(2024, 6, 1),
         "effective_to": date(2025, 2, 28)},
    ])


def synced(engine: Engine, obj: str, entity: str, *, upserted: int = 1, deleted: int = 0, finished: bool = True
           ) -> int:
    """A sync run of ``obj`` (landing in ``entity``'s table) that upserted and deleted that many records; one not
    ``finished`` is still running (``finish`` ends it)."""
    with engine.begin() as conn:
        linked = conn.execute(select(func.count()).select_from(source_link)
                              .where(source_link.c.object == obj)).scalar_one()
        if not linked:  # the run's object lands in entity: a source link says so
            conn.execute(insert(source_link).values(connection="crm", object=obj, source_id=f"{obj}-1",
                                                    entity=entity, canonical_id=f"{obj}-1", updated_at=SYNCED_AT))
        return int(conn.execute(insert(sync_run).values(
            connection="crm", object=obj, status="succeeded" if finished else "running", started_at=SYNCED_AT,
            finished_at=SYNCED_AT if finished else None, upserted=upserted, deleted=deleted)
            .returning(sync_run.c.id)).scalar_one())


def finish(engine: Engine, run_id: int) -> None:
    with engine.begin() as conn:
        conn.execute(update(sync_run).where(sync_run.c.id == run_id).values(status="succeeded",
                                                                             finished_at=SYNCED_AT))
