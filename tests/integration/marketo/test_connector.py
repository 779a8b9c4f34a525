"""Marketo connector against its sandbox: a 606 storm, a token expiring mid-paging, the 1035 fallback, a bulk file
whose checksum does not match, a write where some records are skipped with their reasons, and Design Studio files
listed whole.

One small sandbox for the module, ``unlimited`` profile (these tests are about behaviour, not the 100 calls / 20 s
policy, which the contract suite runs under) and export jobs that complete at once on the sandbox clock.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from config import parse_config
from connectors.base import ChangeBatch, Connector, Cursor, OutboundChange, spec_named
from connectors.errors import ApiError, RateLimited
from connectors.marketo.bulk import LeadExport
from connectors.registry import build_connector
from mapping.spec import load_spec
from sandbox.common.launcher import SandboxAdmin, SandboxProcess

SECRET = "crmhub-sandbox-secret"


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxProcess]:
    with SandboxProcess("marketo", seed=7, scale=300, profile="unlimited", options={"export_job_s": "0"}) as sb:
        yield sb


@pytest.fixture
def admin(sandbox: SandboxProcess) -> Iterator[SandboxAdmin]:
    admin = sandbox.admin()
    yield admin
    admin.clear_faults()
    admin.patch("/_admin/settings", {"updated_at_filter": True})
    admin.close()


def connector(sb: SandboxProcess, page_size: int | None = None, **options: Any) -> Connector:
    paging = f"    page_size: {page_size}\n" if page_size else ""
    cfg = parse_config(
        f"version: 1\nconnections:\n  mkto:\n    kind: marketo\n    base_url: {sb.info.https_url}\n"
        f"    ca_bundle: {sb.info.ca_path}\n    auth: {{flow: client_credentials, client_id: crmhub-sandbox-client, "
        f"client_secret: {SECRET}}}\n    objects: [leads, activities]\n{paging}")
    return build_connector("mkto", cfg.connection("mkto"), settle_lag=timedelta(seconds=1),
                           options={"rate_limit_wait": 0.05, "base_wait": 0.01, "rate_limit": 10_000, **options})


def read_all_lazily(conn: Connector, obj: str, **kw: Any) -> Iterator[ChangeBatch]:
    spec = spec_named(conn.objects, obj, connection="mkto")
    fields = load_spec("marketo")[obj].source_fields()
    return conn.read_changes(spec, Cursor(), fields=fields, **kw)


def read_all(conn: Connector, obj: str, **kw: Any) -> list[ChangeBatch]:
    return list(read_all_lazily(conn, obj, **kw))


def upserted_ids(batches: list[ChangeBatch]) -> set[str]:
    """Source ids of the records read: each batch's object's primary key (``marketoGUID`` for activities)."""
    return {str(r[b.spec.primary_key]) for b in batches for r in b.upserts}


def truth(admin: SandboxAdmin, obj: str) -> set[str]:
    return set(admin.get(f"/_admin/truth/{obj}", ids="true")["ids"])


def envelope_error(code: str, message: str) -> dict[str, Any]:
    return {"requestId": "1#1", "success": False, "errors": [{"code": code, "message": message}]}


def test_a_606_storm_is_waited_out_and_loses_nothing(sandbox: SandboxProcess, admin: SandboxAdmin) -> None:
    admin.set_faults([{"path": "^/rest/v1/leads.json$", "method": "GET", "status": 200, "times": 6,
                       "body": envelope_error("606", "Max rate limit '100' exceeded with in '20' secs")}])
    admin.reset_calls()
    batches = read_all(connector(sandbox), "leads")
    assert upserted_ids(batches) == truth(admin, "leads")
    fired = [r for r in admin.get("/_admin/faults")["rules"] if r["fired"]]
    assert fired and fired[0]["fired"] == 6  # every 606 was retried, none taken for an answer


def test_an_endless_606_storm_stops_with_a_rate_limit_error(sandbox: SandboxProcess, admin: SandboxAdmin) -> None:
    admin.set_faults([{"path": "^/rest/v1/leads.json$", "method": "GET", "status": 200, "times": -1,
                       "body": envelope_error("606", "Max rate limit '100' exceeded with in '20' secs")}])
    with pytest.raises(RateLimited) as err:
        read_all(connector(sandbox), "leads")
    assert "606" in str(err.value) and "mkto" in str(err.value)


def test_a_token_expiring_in_the_middle_of_paging(sandbox: SandboxProcess, admin: SandboxAdmin) -> None:
    conn = connector(sandbox)
    spec = spec_named(conn.objects, "activities", connection="mkto")
    ids: set[str] = set()
    pages = 0
    for batch in conn.read_changes(spec, Cursor(), fields=load_spec("marketo")["activities"].source_fields()):
        ids |= {r["marketoGUID"] for r in batch.upserts}
        pages += 1
        if pages == 3:
            admin.post("/_admin/tokens/expire")  # the next page meets 602 with a paging token in hand
    assert pages > 3 and ids == truth(admin, "activities")
    assert conn.client.token_fetches == 2  # type: ignore[attr-defined]  # one renewal, though two chains met 602


def test_a_614_is_retried_like_the_other_temporary_codes(sandbox: SandboxProcess, admin: SandboxAdmin) -> None:
    """Marketo documents 614 as "usually indicates temporary inaccessibility": a retry, not a failed run."""
    admin.set_faults([{"path": "^/rest/v1/leads.json$", "method": "GET", "status": 200, "times": 2,
                       "body": envelope_error("614", "Invalid subscription")}])
    assert upserted_ids(read_all(connector(sandbox), "leads")) == truth(admin, "leads")
    assert [f["fired"] for f in admin.get("/_admin/faults")["rules"]] == [2]


def test_leads_json_paging_stops_on_more_result_false(sandbox: SandboxProcess, admin: SandboxAdmin) -> None:
    """The last leads.json page can carry a nextPageToken with moreResult: false; the read must stop there, not
    follow the token into empty pages for ever."""
    batches = list(itertools.islice(read_all_lazily(connector(sandbox, page_size=100), "leads"), 40))
    live = truth(admin, "leads")
    pages = [b for b in batches if any("first load" in n for n in b.notes)]
    assert len(batches) < 40, "the first load kept following the last page's token"
    assert len(pages) == -(-len(live) // 100) and upserted_ids(pages) == live


def test_the_1035_fallback_exports_on_created_at_and_says_so(sandbox: SandboxProcess, admin: SandboxAdmin) -> None:
    admin.patch("/_admin/settings", {"updated_at_filter": False})
    batches = read_all(connector(sandbox, bulk="always"), "leads")
    notes = {n for b in batches for n in b.notes}
    assert any("1035" in n and "createdAt" in n for n in notes), notes
    assert upserted_ids(batches) == truth(admin, "leads")
    assert batches[-1].next_cursor.state["phase"] == "incremental"


def test_the_updated_at_filter_is_used_where_enabled(sandbox: SandboxProcess, admin: SandboxAdmin) -> None:
    batches = read_all(connector(sandbox, bulk="always"), "leads")
    assert {n for b in batches for n in b.notes} == {"bulk lead export filtered on updatedAt"}
    assert upserted_ids(batches) == truth(admin, "leads")


def test_a_bulk_file_whose_checksum_does_not_match(sandbox: SandboxProcess, admin: SandboxAdmin,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    original = LeadExport._wait
    damaged: list[str] = []

    def wait_then_damage(self: LeadExport, export_id: str) -> dict[str, object]:
        status = original(self, export_id)
        if len(damaged) == 1 or not status.get("numberOfRecords"):
            return status  # damage the first window that has records, nothing else
        admin.post(f"/_admin/corrupt_export/{export_id}")
        damaged.append(export_id)
        return status

    monkeypatch.setattr(LeadExport, "_wait", wait_then_damage)
    admin.reset_calls()
    conn = connector(sandbox, bulk="always")
    spec = spec_named(conn.objects, "leads", connection="mkto")
    landed: list[ChangeBatch] = []
    with pytest.raises(ApiError) as err:
        for batch in conn.read_changes(spec, Cursor(), fields=load_spec("marketo")["leads"].source_fields()):
            landed.append(batch)
    assert "SHA-256" in err.value.message and damaged[0] in err.value.message
    assert admin.calls()["by_endpoint"].get("get_leads_export_file") == 2 + len(landed)  # fetched twice, then stop
    # Nothing of the damaged window was yielded, and the last cursor resumes at it: the next run reads it again.
    resumed = list(conn.read_changes(spec, landed[-1].next_cursor if landed else Cursor(),
                                     fields=load_spec("marketo")["leads"].source_fields()))
    assert upserted_ids(landed) | upserted_ids(resumed) == truth(admin, "leads")


def test_a_write_where_some_records_are_skipped_with_reasons(sandbox: SandboxProcess, admin: SandboxAdmin) -> None:
    conn = connector(sandbox)
    spec = spec_named(conn.objects, "leads", connection="mkto")
    a, b, c = sorted(truth(admin, "leads"), key=int)[10:13]
    results = conn.write(spec, [
        OutboundChange(a, {"title": "Head of Scoring"}),
        OutboundChange("999999999", {"title": "nobody"}),  # 1004 lead not found
        OutboundChange(b, {"numberOfEmployees": "lots"}),  # 1003 invalid value
        OutboundChange(c, {"no_such_field": "1"}),  # 1006 field not found
        OutboundChange("not-an-id", {"title": "x"}),  # never sent: Marketo ids are integers
        OutboundChange(c, {"crmhubScore": 87}),
    ])
    assert [r.source_id for r in results] == [a, "999999999", b, c, "not-an-id", c]
    assert [r.status for r in results] == ["updated", "failed", "failed", "failed", "failed", "updated"]
    assert "1004" in results[1].message and "1003" in results[2].message and "1006" in results[3].message
    assert results[3].fields == ("no_such_field",)
    assert not any(r.retryable for r in results)
    assert admin.get(f"/_admin/truth/leads/{a}")["title"] == "Head of Scoring"
    assert admin.get(f"/_admin/truth/leads/{c}")["crmhubScore"] == 87


def test_a_deleted_lead_takes_its_activities_with_it(sandbox: SandboxProcess, admin: SandboxAdmin) -> None:
    """The leads read reports the deletion with a cascade to the lead's activities (its Delete Lead kept) and
    memberships; the activities read lists nothing."""
    conn = connector(sandbox)
    leads = read_all(conn, "leads")
    first = read_all(conn, "activities")
    lead = sorted(truth(admin, "leads"), key=int)[20]
    admin.delete(f"/_admin/records/leads/{lead}")
    lead_spec = spec_named(conn.objects, "leads", connection="mkto")
    fields = load_spec("marketo")["leads"].source_fields()
    changes = list(conn.read_changes(lead_spec, leads[-1].next_cursor, fields=fields))
    gone = [b for b in changes if b.deletes]
    assert [t.source_id for b in gone for t in b.deletes] == [lead]
    cascades = {c.object: c for c in gone[0].cascades}
    assert set(cascades) == {"activities", "program_members"}
    assert (cascades["activities"].entity, cascades["activities"].field) == ("activity", "lead_id")
    (kept,) = cascades["activities"].keep
    assert admin.get(f"/_admin/truth/activities/{kept}")["activityTypeId"] == 37
    spec = spec_named(conn.objects, "activities", connection="mkto")
    again = list(conn.read_changes(spec, first[-1].next_cursor, fields=["id"]))
    assert all(b.live_ids is None for b in again)
    assert kept in upserted_ids(again)


def test_companies_roll_up_through_a_bulk_export_like_a_small_instance(sandbox: SandboxProcess,
                                                                      admin: SandboxAdmin) -> None:
    """Above 1,000 leads the rollup reads the company fields through createdAt exports: the same accounts."""
    by_rest = read_all(connector(sandbox), "companies")
    by_bulk = read_all(connector(sandbox, bulk="always"), "companies")
    expected = truth(admin, "companies")
    for batches in (by_rest, by_bulk):
        assert upserted_ids(batches) == expected
        assert batches[0].live_ids == expected
    rest = {r["id"]: r for b in by_rest for r in b.upserts}
    bulk = {r["id"]: r for b in by_bulk for r in b.upserts}
    assert rest == bulk  # typed alike, so the store sees no change between the two paths
    assert any(c.get("create_leads_export") for c in [admin.calls()["by_endpoint"]])


def test_the_periodic_lead_id_listing_exports_ids_only_and_comes_first(sandbox: SandboxProcess,
                                                                      admin: SandboxAdmin) -> None:
    conn = connector(sandbox, bulk="always")
    loaded = read_all(conn, "leads")
    victim = sorted(truth(admin, "leads"), key=int)[7]
    admin.delete(f"/_admin/records/leads/{victim}?mode=purge")  # no Delete Lead activity: deletedleads is silent
    admin.reset_calls()
    listing = connector(sandbox, bulk="always", reconcile_hours=0)
    spec = spec_named(listing.objects, "leads", connection="mkto")
    fields = load_spec("marketo")["leads"].source_fields()
    again = list(listing.read_changes(spec, loaded[-1].next_cursor, fields=fields))
    assert again[0].live_ids == truth(admin, "leads") and victim not in again[0].live_ids
    assert {c.object for c in again[0].cascades} == {"activities", "program_members"}
    assert not any(b.deletes for b in again)
    calls = admin.calls()["by_endpoint"]
    assert calls.get("create_leads_export", 0) >= 1 and calls.get("get_lead_activities", 0) <= 1


def test_files_are_listed_whole_by_offset_and_their_deletes_reconciled(sandbox: SandboxProcess,
                                                                      admin: SandboxAdmin) -> None:
    conn = connector(sandbox)
    fields = {f.name: f.type for f in {s.name: s for s in conn.discover()}["files"].fields}
    assert fields["id"] == "integer" and fields["size"] == "integer" and fields["updatedAt"] == "datetime"
    uploaded = [admin.post("/_admin/records/files", {"fields": {"name": f"Battlecard-{i:03d}.pdf"}})["id"]
                for i in range(210 - len(truth(admin, "files")))]  # past one page of 200
    gone = str(uploaded[0])
    admin.delete(f"/_admin/records/files/{gone}")
    [batch] = conn.read_changes(spec_named(conn.objects, "files", connection="mkto"), Cursor(), fields=list(fields))
    assert {r["id"] for r in batch.upserts} == truth(admin, "files") and batch.live_ids == truth(admin, "files")
    assert gone not in batch.live_ids and len(batch.upserts) == 209
    assert batch.api_calls == 2  # two pages: the second is short, so no third call
    deck = next(r for r in batch.upserts if r["name"] == "Northstar-Sales-Deck.pptx")
    assert deck["folderName"] == "Sales Collateral" and deck["folderId"] == 437 and deck["folderType"] == "Folder"
    assert deck["createdAt"].endswith("Z") and deck["mimeType"].startswith("application/")
