"""What the admin console shows of the hub and what it may do there: recent runs with their reconciliation counts,
open quarantine by rule with each record, its replay, the write-back ledger's state and its dead letters, their
retry. The web face (web/routes_admin.py) and the CLI call these; they hold no logic of their own."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import SecretStr
from sqlalchemy import Engine, func, select

import store
from config import CrmhubConfig
from quality.checker import QualityChecker
from quality.suite import load_suites
from store.quarantine import list_quarantine, quarantine_summary
from store.tables import quarantine, writeback_ledger, writeback_result
from store.writeback import DEAD_STATUSES
from sync.replay import ReplayCounts, replay
from sync.run_view import stored_run
from sync.runner import plan_sync
from sync.writeback import WritebackSummary
from sync.writeback.service import write_back

PAGE = 100  # records a console page lists at once


def recent_runs(engine: Engine, *, connection: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
    """The newest runs first, each in the shape ``crmhub runs --json`` gives (counts and whether they reconcile)."""
    with engine.connect() as conn:
        return [stored_run(row) for row in store.list_runs(conn, limit=limit, connection=connection)]


def quarantine_by_rule(engine: Engine) -> list[dict[str, Any]]:
    """Open quarantined records per (connection, object, rule)."""
    with engine.connect() as conn:
        return quarantine_summary(conn, status="open")


def quarantined(engine: Engine, *, connection: str | None = None, object: str | None = None,
                rule: str | None = None, after_id: int = 0, limit: int = PAGE) -> list[dict[str, Any]]:
    """One page of open quarantined records (keyset on the id), oldest first, each with its payload and reasons."""
    with engine.connect() as conn:
        return list_quarantine(conn, connection=connection, object=object, rule=rule, after_id=after_id,
                               limit=limit)


def quarantined_record(engine: Engine, record_id: int) -> dict[str, Any] | None:
    """One quarantine row, whatever its status (a replayed record's row says when it was replayed)."""
    with engine.connect() as conn:
        row = conn.execute(select(quarantine).where(quarantine.c.id == record_id)).mappings().first()
    return dict(row) if row is not None else None


def open_quarantined(engine: Engine, *, connection: str | None = None, rule: str | None = None) -> int:
    """How many open records a replay of (connection, rule) would examine."""
    return sum(r["count"] for r in quarantine_by_rule(engine)
               if (connection is None or r["connection"] == connection) and (rule is None or r["rule"] == rule))


def replay_quarantined(engine: Engine, cfg: CrmhubConfig, *, connection: str | None = None, rule: str | None = None,
                       batch_size: int = 500) -> list[ReplayCounts]:
    """Map and check the open quarantined records again (all, one connection's, one rule's) and land those that
    pass now; no CRM call (``crmhub quality replay``)."""
    plan = plan_sync(cfg, connections=[connection] if connection else None)
    try:
        return replay(engine, plan.streams, QualityChecker(load_suites(overrides=cfg.quality)),
                      connection=connection, rule=rule, batch_size=batch_size)
    finally:
        plan.close()


def writeback_status(engine: Engine) -> list[dict[str, Any]]:
    """Per (connection, object, field set): records in the ledger, the last send, the records a person edited
    after our write, and the open dead letters (how many a retry would re-send)."""
    ledger = writeback_ledger.c
    dead = writeback_result.c
    with engine.connect() as conn:
        sent = conn.execute(select(ledger.connection, ledger.object, ledger.field_set,
                                   func.count().label("records"), func.max(ledger.sent_at).label("last_sent"),
                                   func.count(ledger.edited_at).label("edited"))
                            .group_by(ledger.connection, ledger.object, ledger.field_set)).mappings().all()
        letters = conn.execute(select(dead.connection, dead.object, dead.field_set, func.count().label("dead"),
                                      func.count().filter(dead.retryable.is_(True)).label("retryable"))
                               .where(dead.resolved_at.is_(None), dead.status.in_(DEAD_STATUSES))
                               .group_by(dead.connection, dead.object, dead.field_set)).mappings().all()
    rows: dict[tuple[str, str, str], dict[str, Any]] = {}
    for r in sent:
        rows[(r["connection"], r["object"], r["field_set"])] = {**r, "dead": 0, "retryable": 0}
    for r in letters:
        key = (r["connection"], r["object"], r["field_set"])
        base = rows.setdefault(key, {"connection": key[0], "object": key[1], "field_set": key[2], "records": 0,
                                     "last_sent": None, "edited": 0})
        base.update(dead=r["dead"], retryable=r["retryable"])
    return [rows[k] for k in sorted(rows)]


def dead_letters(engine: Engine, *, connection: str | None = None, limit: int = PAGE) -> list[dict[str, Any]]:
    """Open dead letters (failed, conflicting or refused records of a write-back), oldest first."""
    with engine.connect() as conn:
        return store.open_dead_letters(conn, connection=connection, limit=limit)


def retry_writeback(engine: Engine, cfg: CrmhubConfig, connections: Sequence[str], *,
                    secret_key: SecretStr | None) -> list[WritebackSummary]:
    """Re-send the retryable dead letters of ``connections`` (``crmhub writeback --retry``)."""
    return write_back(engine, cfg, connections, retry=True, secret_key=secret_key)
