"""The driver-level upsert (store/upsert.py) leaves exactly the rows the SQLAlchemy Core upsert leaves.

Each scenario runs through Core (store/upsert_core.py), is read back as the driver returns it (no type
processing, so SQLite's stored text is compared as text), rolled back, then run through ``upsert`` and read back
again: every column of every row must be equal, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, Table, event, func, select
from sqlalchemy.exc import IntegrityError, StatementError

from store.links import upsert_links
from store.tables import opportunity, record_quality, source_link
from store.upsert import upsert
from store.upsert_core import core_upsert

LISBON = timezone(timedelta(hours=1))
T0 = datetime(2024, 3, 31, 23, 59, 59, 999_999, tzinfo=UTC)
Batches = Sequence[tuple[Sequence[Mapping[str, Any]], Sequence[str] | None]]  # (rows, update) per call


def _opportunity(n: int, **changes: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": f"opp-{n}",
        "source_connection": "hs",
        "source_object": "deals",
        "source_id": str(n),
        "name": f"Négócio {n} ✓ tab\there\nnewline \\ backslash",
        "account_id": None,
        "amount": n * 1234.5678 + 0.1,
        "currency": "EUR",
        "probability": 1 / 3,
        "close_date": date(2024, 1, 1) + timedelta(days=n),
        "is_closed": n % 2 == 0,
        "is_won": None if n % 3 == 0 else n % 3 == 1,
        "custom": {"nested": {"deep": [1, 2.5, None, True, "ção"], "empty": {}}, "emoji": "🚀", "n": n},
        "created_at": datetime(2024, 1, 1, 12, 30, tzinfo=LISBON) + timedelta(microseconds=n),
        "updated_at": T0 + timedelta(seconds=n),
        "deleted_at": None,
        "synced_at": T0,
    }
    return {**row, **changes}


Writer = Callable[[Connection, Table, Sequence[Mapping[str, Any]], Sequence[str], Sequence[str] | None], None]


def _core(conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]], key: Sequence[str],
          update: Sequence[str] | None) -> None:
    columns = list(rows[0])
    to_update = [c for c in columns if c not in key] if update is None else list(update)
    core_upsert(conn, table, rows, columns=columns, key=key, update=to_update)


def _fast(conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]], key: Sequence[str],
          update: Sequence[str] | None) -> None:
    upsert(conn, table, rows, key=key, update=update)


def _stored(conn: Connection, table: Table, key: Sequence[str]) -> list[tuple[Any, ...]]:
    """Every column of every row as the driver returns it, in key order."""
    names = ", ".join(f'"{c.name}"' for c in table.columns)
    order = ", ".join(f'"{c}"' for c in key)
    return [tuple(row) for row in conn.exec_driver_sql(f'SELECT {names} FROM "{table.name}" ORDER BY {order}')]


def _same_rows(conn: Connection, table: Table, key: Sequence[str], batches: Batches) -> list[tuple[Any, ...]]:
    results: list[list[tuple[Any, ...]]] = []
    writers: tuple[Writer, ...] = (_core, _fast)
    for writer in writers:
        statements: list[str] = []

        def record(*args: Any, statements: list[str] = statements) -> None:
            if args[4] is not None:  # Core's own execution context; the driver path announces without one
                statements.append(args[2])

        event.listen(conn, "before_cursor_execute", record)
        for rows, update in batches:
            writer(conn, table, rows, key, update)
        event.remove(conn, "before_cursor_execute", record)
        assert bool(statements) == (writer is _core)  # the driver-level path was taken, not Core's fallback
        results.append(_stored(conn, table, key))
        conn.rollback()
    core, fast = results
    assert fast == core
    assert core  # a scenario that wrote nothing would prove nothing
    return core


def test_canonical_rows_of_every_type_insert_then_update(conn: Connection) -> None:
    first = [_opportunity(n) for n in range(50)]
    second = [_opportunity(n, name=f"renamed {n}", amount=None, custom=None, is_closed=True,
                           updated_at=datetime(2024, 6, 1, 9, 0, 0, 1, tzinfo=LISBON)) for n in range(25, 75)]
    stored = _same_rows(conn, opportunity, ["id"], [(first, None), (second, None)])
    assert len(stored) == 75


def test_decimal_and_extreme_floats(conn: Connection) -> None:
    rows = [_opportunity(1, amount=Decimal("12345.678901"), probability=float("inf")),
            _opportunity(2, amount=1e-300, probability=-0.0),
            _opportunity(3, amount=123456789012345.67, probability=2**53 + 1)]
    _same_rows(conn, opportunity, ["id"], [(rows, None)])


def test_duplicate_keys_in_one_call(conn: Connection) -> None:
    rows = [_opportunity(1, name="first"), _opportunity(2), _opportunity(1, name="second", amount=7.0),
            _opportunity(1, name="third", custom={"x": [1]})]
    stored = _same_rows(conn, opportunity, ["id"], [(rows, None)])
    assert [row[4] for row in stored] == ["third", _opportunity(2)["name"]]


def test_duplicate_keys_with_a_partial_update(conn: Connection) -> None:
    existing = [_opportunity(1, name="kept")]
    rows = [_opportunity(1, name="ignored", amount=1.0), _opportunity(2, name="new", amount=2.0),
            _opportunity(2, name="ignored too", amount=3.0)]
    _same_rows(conn, opportunity, ["id"], [(existing, None), (rows, ["amount", "synced_at"])])


def test_duplicate_keys_with_nothing_to_update(conn: Connection) -> None:
    rows = [_opportunity(1, name="first"), _opportunity(1, name="second"), _opportunity(2)]
    stored = _same_rows(conn, opportunity, ["id"], [([_opportunity(2, name="existing")], None), (rows, [])])
    assert [row[4] for row in stored] == ["first", "existing"]


def test_source_links_with_a_python_side_default(conn: Connection) -> None:
    """``is_deleted`` left out of the rows takes its Python-side default, as Core fills it in."""
    rows = [{"connection": "hs", "object": "contacts", "source_id": str(n), "entity": "contact",
             "canonical_id": f"c-{n}", "source_modified_at": T0 if n % 2 else None, "content_hash": f"h{n}",
             "first_run_id": 1, "last_run_id": n, "updated_at": T0} for n in range(20)]
    stored = _same_rows(conn, source_link, ["connection", "object", "source_id"], [(rows, None)])
    assert {bool(row[7]) for row in stored} == {False}


def test_record_quality_json_lists(conn: Connection) -> None:
    rows = [{"entity": "contact", "record_id": f"c-{n}", "score": 1 - n / 7, "failed": ["email_format", "é"][: n % 3],
             "run_id": 3, "scored_at": T0} for n in range(30)]
    _same_rows(conn, record_quality, ["entity", "record_id"], [(rows, None), (rows[:10], ["score"])])


class _FrozenClock:
    """``datetime`` for store.links: ``now`` fixed, so both paths stamp the links alike."""

    @staticmethod
    def now(tz: Any) -> datetime:
        return datetime(2024, 7, 1, tzinfo=tz)


def test_upsert_links_through_both_paths(conn: Connection, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [{"connection": "hs", "object": "contacts", "source_id": str(n), "entity": "contact",
             "canonical_id": f"c-{n}", "source_modified_at": T0, "content_hash": f"h{n}", "last_run_id": 2}
            for n in range(10)]
    monkeypatch.setattr("store.links.datetime", _FrozenClock)
    results = []
    writers: tuple[Writer, ...] = (_core, _fast)
    for writer in writers:
        def through(c: Connection, t: Table, r: Sequence[Mapping[str, Any]], *, key: Sequence[str],
                    update: Sequence[str] | None = None, writer: Writer = writer) -> int:
            writer(c, t, r, key, update)
            return len(r)

        monkeypatch.setattr("store.links.upsert", through)
        upsert_links(conn, rows)
        upsert_links(conn, [{**row, "last_run_id": 3, "content_hash": "changed"} for row in rows[:4]])
        results.append(_stored(conn, source_link, ["connection", "object", "source_id"]))
        conn.rollback()
    assert results[0] == results[1] and len(results[0]) == 10
    # updated_at, as SQLite stores it and as PostgreSQL returns it
    assert results[0][0][12] in ("2024-07-01 00:00:00.000000", datetime(2024, 7, 1, tzinfo=UTC))


def test_rows_land_with_the_callers_commit(store_engine: Engine) -> None:
    """The driver-level write joins the connection's transaction: the caller's commit keeps it, and a staging
    table emptied by that commit is used again by the next transaction."""
    with store_engine.connect() as conn:
        upsert(conn, opportunity, [_opportunity(n) for n in range(3)], key=["id"])
        conn.commit()
        upsert(conn, opportunity, [_opportunity(n, name="again") for n in range(2, 5)], key=["id"])
        conn.commit()
    with store_engine.connect() as other:
        names = dict(other.execute(select(opportunity.c.id, opportunity.c.name)).tuples().all())
    assert names == {"opp-0": _opportunity(0)["name"], "opp-1": _opportunity(1)["name"],
                     "opp-2": "again", "opp-3": "again", "opp-4": "again"}


def test_rolled_back_rows_are_gone(store_engine: Engine) -> None:
    with store_engine.connect() as conn:
        upsert(conn, opportunity, [_opportunity(1)], key=["id"])
        conn.rollback()
        assert conn.execute(select(func.count()).select_from(opportunity)).scalar_one() == 0


def test_errors_are_raised_as_sqlalchemy_raises_them(conn: Connection) -> None:
    with pytest.raises(StatementError, match="UtcDateTime refuses naive datetime"):
        upsert(conn, opportunity, [_opportunity(1, synced_at=datetime(2024, 1, 1))], key=["id"])
    conn.rollback()
    with pytest.raises(IntegrityError):
        upsert(conn, opportunity, [_opportunity(1, synced_at=None)], key=["id"])
