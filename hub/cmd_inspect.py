"""Read-only commands: check, discover, runs, quality report."""

from __future__ import annotations

from typing import Any

import store
from connectors.registry import build_connector
from hub.context import App
from sync.runner import settle_lag_of


def connector_for(app: App, name: str) -> Any:
    conn = app.cfg.connection(name)
    return build_connector(name, conn, settle_lag=settle_lag_of(app.cfg, name))


def check_command(app: App, name: str) -> dict[str, Any]:
    connector = connector_for(app, name)
    try:
        connector.check()
        usage = connector.usage
        return {"ok": True, "connection": name, "kind": connector.kind, "api_calls": usage.calls,
                "daily_limit": usage.daily_limit, "daily_remaining": usage.daily_remaining}
    finally:
        connector.close()


def discover_command(app: App, name: str) -> dict[str, Any]:
    connector = connector_for(app, name)
    try:
        schemas = connector.discover()
    finally:
        connector.close()
    return {"connection": name, "objects": [
        {"name": s.name, "fields": [{"name": f.name, "type": f.type, "custom": f.custom, "calculated": f.calculated,
                                     "updateable": f.updateable} for f in s.fields]} for s in schemas]}


def runs_command(app: App, *, limit: int, connection: str | None) -> list[dict[str, Any]]:
    with app.engine.connect() as conn:
        return store.list_runs(conn, limit=limit, connection=connection)


def quality_report(app: App, *, examples: int = 3) -> dict[str, Any]:
    with app.engine.connect() as conn:
        summary = store.quarantine_summary(conn)
        recent = store.list_quarantine(conn, status="open", limit=500)
    by_rule: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for row in recent:
        for reason in row.get("reasons") or []:
            key = (row["connection"], row["object"], str(reason.get("rule")))
            if len(by_rule.setdefault(key, [])) < examples:
                by_rule[key].append({"source_id": row["source_id"], "field": reason.get("field"),
                                     "value": reason.get("value"), "message": reason.get("message")})
    return {"summary": summary, "examples": [
        {"connection": c, "object": o, "rule": r, "examples": ex} for (c, o, r), ex in sorted(by_rule.items())]}
