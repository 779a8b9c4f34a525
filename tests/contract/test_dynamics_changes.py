"""Dynamics reads the contract suite does not cover: expired delta tokens, untracked tables read by modifiedon windows
(ties on one second across pages), annotations flattened into labels and polymorphic references, token refresh."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, select

import store
from mapping.identity import canonical_id
from quality.checker import QualityChecker
from store.tables import source_link
from tests.contract.crms.dynamics import started
from tests.contract.harness import Harness, duplicate_links
from tests.contract.test_contract import assert_matches_truth


@pytest.fixture(scope="module")
def dyn(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Harness]:
    sb, harness = started(tmp_path_factory.mktemp("dynamics-changes"), scale=300, connection="dyn_changes",
                          objects=("contacts", "accounts", "systemusers"))
    try:
        yield harness
    finally:
        sb.stop()


@pytest.fixture(scope="module")
def untracked(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Harness]:
    # Contacts without ChangeTrackingEnabled: the connector must fall back to modifiedon windows on its own.
    sb, harness = started(tmp_path_factory.mktemp("dynamics-untracked"), scale=300, connection="dyn_windows",
                          options={"change_tracking": "accounts"}, page_size=7)
    try:
        yield harness
    finally:
        sb.stop()


def _deleted(engine: Engine, obj: str, ids: list[str]) -> set[str]:
    with engine.connect() as conn:
        rows = conn.execute(select(source_link.c.source_id).where(
            source_link.c.object == obj, source_link.c.source_id.in_(ids), source_link.c.is_deleted.is_(True)))
        return {r.source_id for r in rows}


def test_expired_delta_token_rereads_and_tombstones_what_vanished(
    dyn: Harness, sqlite_db: Engine, checker: QualityChecker
) -> None:
    connector = dyn.connector()
    assert dyn.sync(sqlite_db, connector, "contacts", checker).status == "succeeded"
    ids = dyn.ordered(dyn.truth_ids("contacts"))
    hard, purged = ids[0], ids[1]
    # While the token is expired: a delete (a tombstone the expired token can no longer reach), a purge (no trace
    # at all: only a complete listing finds it), an edit.
    dyn.admin.delete(f"/_admin/records/contacts/{hard}?mode=hard")
    dyn.admin.delete(f"/_admin/records/contacts/{purged}?mode=purge")
    dyn.admin.patch(f"/_admin/records/contacts/{ids[2]}", {"fields": {"jobtitle": "Expired Token Officer"}})
    dyn.admin.post("/_admin/change_tracking/expire")
    summary = dyn.sync(sqlite_db, connector, "contacts", checker)
    assert summary.status == "succeeded", summary.error
    assert any("delta token expired" in n for n in summary.notes), summary.notes
    assert summary.counts.reconciles()
    assert _deleted(sqlite_db, "contacts", [hard, purged]) == {hard, purged}
    assert_matches_truth(dyn, sqlite_db, "contacts")
    assert duplicate_links(sqlite_db) == 0
    # The new delta link works: an unchanged table costs one call again.
    again = dyn.sync(sqlite_db, connector, "contacts", checker)
    assert again.api_calls == 1 and again.counts.read == 0 and not again.notes, again.as_dict()


def test_untracked_table_reads_by_windows_with_ties_and_listed_deletes(
    untracked: Harness, sqlite_db: Engine, checker: QualityChecker
) -> None:
    connector = untracked.connector()
    first = untracked.sync(sqlite_db, connector, "contacts", checker)
    assert first.status == "succeeded", first.error
    assert_matches_truth(untracked, sqlite_db, "contacts")
    with sqlite_db.connect() as conn:
        mode = store.load_cursor(conn, connection=untracked.connection, object="contacts")
    assert mode is not None and mode[1]["mode"] == "window"
    # 40 rows given ONE modifiedon second, read in pages of 7: every one arrives once, none skipped at a page edge.
    touched = untracked.admin.post("/_admin/bulk_touch/contacts", {"count": 40, "fields": {"jobtitle": "Tied"}})
    gone = untracked.ordered(untracked.truth_ids("contacts") - set(touched["ids"]))[0]
    untracked.admin.delete(f"/_admin/records/contacts/{gone}")
    time.sleep(untracked.settle_lag + 1.0)
    summary = untracked.sync(sqlite_db, connector, "contacts", checker)
    assert summary.status == "succeeded", summary.error
    assert summary.counts.read == 40, summary.as_dict()
    assert summary.counts.deleted == 1 and _deleted(sqlite_db, "contacts", [gone]) == {gone}
    assert_matches_truth(untracked, sqlite_db, "contacts")
    assert duplicate_links(sqlite_db) == 0


def test_labels_and_polymorphic_lookups_become_canonical_values(
    dyn: Harness, sqlite_db: Engine, checker: QualityChecker
) -> None:
    connector = dyn.connector()
    assert dyn.sync(sqlite_db, connector, "contacts", checker).status == "succeeded"
    live, _ = dyn.accounted_ids(sqlite_db, "contacts")
    for target in dyn.ordered(live):
        truth = dyn.admin.get(f"/_admin/truth/contacts/{target}")
        if truth["_sandbox"]["lookup_types"]["_parentcustomerid_value"] == "account" and truth["statuscode"] == 1:
            break
    else:
        pytest.fail("no active contact of an account landed")
    with sqlite_db.connect() as conn:
        row = conn.execute(select(store.canonical_tables["contact"]).where(
            store.canonical_tables["contact"].c.source_id == target)).one()
    assert row.account_id == canonical_id(dyn.connection, "accounts", truth["_parentcustomerid_value"])
    assert row.lifecycle_stage == "Active"  # statuscode 1, by its label
    schema = {s.name: s for s in connector.discover()}["contacts"]
    fields = {f.name: f for f in schema.fields}
    assert fields["_parentcustomerid_value"].options == ("account", "contact")
    assert "_parentcustomerid_value@contact" in fields and "statuscode@label" in fields
    assert "1=Active" in fields["statuscode"].options


def test_an_expired_access_token_is_refreshed(dyn: Harness, sqlite_db: Engine, checker: QualityChecker) -> None:
    connector = dyn.connector()
    assert dyn.sync(sqlite_db, connector, "accounts", checker).status == "succeeded"
    issued = dyn.admin.get("/_admin/credentials")["tokens_issued"]
    dyn.admin.advance_clock(7200)  # the sandbox now refuses the token msal still holds as valid
    summary = dyn.sync(sqlite_db, connector, "accounts", checker)
    assert summary.status == "succeeded", summary.error
    assert dyn.admin.get("/_admin/credentials")["tokens_issued"] == issued + 1
