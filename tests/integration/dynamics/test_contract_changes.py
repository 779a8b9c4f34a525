"""Dynamics reads the contract suite does not cover: expired delta tokens, untracked tables read by modifiedon windows
(ties on one second across pages), annotations flattened into labels and polymorphic references, token refresh."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, select

import store
from mapping.canonical_ids import canonical_id
from quality.checker import QualityChecker
from store.tables import source_link
from tests.contract.crms.dynamics import started
from tests.contract.harness import Harness, duplicate_links
from tests.support.truth import assert_matches_truth


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


def landed(harness: Harness, engine: Engine, obj: str) -> set[str]:
    """Ids in the CRM that are live in the store. Tests pick from these, never from all ids: the seeded org holds
    records the quality checks quarantine (no last name, a malformed email), and a quarantined record has no link
    to tombstone or title to read back, so which ones come first in id order must not decide a test's outcome."""
    live, _ = harness.accounted_ids(engine, obj)
    return harness.truth_ids(obj) & live


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
    ids = dyn.ordered(landed(dyn, sqlite_db, "contacts"))
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
    gone = untracked.ordered(landed(untracked, sqlite_db, "contacts") - set(touched["ids"]))[0]
    untracked.admin.delete(f"/_admin/records/contacts/{gone}")
    time.sleep(untracked.settle_lag + 1.0)
    summary = untracked.sync(sqlite_db, connector, "contacts", checker)
    assert summary.status == "succeeded", summary.error
    assert summary.counts.read == 40, summary.as_dict()
    assert summary.counts.deleted == 1 and _deleted(sqlite_db, "contacts", [gone]) == {gone}
    assert_matches_truth(untracked, sqlite_db, "contacts")
    assert duplicate_links(sqlite_db) == 0


def straddling_ids(count: int) -> list[str]:
    """Ids whose text order is the reverse of SQL Server's uniqueidentifier order (listed here in the server's order):
    the server compares the last group (node) first and the first group last, so a rising node with a falling first
    byte puts every pair in opposite orders. The all-zero nodes sort before any seeded id (00-0D-3A…)."""
    return [f"{count - 1 - i:02x}000000-0000-0000-0000-{i + 1:012x}" for i in range(count)]


def test_window_keyset_follows_the_servers_guid_order_not_the_text_order(
    untracked: Harness, sqlite_db: Engine, checker: QualityChecker
) -> None:
    # Chosen ids, not seeded ones: whether seeded ids straddle the two orders depends on where the seed puts them.
    connector = untracked.connector()
    assert untracked.sync(sqlite_db, connector, "contacts", checker).status == "succeeded"
    ids = straddling_ids(12)
    assert sorted(ids) == ids[::-1]
    for i, record_id in enumerate(ids):
        untracked.admin.post("/_admin/records/contacts", {"fields": {
            "contactid": record_id, "firstname": "Keyset", "lastname": f"Straddle {i}",
            "emailaddress1": f"keyset.straddle{i}@example.com"}})
    # One modifiedon second for all twelve, read in pages of 7: the page edge falls inside the tie, so the resume
    # filter (modifiedon eq m and contactid gt <last>) must compare ids as the server's $orderby does.
    touched = untracked.admin.post("/_admin/bulk_touch/contacts", {"count": len(ids), "fields": {"jobtitle": "Tied"}})
    assert touched["ids"] == ids, "the chosen ids are no longer the first in the sandbox's key order"
    time.sleep(untracked.settle_lag + 1.0)
    summary = untracked.sync(sqlite_db, connector, "contacts", checker)
    assert summary.status == "succeeded", summary.error
    assert summary.counts.read == len(ids) and summary.counts.quarantined == 0, summary.as_dict()
    table = store.canonical_tables["contact"]
    with sqlite_db.connect() as conn:
        rows = conn.execute(select(table.c.source_id, table.c.title).where(table.c.source_id.in_(ids)))
        titles = {r.source_id: r.title for r in rows}
    assert titles == dict.fromkeys(ids, "Tied")
    assert_matches_truth(untracked, sqlite_db, "contacts")
    assert duplicate_links(sqlite_db) == 0


