"""Bulk upsert: inserts, then updates, thousands of rows in one call on each dialect."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Connection, event, func, select

from store.tables import account
from store.upsert import upsert
from store.upsert_core import core_upsert

SYNCED = datetime(2024, 5, 1, 8, 0, tzinfo=UTC)


def _account(n: int, *, name: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": f"acc-{n:05d}",
        "source_connection": "sf",
        "source_object": "Account",
        "source_id": f"001{n:015d}",
        "name": name,
        "employees": n,
        "annual_revenue": n * 1.5,
        "custom": {"tier": n % 3},
        "updated_at": SYNCED - timedelta(minutes=n % 60),
        "synced_at": SYNCED,
        **extra,
    }


def _names(conn: Connection) -> dict[str, str]:
    return dict(conn.execute(select(account.c.id, account.c.name)).tuples().all())


def test_five_thousand_rows_insert_then_update_in_one_call(conn: Connection) -> None:
    rows = [_account(n, name=f"Acme {n}") for n in range(5_000)]
    assert upsert(conn, account, rows, key=["id"]) == 5_000
    assert conn.execute(select(func.count()).select_from(account)).scalar_one() == 5_000

    changed = [_account(n, name=f"Renamed {n}", employees=n + 1) for n in range(5_000)]
    assert upsert(conn, account, changed, key=["id"]) == 5_000
    conn.commit()

    assert conn.execute(select(func.count()).select_from(account)).scalar_one() == 5_000
    row = conn.execute(select(account).where(account.c.id == "acc-04321")).mappings().one()
    assert (row["name"], row["employees"], row["custom"]) == ("Renamed 4321", 4322, {"tier": 4321 % 3})
    assert row["updated_at"] == SYNCED - timedelta(minutes=4321 % 60)
    assert set(_names(conn).values()) == {f"Renamed {n}" for n in range(5_000)}


def test_core_path_chunks_stay_under_the_parameter_limit(conn: Connection, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(conn.dialect, "insertmanyvalues_max_parameters", 999)
    batches: list[int] = []

    def record(*args: Any) -> None:
        parameters, executemany = args[3], args[5]
        batches.append(len(parameters) if executemany else 1)

    event.listen(conn, "before_cursor_execute", record)
    rows = [_account(n, name=f"Acme {n}") for n in range(5_000)]
    columns = list(rows[0])
    core_upsert(conn, account, rows, columns=columns, key=["id"], update=[c for c in columns if c != "id"])
    event.remove(conn, "before_cursor_execute", record)
    assert sum(batches) == 5_000
    assert max(batches) * len(rows[0]) <= 999
    assert conn.execute(select(func.count()).select_from(account)).scalar_one() == 5_000


def test_mixed_new_and_existing_rows(conn: Connection) -> None:
    upsert(conn, account, [_account(n, name="old") for n in range(3)], key=["id"])
    upsert(conn, account, [_account(n, name="new") for n in range(2, 5)], key=["id"])
    assert _names(conn) == {
        "acc-00000": "old",
        "acc-00001": "old",
        "acc-00002": "new",
        "acc-00003": "new",
        "acc-00004": "new",
    }


def test_update_limits_the_columns_overwritten(conn: Connection) -> None:
    upsert(conn, account, [_account(1, name="kept", employees=10)], key=["id"])
    upsert(conn, account, [_account(1, name="ignored", employees=20)], key=["id"], update=["employees"])
    row = conn.execute(select(account.c.name, account.c.employees)).one()
    assert tuple(row) == ("kept", 20)


def test_columns_absent_from_rows_are_left_alone(conn: Connection) -> None:
    upsert(conn, account, [_account(1, name="first", phone="+1 555 0100")], key=["id"])
    upsert(conn, account, [_account(1, name="second")], key=["id"])
    assert tuple(conn.execute(select(account.c.name, account.c.phone)).one()) == ("second", "+1 555 0100")


def test_repeated_key_in_one_call_last_wins(conn: Connection) -> None:
    assert upsert(conn, account, [_account(1, name="a"), _account(1, name="b")], key=["id"]) == 2
    assert _names(conn) == {"acc-00001": "b"}


def test_empty_update_inserts_new_rows_and_keeps_existing_ones(conn: Connection) -> None:
    upsert(conn, account, [_account(1, name="original")], key=["id"])
    rows = [_account(1, name="ignored"), _account(2, name="added")]
    assert upsert(conn, account, rows, key=["id"], update=[]) == 2
    assert _names(conn) == {"acc-00001": "original", "acc-00002": "added"}


def test_empty_call_sends_nothing(conn: Connection) -> None:
    assert upsert(conn, account, [], key=["id"]) == 0


def test_rows_with_different_columns_are_refused(conn: Connection) -> None:
    with pytest.raises(ValueError, match="row 1 has different columns"):
        upsert(conn, account, [_account(1, name="a"), _account(2, name="b", phone="1")], key=["id"])


def test_unknown_columns_and_missing_keys_are_refused(conn: Connection) -> None:
    with pytest.raises(ValueError, match="unknown columns"):
        upsert(conn, account, [_account(1, name="a", colour="red")], key=["id"])
    with pytest.raises(ValueError, match="lack key columns"):
        upsert(conn, account, [{"name": "a"}], key=["id"])
    with pytest.raises(ValueError, match="update columns"):
        upsert(conn, account, [_account(1, name="a")], key=["id"], update=["phone"])
