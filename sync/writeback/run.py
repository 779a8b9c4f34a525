"""Send a write-back plan through a connector, chunk by chunk, each chunk's bookkeeping in one transaction.

Exactly once: before a chunk is sent its intents (``pending`` result rows with the values) are committed; after the
CRM answers, they are settled with the ledger in one transaction. A run killed in between leaves pending intents, and
the next run first asks the CRM what those records hold (``reconcile``): values already there are settled without a
second write, the rest are planned again.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine

import store
from connectors.base import Connector, ObjectSpec, OutboundChange, WriteResult
from connectors.errors import BudgetExhausted, CrmhubError
from store import writeback as ledger
from sync.writeback.plan import Desired, Plan, Policy, plan_changes, values_hash
from sync.writeback.reconcile import reconcile_intents

CHUNK = 1000  # records per transaction; the connector splits further to its CRM's batch maximum


@dataclass(slots=True)
class WritebackSummary:
    connection: str
    object: str
    field_set: str
    run_id: int | None
    status: str = "running"  # succeeded | partial | failed | stopped | dry-run
    sent: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    conflicts: int = 0
    failed: int = 0
    refused: int = 0
    reconciled: int = 0  # intents a killed run left, found applied in the CRM: settled, not sent again
    api_calls: int = 0
    seconds: float = 0.0
    error: str | None = None
    preview: list[dict[str, Any]] = field(default_factory=list)  # --dry-run: what would be sent and why

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__slots__}


def run_writeback(engine: Engine, connector: Connector, spec: ObjectSpec, *, field_set: str,
                  desired: Iterable[Desired], policy: Policy = "skip", dry_run: bool = False,
                  progress: Callable[[WritebackSummary], None] | None = None,
                  before_send: Callable[[], None] | None = None) -> WritebackSummary:
    """``before_send``: called once the plan has changes to send (or to show, under ``dry_run``), before any run
    is recorded, e.g. to check the target fields exist; an error it raises leaves no trace."""
    started = time.perf_counter()
    name = connector.name
    calls_before = connector.usage.calls
    reconciled = 0 if dry_run else reconcile_intents(engine, connector, spec, field_set=field_set).applied
    with engine.connect() as conn:
        plan = plan_changes(conn, connection=name, object=spec.name, field_set=field_set, desired=desired,
                            policy=policy)
    if plan.changes and before_send is not None:
        before_send()
    with engine.begin() as conn:
        run_id = None if dry_run else store.start_run(conn, connection=name, object=f"writeback/{spec.name}",
                                                      full_refresh=False)
    summary = WritebackSummary(name, spec.name, field_set, run_id, unchanged=len(plan.unchanged),
                               refused=len(plan.refused), reconciled=reconciled)
    if dry_run:
        summary.status = "dry-run"
        summary.sent = len(plan.changes)
        summary.preview = [{"source_id": c.source_id, "values": dict(c.values), "why": plan.reasons[c.source_id],
                            "guarded_by": c.expected_version} for c in plan.changes]
        summary.preview += [{"source_id": sid, "values": None, "why": why} for sid, why in plan.refused]
        summary.preview += [{"source_id": c.source_id, "values": dict(c.values), "why": why, "held": True}
                            for c, why in plan.held]
        return summary
    assert run_id is not None
    try:
        with engine.begin() as conn:
            store.add_results(conn, [_refusal(name, spec.name, field_set, run_id, sid, why)
                                     for sid, why in plan.refused])
        if plan.held:
            held = [c for c, _ in plan.held]
            status = "conflict" if policy == "flag" else "skipped"
            results = [WriteResult(c.source_id, status, why, False, tuple(c.values)) for c, why in plan.held]
            _land(engine, summary, plan, held, results, policy, _intents(engine, summary, held), sent_now=False)
        for start in range(0, len(plan.changes), CHUNK):
            chunk = plan.changes[start:start + CHUNK]
            intents = _intents(engine, summary, chunk)  # committed before the call: a kill leaves them pending
            sent = connector.write(spec, chunk)
            _land(engine, summary, plan, chunk, sent, policy, intents)
            if progress is not None:
                progress(summary)
        summary.status = "succeeded" if not (summary.failed or summary.conflicts) else "partial"
    except BudgetExhausted as exc:
        summary.status, summary.error = "stopped", str(exc)
    except CrmhubError as exc:
        summary.status, summary.error = "failed", str(exc)
    finally:
        summary.api_calls = connector.usage.calls - calls_before
        summary.seconds = time.perf_counter() - started
        with engine.begin() as conn:
            store.finish_run(conn, run_id=run_id, status=summary.status if summary.status != "running" else "failed",
                             counts={"read": summary.sent + summary.unchanged + summary.refused,
                                     "upserted": summary.updated, "unchanged": summary.unchanged + summary.skipped,
                                     "failed": summary.failed + summary.conflicts + summary.refused},
                             api_calls=summary.api_calls, error=summary.error)
    return summary


def _intents(engine: Engine, summary: WritebackSummary, chunk: Sequence[OutboundChange]) -> dict[str, int]:
    with engine.begin() as conn:
        return ledger.record_intents(conn, [{"run_id": summary.run_id, "connection": summary.connection,
                                             "object": summary.object, "source_id": c.source_id,
                                             "field_set": summary.field_set, "values": _jsonable(c.values)}
                                            for c in chunk])


def _land(engine: Engine, summary: WritebackSummary, plan: Plan, chunk: Sequence[OutboundChange],
          results: Sequence[WriteResult], policy: Policy, intents: dict[str, int], *, sent_now: bool = True) -> None:
    by_id = {r.source_id: r for r in results}
    rows, sent = [], []
    for change in chunk:
        result = by_id.get(change.source_id) or WriteResult(change.source_id, "failed",
                                                            "the connector returned no result", retryable=True)
        if result.status == "conflict" and policy == "skip":
            result = WriteResult(result.source_id, "skipped", result.message, False, result.fields)
        summary.sent += sent_now
        summary.updated += result.ok
        summary.skipped += result.status == "skipped"
        summary.conflicts += result.status == "conflict"
        summary.failed += result.status == "failed"
        rows.append({"id": intents[change.source_id], "status": result.status,
                     "message": result.message or None, "retryable": result.retryable})
        if result.ok:
            sent.append({"connection": summary.connection, "object": summary.object,
                         "source_id": change.source_id, "field_set": summary.field_set,
                         "values_hash": plan.hashes.get(change.source_id) or values_hash(change.values),
                         "values": _jsonable(change.values), "version": result.version,
                         "run_id": summary.run_id})
    with engine.begin() as conn:
        store.supersede_results(conn, connection=summary.connection, object=summary.object,
                                field_set=summary.field_set, source_ids=[c.source_id for c in chunk])
        ledger.settle_results(conn, rows)
        store.record_sent(conn, sent)


def _refusal(connection: str, obj: str, field_set: str, run_id: int, sid: str, why: str) -> dict[str, Any]:
    return {"run_id": run_id, "connection": connection, "object": obj, "source_id": sid, "field_set": field_set,
            "status": "failed", "message": why, "retryable": False, "values": {}}


def _jsonable(values: Any) -> dict[str, Any]:
    return {k: (v if isinstance(v, str | int | float | bool) or v is None else str(v)) for k, v in dict(values).items()}


def retry_dead_letters(engine: Engine, connector: Connector, spec: ObjectSpec, *, field_set: str,
                       policy: Policy = "skip") -> WritebackSummary:
    """Re-send the retryable failures: their values as last wanted (a newer plan may have superseded them)."""
    with engine.connect() as conn:
        dead = store.open_dead_letters(conn, connection=connector.name, object=spec.name, retryable=True)
    desired = {d["source_id"]: Desired(d["source_id"], d["values"]) for d in dead if d["field_set"] == field_set}
    return run_writeback(engine, connector, spec, field_set=field_set, desired=desired.values(), policy=policy)