def test_a_quarantined_record_deleted_in_the_crm_leaves_no_open_quarantine(
    untracked: Harness, sqlite_db: Engine, checker: QualityChecker
) -> None:
    # An untracked table learns of deletes only from the id listing: a quarantined record has no link to tombstone,
    # so its open quarantine row is the only trace, and a replay after a rule change would land a deleted record.
    connector = untracked.connector()
    dirty = untracked.admin.post("/_admin/records/contacts", {"fields": {"firstname": "No Last Name"}})["contactid"]
    time.sleep(untracked.settle_lag + 1.0)  # settled, so the first window reads it
    assert untracked.sync(sqlite_db, connector, "contacts", checker).status == "succeeded"
    _, held = untracked.accounted_ids(sqlite_db, "contacts")
    assert dirty in held
    untracked.admin.delete(f"/_admin/records/contacts/{dirty}")
    time.sleep(untracked.settle_lag + 1.0)
    assert untracked.sync(sqlite_db, connector, "contacts", checker).status == "succeeded"
    _, held = untracked.accounted_ids(sqlite_db, "contacts")
    assert dirty not in held


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


def _saved_state(engine: Engine, connection: str, obj: str) -> dict[str, object]:
    with engine.connect() as conn:
        saved = store.load_cursor(conn, connection=connection, object=obj)
    assert saved is not None
    return dict(saved[1])


def test_a_quiet_table_answers_empty_json_and_the_delta_link_is_kept(
    dyn: Harness, sqlite_db: Engine, checker: QualityChecker
) -> None:
    """Microsoft: "An empty JSON response is returned if no table changes have occurred" since the delta link. The
    reader keeps the link it followed, and a later change still comes through it."""
    connector = dyn.connector()
    assert dyn.sync(sqlite_db, connector, "accounts", checker).status == "succeeded"
    link = _saved_state(sqlite_db, "dyn_changes", "accounts")["delta"]
    quiet = dyn.sync(sqlite_db, connector, "accounts", checker)
    assert quiet.status == "succeeded", quiet.error
    assert quiet.api_calls == 1 and quiet.counts.read == 0
    assert _saved_state(sqlite_db, "dyn_changes", "accounts")["delta"] == link
    (account,) = dyn.ordered(landed(dyn, sqlite_db, "accounts"))[:1]
    dyn.admin.patch(f"/_admin/records/accounts/{account}", {"fields": {"name": "Quiet Then Busy Ltd"}})
    busy = dyn.sync(sqlite_db, connector, "accounts", checker)
    assert busy.status == "succeeded" and busy.counts.upserted == 1, busy.as_dict()
    assert _saved_state(sqlite_db, "dyn_changes", "accounts")["delta"] != link  # the change brought a new link


def test_a_delta_link_the_service_cannot_read_rereads_instead_of_failing(
    dyn: Harness, sqlite_db: Engine, checker: QualityChecker
) -> None:
    """A saved token the service refuses as a bad request leads to the re-read path, as an expired one does."""
    connector = dyn.connector()
    assert dyn.sync(sqlite_db, connector, "contacts", checker).status == "succeeded"
    state = _saved_state(sqlite_db, "dyn_changes", "contacts")
    broken = str(state["delta"]).split("$deltatoken=")[0] + "$deltatoken=not-a-token"
    with sqlite_db.begin() as conn:
        store.save_cursor(conn, connection="dyn_changes", object="contacts", watermark=None,
                          state={**state, "delta": broken}, run_id=None)
    summary = dyn.sync(sqlite_db, connector, "contacts", checker)
    assert summary.status == "succeeded", summary.error
    assert any("delta link was refused" in n and "full re-read" in n for n in summary.notes), summary.notes
    assert summary.counts.reconciles()
    assert_matches_truth(dyn, sqlite_db, "contacts")
    assert "not-a-token" not in str(_saved_state(sqlite_db, "dyn_changes", "contacts")["delta"])
