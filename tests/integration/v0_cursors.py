"""Cursors the previous release saved (``tests/unit/connectors/cursors_v0``), made fit for today's sandbox.

The capture's sandbox ran with its data ending on the capture's day; a test pins its sandbox to that day
(``data_end``) so saved record keys (a REST keyset, a list token) still name the same records, and moves the
cursor's own instants (watermark, window bounds, schedules) by the time since the capture, so "reconciled an hour
ago" stays an hour ago.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

import store

CAPTURED = Path(__file__).parent.parent / "unit" / "connectors" / "cursors_v0"


def load(kind: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((CAPTURED / f"{kind}.json").read_text())
    return data


def data_day(data: dict[str, Any]) -> str:
    return datetime.fromisoformat(data["data_end"]).strftime("%Y-%m-%d")


def shift_of(data: dict[str, Any]) -> timedelta:
    return datetime.now(UTC) - datetime.fromisoformat(data["captured_at"])


def shifted(value: str | None, by: timedelta) -> str | None:
    return None if value is None else (datetime.fromisoformat(value) + by).isoformat()


def shift_keys(state: dict[str, Any], keys: Iterable[str], by: timedelta) -> dict[str, Any]:
    return {k: shifted(v, by) if k in keys else v for k, v in state.items()}


def save(engine: Engine, *, connection: str, obj: str, watermark: str | None, state: dict[str, Any]) -> None:
    with engine.begin() as conn:
        store.save_cursor(conn, connection=connection, object=obj,
                          watermark=datetime.fromisoformat(watermark) if watermark else None, state=state, run_id=None)


def saved_watermark(engine: Engine, *, connection: str, obj: str) -> datetime | None:
    with engine.connect() as conn:
        found = store.load_cursor(conn, connection=connection, object=obj)
    assert found is not None
    return found[0]
