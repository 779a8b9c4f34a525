"""After a run died between recording its intents and hearing the CRM's answer: ask the CRM what it holds.

Each ``pending`` result row is an intent (these values, to this record). If the record now holds exactly those values,
the write was applied: the row is settled ``updated`` and the ledger gets the record's current version, so the values
are not sent a second time. Otherwise the write never happened (or a person has changed the fields since): the row
is closed as interrupted and the plan that follows decides afresh, with its usual conflict guard.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, update

from connectors.base import Connector, ObjectSpec
from store import writeback as ledger
from store.tables import writeback_result
from sync.writeback.compare import same_values
from sync.writeback.plan import values_hash

ReadCurrent = Callable[[ObjectSpec, Sequence[str], Sequence[str]], Mapping[str, tuple[Mapping[str, Any], str | None]]]


@dataclass(slots=True)
class Reconciled:
    applied: int = 0  # the CRM holds the intended values: settled without sending again
    resend: int = 0  # not applied: left to the plan


def reconcile_intents(engine: Engine, connector: Connector, spec: ObjectSpec, *, field_set: str) -> Reconciled:
    out = Reconciled()
    with engine.connect() as conn:
        intents = ledger.open_intents(conn, connection=connector.name, object=spec.name, field_set=field_set)
    if not intents:
        return out
    fields = list(dict.fromkeys(f for i in intents for f in i["values"]))
    now = connector.read_current(spec, [i["source_id"] for i in intents], fields)
    settled, ledger_rows, closed = [], [], []
    for intent in intents:
        sid, values = intent["source_id"], intent["values"]
        current = now.get(sid)
        if current is not None and same_values(current[0], values):
            out.applied += 1
            settled.append({"id": intent["id"], "status": "updated", "retryable": False,
                            "message": "applied before the run was interrupted; confirmed by reading the CRM"})
            ledger_rows.append({"connection": connector.name, "object": spec.name, "source_id": sid,
                                "field_set": field_set, "values_hash": values_hash(values), "values": values,
                                "version": current[1], "run_id": intent["run_id"]})
        else:
            out.resend += 1
            closed.append(intent["id"])
    with engine.begin() as conn:
        ledger.settle_results(conn, settled)
        ledger.record_sent(conn, ledger_rows)
        if closed:
            conn.execute(update(writeback_result).where(writeback_result.c.id.in_(closed)).values(
                status="failed", retryable=True, resolved_at=datetime.now(UTC),
                message="the run was interrupted before the CRM answered and the CRM does not hold these values; "
                        "planned again"))
    return out
