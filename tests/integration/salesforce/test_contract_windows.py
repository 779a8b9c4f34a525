"""Salesforce reads the issue names: late commits, purges (deleted/ and Id reconciliation), formula fields re-read
on schedule, and a session that expires in the middle of pagination. Time moves on the sandbox's clock, which the
connectors here read as their own, so nothing waits on the wall clock."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

import store
from connectors.base import Cursor
from quality.checker import QualityChecker
from sandbox.common.launcher import SandboxProcess
from store.tables import source_link
from tests.contract.crms.salesforce import OBJECTS, connector, salesforce_harness, sandbox_clock
from tests.contract.harness import Harness

LATE_S = 20  # every write commits this long after its SystemModstamp


@pytest.fixture(scope="module")
def sf(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Harness]:
    sb = SandboxProcess("salesforce", scale=800, state_dir=tmp_path_factory.mktemp("sf-windows"),
                        options={"late_commit_s": str(LATE_S), "session_ttl_s": "600"})
    sb.start()
    try:
        yield salesforce_harness(sb, "salesforce_test", OBJECTS)
    finally:
        sb.stop()


def other_store(tmp_path: Path) -> Engine:
    engine = store.make_engine(f"sqlite:///{tmp_path / 'other.db'}")
    store.ensure_schema(engine)
    return engine


def contact_title(engine: Engine, source_id: str) -> str | None:
    table = store.canonical_tables["contact"]
    with engine.connect() as conn:
        return conn.execute(select(table.c.title).where(table.c.source_id == source_id)).scalar_one()


def link(engine: Engine, obj: str, source_id: str) -> object:
    with engine.connect() as conn:
        return conn.execute(select(source_link).where(source_link.c.object == obj,
                                                      source_link.c.source_id == source_id)).one()


def test_a_late_commit_is_not_missed(sf: Harness, sqlite_db: Engine, checker: QualityChecker,
                                     tmp_path: Path) -> None:
    clock = sandbox_clock(sf.admin)
    ours = connector(sf.info, clock=clock, overlap_seconds=60)
    blind = connector(sf.info, clock=clock, overlap_seconds=0)  # what a window without overlap would do
    blind_db = other_store(tmp_path)
    for engine, conn in ((sqlite_db, ours), (blind_db, blind)):
        assert sf.sync(engine, conn, "Contact", checker).status == "succeeded"
    target = sf.ordered(sf.truth_ids("Contact"))[7]
    sf.admin.patch(f"/_admin/records/Contact/{target}", {"fields": {"Title": "Late Committer"}})
    assert sf.admin.get(f"/_admin/truth/Contact/{target}")["_sandbox"]["pending_commit"]
    sf.admin.advance_clock(5)  # the window's end passes the write's SystemModstamp before it commits
    for engine, conn in ((sqlite_db, ours), (blind_db, blind)):
        assert sf.sync(engine, conn, "Contact", checker).status == "succeeded"
        assert contact_title(engine, target) != "Late Committer"
    sf.admin.advance_clock(LATE_S)  # committed now, with its early SystemModstamp
    for engine, conn in ((sqlite_db, ours), (blind_db, blind)):
        assert sf.sync(engine, conn, "Contact", checker).status == "succeeded"
    assert contact_title(sqlite_db, target) == "Late Committer"
    assert contact_title(blind_db, target) != "Late Committer"  # the trap the overlap avoids


def test_formula_fields_are_re_read_on_schedule(sf: Harness, sqlite_db: Engine, checker: QualityChecker) -> None:
    conn = connector(sf.info, clock=sandbox_clock(sf.admin), formula_reread_hours=1)
    assert sf.sync(sqlite_db, conn, "Account", checker).status == "succeeded"
    assert sf.admin.post("/_admin/recalculate/Account")["changed"] > 0
    sf.admin.advance_clock(5)
    quiet = sf.sync(sqlite_db, conn, "Account", checker)
    assert quiet.counts.upserted == 0  # formulas moved no SystemModstamp: a window cannot see them
    sf.admin.advance_clock(3600)
    due = sf.sync(sqlite_db, conn, "Account", checker)
    assert due.status == "succeeded" and any("formula" in n for n in due.notes), due.notes
    assert due.counts.upserted >= 1  # Tier__c, the one mapped formula, moved for some Accounts
    table = store.canonical_tables["account"]
    with sqlite_db.connect() as db:
        stored = {r.source_id: r.tier for r in db.execute(select(table))}  # Tier__c is mapped to account.tier
    for rid in sf.ordered(set(stored))[:10]:
        assert stored[rid] == sf.admin.get(f"/_admin/truth/Account/{rid}").get("Tier__c")


def test_a_session_expiring_mid_pagination_is_renewed(sf: Harness) -> None:
    conn = connector(sf.info, clock=sandbox_clock(sf.admin))
    spec = sf.spec(conn, "Lead")
    batches = conn.read_changes(spec, Cursor(), fields=sf.mapping("Lead").source_fields())
    first = next(batches)
    assert first.upserts and conn.client.logins == 1
    sf.admin.advance_clock(900)  # idle past session_ttl_s: the next page answers 401 INVALID_SESSION_ID
    rest = list(batches)
    assert conn.client.logins == 2
    read = {r["Id"] for b in (first, *rest) for r in b.upserts}
    assert read == sf.truth_ids("Lead")


def test_a_gap_longer_than_deleted_reaches_forces_the_id_reconciliation(
    sf: Harness, sqlite_db: Engine, checker: QualityChecker
) -> None:
    """deleted/ answers for 15 days: after a 20-day gap the reconciliation runs although reconcile_hours (1,000)
    (and formula_reread_hours) is longer than the gap; a delete made in the gap (out of the Recycle Bin after 15
    days) is tombstoned."""
    conn = connector(sf.info, clock=sandbox_clock(sf.admin), reconcile_hours=1000, formula_reread_hours=1000)
    assert sf.sync(sqlite_db, conn, "Account", checker).status == "succeeded"
    live, _ = sf.accounted_ids(sqlite_db, "Account")
    gone = sf.ordered(sf.truth_ids("Account") & live)[5]
    sf.admin.delete(f"/_admin/records/Account/{gone}")  # a person's delete, to the Recycle Bin
    sf.admin.advance_clock(20 * 86_400)
    late = sf.sync(sqlite_db, conn, "Account", checker)
    assert late.status == "succeeded", late.error
    assert any("15 days" in n for n in late.notes) and any("Id reconciliation" in n for n in late.notes), late.notes
    assert link(sqlite_db, "Account", gone).is_deleted  # type: ignore[attr-defined]
    live, held = sf.accounted_ids(sqlite_db, "Account")
    assert live == sf.truth_ids("Account") - held


def test_purged_records_become_tombstones(sf: Harness, sqlite_db: Engine, checker: QualityChecker) -> None:
    """Last in the module: it moves the sandbox a month on."""
    conn = connector(sf.info, clock=sandbox_clock(sf.admin))
    assert sf.sync(sqlite_db, conn, "Contact", checker).status == "succeeded"
    recent, old = sf.ordered(sf.truth_ids("Contact"))[20:22]
    sf.admin.delete(f"/_admin/records/Contact/{recent}?mode=purge")
    assert sf.admin.get(f"/_admin/truth/Contact/{recent}")["_sandbox"]["purged"]
    sf.admin.advance_clock(90)  # deleted/ covers whole minutes up to the last one that ended
    summary = sf.sync(sqlite_db, conn, "Contact", checker)
    assert summary.status == "succeeded" and summary.counts.deleted >= 1
    gone = link(sqlite_db, "Contact", recent)
    assert gone.is_deleted and gone.deleted_at is not None  # type: ignore[attr-defined]
    # A purge that deleted/ no longer reaches: only an Id reconciliation can see it.
    sf.admin.delete(f"/_admin/records/Contact/{old}?mode=purge")
    sf.admin.advance_clock(31 * 86_400)
    late = sf.sync(sqlite_db, conn, "Contact", checker)
    assert late.status == "succeeded", late.error
    assert any("Id reconciliation" in n for n in late.notes), late.notes
    assert link(sqlite_db, "Contact", old).is_deleted  # type: ignore[attr-defined]
    live, held = sf.accounted_ids(sqlite_db, "Contact")
    assert live == sf.truth_ids("Contact") - held
