"""Read-only commands: check, discover, runs, quality report."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import store
from connectors.errors import ConfigError
from connectors.registry import build_connector
from hub.context import App, settings
from hub.output import Output
from mapping.model import TABLE_OF
from store.quality_scores import record_score_summary, score_history
from store.schema_drift import accept_type_changes, pending_type_changes
from sync.admin_connections import check_connection
from sync.drift import schema_diff
from sync.run_view import stored_run
from sync.runner import settle_lag_of
from sync.tokens import token_options


def connector_for(app: App, name: str) -> Any:
    conn = app.cfg.connection(name)
    return build_connector(name, conn, settle_lag=settle_lag_of(app.cfg, name), options=token_options(app.engine,
                                                                                        settings().secret_key))


def check_command(app: App, name: str) -> dict[str, Any]:
    return check_connection(app.cfg, name, engine=app.engine, secret_key=settings().secret_key)


def discover_command(app: App, name: str, *, diff: bool = False, accept: Sequence[str] = ()) -> dict[str, Any]:
    """Objects and fields; with ``diff``, what changed since the last run's snapshot; ``accept`` closes pending
    type changes (``OBJECT.FIELD`` or ``OBJECT``) so their records can be replayed."""
    accepted = accept_type_changes_command(app, name, accept) if accept else []
    connector = connector_for(app, name)
    try:
        schemas = connector.discover()
    finally:
        connector.close()
    result: dict[str, Any] = {"connection": name, "objects": [
        {"name": s.name, "custom": s.custom,
         "fields": [{"name": f.name, "type": f.type, "label": f.label, "custom": f.custom,
                     "calculated": f.calculated, "updateable": f.updateable, "options": list(f.options)}
                    for f in s.fields]} for s in schemas]}
    if diff:
        result["diff"] = schema_diff(app.engine, connection=name, schemas=schemas,
                                     objects=app.cfg.connection(name).enabled_objects(),
                                     own_fields=list(app.cfg.connection(name).writeback.fields.values()))
    if accept:
        result["accepted"] = accepted
    return result


def accept_type_changes_command(app: App, name: str, targets: Sequence[str]) -> list[dict[str, Any]]:
    app.cfg.connection(name)  # an unknown connection is a config error naming the known ones
    closed: list[dict[str, Any]] = []
    with app.engine.begin() as conn:
        for target in targets:
            obj, _, field_name = target.partition(".")
            rows = accept_type_changes(conn, connection=name, object=obj, field=field_name or None)
            if not rows:
                pending = [f"{r['object']}.{r['field']}" for r in pending_type_changes(conn, connection=name)]
                raise ConfigError(f"no pending type change matches {target!r}; pending: "
                                  f"{', '.join(pending) or 'none'}", connection=name)
            closed += [{"object": r["object"], "field": r["field"], "old_type": r["old_type"],
                        "new_type": r["new_type"]} for r in rows]
    return closed


def print_discover(out: Output, result: dict[str, Any]) -> None:
    for obj in result["objects"]:
        fields = obj["fields"]
        custom = sum(f["custom"] for f in fields)
        kind = " (custom object)" if obj.get("custom") else ""
        out.table(f"{result['connection']}/{obj['name']}{kind}: {len(fields)} fields, {custom} custom",
                  ["field", "type", "label", "custom", "calculated", "updateable"],  # picklist options: --json
                  [(f["name"], f["type"], f["label"], _yes(f["custom"]), _yes(f["calculated"]), _yes(f["updateable"]))
                   for f in fields])
    for item in result.get("accepted", []):
        out.info(f"[green]accepted[/] {item['object']}.{item['field']}: {item['old_type']} -> {item['new_type']} "
                 f"(`crmhub quality replay --connection {result['connection']}` lands its records)")
    if "diff" not in result:
        return
    rows = []
    for d in result["diff"]:
        rows += [(d["object"], "added", f["field"], "", f["type"]) for f in d["added"]]
        rows += [(d["object"], "removed", f["field"], f["type"], "") for f in d["removed"]]
        rows += [(d["object"], "type changed", c["field"], c["old_type"], c["new_type"]) for c in d["type_changes"]]
        rows += [(d["object"], "pending type change", c["field"], c["old_type"], c["new_type"])
                 for c in d["pending_type_changes"]]
    out.table(f"schema changes since the last sync ({result['connection']})",
              ["object", "change", "field", "old type", "new type"], rows)
    unseen = [d["object"] for d in result["diff"] if d.get("note")]
    if unseen:
        out.info(f"no snapshot yet for {', '.join(unseen)}: the first sync of each takes one")
    elif not rows:
        out.info("no schema change since the last sync")


def _yes(flag: bool) -> str:
    return "yes" if flag else ""


def runs_command(app: App, *, limit: int, connection: str | None) -> list[dict[str, Any]]:
    with app.engine.connect() as conn:
        return [stored_run(row) for row in store.list_runs(conn, limit=limit, connection=connection)]


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
    with app.engine.connect() as conn:
        history = score_history(conn, limit=200)
        records = record_score_summary(conn)
    latest: dict[tuple[str, str], dict[str, Any]] = {}
    for row in history:  # newest first: the first row of a stream is its latest run
        latest.setdefault((row["connection"], row["object"]), row)
    return {"summary": summary, "examples": [
        {"connection": c, "object": o, "rule": r, "examples": ex} for (c, o, r), ex in sorted(by_rule.items())],
        "scores": {"latest": [_score_row(r) for _, r in sorted(latest.items())],
                   "history": [_score_row(r) for r in history],
                   "records": [{"entity": r["entity"], "records": int(r["records"]),
                                "mean_score": round(float(r["mean_score"]), 4), "imperfect": int(r["imperfect"] or 0)}
                               for r in records]}}


def _score_row(row: dict[str, Any]) -> dict[str, Any]:
    return {"run_id": row["run_id"], "connection": row["connection"], "object": row["object"],
            "entity": row["entity"], "records": row["records"], "score": round(row["score"], 4),
            "computed_at": row["computed_at"].isoformat()}


def print_scores(out: Output, scores: dict[str, Any]) -> None:
    out.table("data-quality score per stream (latest run; 1.0 = every expectation met, weighted by severity)",
              ["connection", "object", "run", "#records", "score", "at"],
              [(r["connection"], r["object"], r["run_id"], r["records"], f"{r['score']:.4f}", r["computed_at"])
               for r in scores["latest"]])
    out.table("data-quality score per record", ["entity", "#records", "mean score", "#below 1"],
              [(r["entity"], r["records"], f"{r['mean_score']:.4f}", r["imperfect"]) for r in scores["records"]])


def tables_command(app: App, *, connection: str | None = None) -> list[dict[str, Any]]:
    """Every table synced records land in: the canonical entities' and the typed raw tables of objects no mapping
    holds, with their live and tombstoned rows (of one connection, or of all)."""
    if connection is not None:
        app.cfg.connection(connection)  # an unknown connection is a config error naming the known ones
    out: list[dict[str, Any]] = []
    with app.engine.connect() as conn:
        for entity, name in sorted(TABLE_OF.items()):
            table = store.canonical_tables[name]
            live, deleted = store.row_counts(conn, table, connection=connection)
            out.append({"table": name, "kind": "entity", "entity": entity, "connection": None, "object": None,
                        "live": live, "deleted": deleted,
                        "columns": [{"column": c.name, "type": str(c.type)} for c in table.columns]})
        for raw in store.list_raw_tables(conn):
            if connection is not None and raw.connection != connection:
                continue
            live, deleted = store.row_counts(conn, raw.table())
            out.append({"table": raw.name, "kind": "raw", "entity": None, "connection": raw.connection,
                        "object": raw.object, "live": live, "deleted": deleted,
                        "columns": [{"column": c.column, "type": c.type, "field": c.field, "crm_type": c.crm_type}
                                    for c in raw.columns]})
    return out


def print_tables(out: Output, tables: Sequence[dict[str, Any]], *, columns: bool) -> None:
    out.table("store tables (entities, and typed raw tables of objects no mapping holds)",
              ["table", "kind", "holds", "#live", "#deleted", "#columns"],
              [(t["table"], t["kind"], t["entity"] or f"{t['connection']}/{t['object']}", t["live"], t["deleted"],
                len(t["columns"])) for t in tables])
    for t in (t for t in tables if columns and t["kind"] == "raw"):
        out.table(f"{t['table']} ({t['connection']}/{t['object']})", ["column", "type", "CRM field", "CRM type"],
                  [(c["column"], c["type"], c["field"], c["crm_type"]) for c in t["columns"]])
