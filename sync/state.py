"""``crmhub state show|reset|set``: a stream's saved cursor, as Airbyte, Meltano and dlt users expect to see it.

The cursor is what the next incremental run starts from: its ``watermark`` (an instant) and the connector's own
``state`` (a JSON object: a page token, a Dataverse delta link, ...). Resetting it makes the next run re-read
everything; setting it moves the start by hand. Both take the stream's lock, so they never race a run that is
saving the cursor at the same moment.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import Engine

import store
from config.errors import did_you_mean
from connectors.errors import ConfigError, CrmhubError
from sync.locks import stream_lock


class StreamBusy(CrmhubError):
    """The stream is running now: its cursor is not changed under it."""


def show_state(engine: Engine, cfg: Any, connection: str, object: str) -> dict[str, Any]:
    """The saved cursor of a configured stream; ``saved`` False when it never ran or was reset."""
    _check_stream(cfg, connection, object)
    with engine.connect() as conn:
        saved = store.cursor_details(conn, connection=connection, object=object)
    return _document(connection, object, saved)


def reset_state(engine: Engine, cfg: Any, connection: str, object: str) -> dict[str, Any]:
    """Delete the cursor: the next run of the stream reads everything. Returns what was deleted."""
    _check_stream(cfg, connection, object)
    with _locked(engine, connection, object), engine.begin() as conn:
        saved = store.cursor_details(conn, connection=connection, object=object)
        store.delete_cursor(conn, connection=connection, object=object)
    return {**_document(connection, object, None), "deleted": _document(connection, object, saved)}


def set_state(engine: Engine, cfg: Any, connection: str, object: str, state_json: str,
              watermark: str | None = None) -> dict[str, Any]:
    """Replace the connector state (a JSON object) and, when given, the watermark (ISO 8601 with an offset); the
    watermark saved before is kept otherwise."""
    _check_stream(cfg, connection, object)
    state = parse_state(state_json, connection=connection, object=object)
    instant = None if watermark is None else parse_watermark(watermark, connection=connection, object=object)
    with _locked(engine, connection, object), engine.begin() as conn:
        saved = store.cursor_details(conn, connection=connection, object=object)
        if instant is None and saved is not None:
            instant = saved["watermark"]
        store.save_cursor(conn, connection=connection, object=object, watermark=instant, state=state, run_id=None)
        now = store.cursor_details(conn, connection=connection, object=object)
    return {**_document(connection, object, now), "previous": _document(connection, object, saved)}


def parse_state(text: str, *, connection: str, object: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"the state is not JSON ({exc.msg} at line {exc.lineno} column {exc.colno}); "
                          f"expected a JSON object, e.g. '{{\"after\": \"123\"}}'", connection=connection,
                          object=object) from None
    if not isinstance(value, dict):
        raise ConfigError(f"the state must be a JSON object ({{...}}), not {_json_kind(value)}",
                          connection=connection, object=object)
    return value


def parse_watermark(text: str, *, connection: str, object: str) -> datetime:
    try:
        instant = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        instant = None
    if instant is None or instant.tzinfo is None:
        raise ConfigError(f"the watermark {text!r} is not an ISO 8601 instant with an offset "
                          f"(e.g. 2024-05-01T00:00:00Z)", connection=connection, object=object)
    return instant


def _check_stream(cfg: Any, connection: str, object: str) -> None:
    conn = cfg.connection(connection)  # an unknown connection: a ConfigError naming the known ones
    if object not in conn.objects:
        raise ConfigError(f"no object '{object}' in this connection{did_you_mean(object, conn.objects)} "
                          f"(objects: {', '.join(conn.objects)})", connection=connection)


@contextmanager
def _locked(engine: Engine, connection: str, object: str) -> Iterator[None]:
    with stream_lock(engine, connection, object) as held:
        if not held:
            raise StreamBusy("the stream is running now; change its state when the run has finished",
                             connection=connection, object=object)
        yield


def _document(connection: str, object: str, saved: dict[str, Any] | None) -> dict[str, Any]:
    doc: dict[str, Any] = {"connection": connection, "object": object, "saved": saved is not None}
    if saved is not None:
        doc.update(saved)
    return doc


def _json_kind(value: Any) -> str:
    kinds = {list: "an array", str: "a string", bool: "a boolean", int: "a number", float: "a number"}
    return "null" if value is None else kinds.get(type(value), type(value).__name__)
