"""Marketo deletes, programs and companies against the sandbox, every object synced into one store.

- a deleted lead's activities and memberships are tombstoned by their lead link when the LEADS stream lands the
  deletion (no activity listing), its Delete Lead activity staying live;
- a purge no feed reports is found by the periodic lead id listing, with the same cascade;
- programs are read by updatedAt windows, members whole with a listing, both matching the truth after edits;
- the company rollup: every live lead's account_id is a live account, and the last lead of a company takes the
  account with it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from mapping.canonical_ids import canonical_id
from quality.checker import QualityChecker
from store.tables import account, activity, campaign_member, lead
from tests.contract.crms import marketo
from tests.contract.harness import Harness
from tests.support.marketo_sync import assert_truth, sync_all

OBJECTS = marketo.OBJECTS


@pytest.fixture(scope="module")
def crm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Harness]:
    sb, harness = marketo.start(Path(tmp_path_factory.mktemp("mkto")), 400, profile="unlimited",
                                options={"export_job_s": "0"})
    try:
        yield harness
    finally:
        sb.stop()


def live_rows(engine: Engine, table: Any, column: Any, value: str) -> set[str]:
    with engine.connect() as conn:
        rows = conn.execute(select(table.c.source_id).where(column == value, table.c.deleted_at.is_(None)))
        return {r.source_id for r in rows}


def test_a_deleted_leads_activities_and_memberships_go_by_their_lead_link(
    crm: Harness, db: Engine, checker: QualityChecker
) -> None:
    """On SQLite and PostgreSQL: the cascade is SQL of its own."""
    connector = crm.connector()
    sync_all(crm, db, connector, checker)
    assert_truth(crm, db)
    members = crm.truth_ids("program_members")
    victim = next(m.split(":")[1] for m in sorted(members))  # a lead that is in a program
    lead_ref = canonical_id(crm.connection, "leads", victim)
    assert live_rows(db, activity, activity.c.lead_id, lead_ref)
    assert live_rows(db, campaign_member, campaign_member.c.lead_id, lead_ref)
    crm.admin.delete(f"/_admin/records/leads/{victim}")

    leads_run = crm.sync(db, connector, "leads", checker)  # the leads stream alone
    assert leads_run.status == "succeeded" and leads_run.counts.deleted == 1
    left = live_rows(db, activity, activity.c.lead_id, lead_ref)
    assert not live_rows(db, campaign_member, campaign_member.c.lead_id, lead_ref)
    assert left <= crm.truth_ids("activities") and len(left) <= 1  # at most its Delete Lead, once read

    runs = sync_all(crm, db, connector, checker, ("activities", "program_members"))
    assert_truth(crm, db)
    # No activity listing: the incremental activities read costs one page per type group.
    assert runs["activities"].api_calls <= 3, runs["activities"].api_calls
    delete_lead = live_rows(db, activity, activity.c.lead_id, lead_ref)
    assert len(delete_lead) == 1 and delete_lead <= crm.truth_ids("activities")


def test_a_purge_is_found_by_the_periodic_lead_id_listing(
    crm: Harness, sqlite_db: Engine, checker: QualityChecker
) -> None:
    connector = crm.connector(reconcile_hours=0)  # every run lists
    sync_all(crm, sqlite_db, connector, checker)
    victim = sorted(crm.truth_ids("leads"), key=int)[3]
    lead_ref = canonical_id(crm.connection, "leads", victim)
    had = live_rows(sqlite_db, activity, activity.c.lead_id, lead_ref)
    assert had
    crm.admin.delete(f"/_admin/records/leads/{victim}?mode=purge")
    leads_run = crm.sync(sqlite_db, connector, "leads", checker)
    assert leads_run.counts.deleted == 1
    assert any("periodic lead id listing" in note for note in leads_run.notes)
    assert not live_rows(sqlite_db, activity, activity.c.lead_id, lead_ref)  # its Delete Lead was purged too
    assert leads_run.api_calls <= 12, leads_run.api_calls  # a small instance lists through leads.json pages
    sync_all(crm, sqlite_db, connector, checker)
    assert_truth(crm, sqlite_db)


def test_programs_by_window_and_members_whole(crm: Harness, sqlite_db: Engine, checker: QualityChecker) -> None:
    connector = crm.connector()
    sync_all(crm, sqlite_db, connector, checker)
    programs = sorted(crm.truth_ids("programs"), key=int)
    crm.admin.patch(f"/_admin/records/programs/{programs[0]}", {"fields": {"name": "FY26 Demo Requests"}})
    made = crm.admin.post("/_admin/records/programs", {"fields": {"name": "Roadshow Berlin", "type": "Event",
                                                                  "channel": "Webinar"}})
    somebody = sorted(crm.truth_ids("leads"), key=int)[-1]
    crm.admin.post("/_admin/records/program_members", {"fields": {"programId": made["id"], "leadId": somebody,
                                                                 "progressionStatus": "Registered"}})
    gone = next(m for m in sorted(crm.truth_ids("program_members")) if not m.startswith(f"{made['id']}:"))
    crm.admin.delete(f"/_admin/records/program_members/{gone}")
    time.sleep(crm.settle_lag + 0.5)  # the window ends at now - settle lag
    runs = sync_all(crm, sqlite_db, connector, checker, ("programs", "program_members"))
    assert runs["programs"].counts.upserted == 2 and runs["programs"].api_calls <= 2
    assert runs["program_members"].counts.deleted == 1
    assert_truth(crm, sqlite_db, ("programs", "program_members"))
    with sqlite_db.connect() as conn:
        row = conn.execute(select(campaign_member).where(
            campaign_member.c.source_id == f"{made['id']}:{somebody}")).one()
    assert row.status == "Registered" and row.responded is False
    assert row.campaign_id == canonical_id(crm.connection, "programs", str(made["id"]))
    # A deleted program goes at the next complete listing.
    crm.admin.delete(f"/_admin/records/programs/{made['id']}")
    listing = crm.connector(reconcile_hours=0)
    sync_all(crm, sqlite_db, listing, checker, ("programs", "program_members"))
    assert_truth(crm, sqlite_db, ("programs", "program_members"))


def test_companies_roll_up_live_leads_and_go_with_their_last_lead(
    crm: Harness, sqlite_db: Engine, checker: QualityChecker
) -> None:
    connector = crm.connector()
    made = crm.admin.post("/_admin/records/leads", {"fields": {
        "email": "solo@lonely-widgets.example", "firstName": "Sol", "lastName": "Okafor",
        "company": "  Lonely   Widgets ",
        "website": "https://www.lonely-widgets.example/about", "industry": "Manufacturing", "numberOfEmployees": 12}})
    sync_all(crm, sqlite_db, connector, checker)
    assert_truth(crm, sqlite_db)
    key = "lonely widgets"
    with sqlite_db.connect() as conn:
        acct = conn.execute(select(account).where(account.c.source_id == key)).one()
        leads = conn.execute(select(lead.c.source_id, lead.c.account_id).where(lead.c.deleted_at.is_(None))).all()
        live_accounts = {r.id for r in conn.execute(select(account.c.id).where(account.c.deleted_at.is_(None)))}
    assert (acct.name, acct.domain, acct.employees) == ("Lonely   Widgets", "lonely-widgets.example", 12)
    assert acct.id == canonical_id(crm.connection, "companies", key)
    assert dict((r.source_id, r.account_id) for r in leads)[str(made["id"])] == acct.id
    held = crm.accounted_ids(sqlite_db, "companies")[1]
    held_ids = {canonical_id(crm.connection, "companies", k) for k in held}
    assert all(r.account_id in live_accounts | held_ids for r in leads if r.account_id)
    # The company's only lead goes: so does its account, at the next rollup.
    crm.admin.delete(f"/_admin/records/leads/{made['id']}")
    runs = sync_all(crm, sqlite_db, connector, checker, ("leads", "companies"))
    assert runs["companies"].counts.deleted == 1
    assert_truth(crm, sqlite_db, ("leads", "companies"))
    with sqlite_db.connect() as conn:
        assert conn.execute(select(account.c.deleted_at).where(account.c.source_id == key)).scalar_one()
