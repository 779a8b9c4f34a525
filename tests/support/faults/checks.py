"""What must hold after every fault: the store equals the sandbox's ground truth, nothing landed twice, every run
reconciles (read = upserted + unchanged + quarantined + failed)."""

from __future__ import annotations

from sqlalchemy import Engine, func, select

import store
from mapping.model import TABLE_OF
from mapping.spec import load_spec
from sandbox.common.launcher import SandboxAdmin
from store.tables import source_link, sync_run
from tests.contract.harness import duplicate_links


def truth_ids(admin: SandboxAdmin, obj: str) -> set[str]:
    return {str(i) for i in admin.get(f"/_admin/truth/{obj}", ids="true")["ids"]}


def assert_store_is_truth(engine: Engine, admin: SandboxAdmin, *, kind: str, connection: str, obj: str) -> None:
    truth = truth_ids(admin, obj)
    table = store.canonical_tables[TABLE_OF[load_spec(kind)[obj].entity]]
    with engine.connect() as conn:
        live = {r.source_id for r in conn.execute(select(source_link.c.source_id).where(
            source_link.c.connection == connection, source_link.c.object == obj,
            source_link.c.is_deleted.is_(False)))}
        held = {r["source_id"] for r in store.list_quarantine(conn, connection=connection, object=obj,
                                                              limit=100_000)} - live
        canonical = [r.source_id for r in conn.execute(select(table.c.source_id).where(
            table.c.source_connection == connection, table.c.source_object == obj, table.c.deleted_at.is_(None)))]
    assert truth, f"{connection}/{obj}: the sandbox has no live records; the case proves nothing"
    assert not truth - (live | held), f"{connection}/{obj}: {len(truth - (live | held))} CRM records never landed"
    assert not live - truth, f"{connection}/{obj}: {len(live - truth)} records live in the store, not in the CRM"
    assert len(canonical) == len(set(canonical)), f"{connection}/{obj}: a record has two canonical rows"
    assert set(canonical) == live, f"{connection}/{obj}: canonical rows and source links disagree"
    assert duplicate_links(engine) == 0


def assert_runs_reconcile(engine: Engine, connection: str) -> list[dict[str, object]]:
    """Every run row of the connection, killed ones included (their counts are what their landed units added)."""
    with engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(select(sync_run).where(sync_run.c.connection == connection)
                                              .order_by(sync_run.c.id)).mappings()]
    for r in rows:
        assert r["read"] == r["upserted"] + r["unchanged"] + r["quarantined"] + r["failed"], r
    return rows


def landed(engine: Engine, connection: str) -> int:
    """Records held in the store for the connection (links, live or not)."""
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(source_link)
                                .where(source_link.c.connection == connection)).scalar_one())
