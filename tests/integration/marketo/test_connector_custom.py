"""Marketo connector on custom objects against its sandbox: discover, the config errors (an unknown name, a type
not linked to a lead), windows and listings, the linked lead's company key, and write-back with conflicts.

One small sandbox for the module (unlimited profile, export jobs complete at once on the sandbox clock).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from config import parse_config
from connectors.base import ChangeBatch, Cursor, OutboundChange, spec_named
from connectors.errors import ConfigError
from connectors.marketo.companies import company_key
from connectors.marketo.connector import MarketoConnector
from connectors.registry import build_connector
from sandbox.common.launcher import SandboxAdmin, SandboxProcess

NPS = "npsResponse_c"
SECRET = "crmhub-sandbox-secret"


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxProcess]:
    with SandboxProcess("marketo", seed=3, scale=300, profile="unlimited", options={"export_job_s": "0"}) as sb:
        yield sb


@pytest.fixture(scope="module")
def admin(sandbox: SandboxProcess) -> Iterator[SandboxAdmin]:
    admin = sandbox.admin()
    yield admin
    admin.close()


def connector(sb: SandboxProcess, objects: str = NPS, **options: Any) -> MarketoConnector:
    block = (f"    kind: marketo\n    base_url: {sb.info.https_url}\n    ca_bundle: {sb.info.ca_path}\n"
             f"    auth: {{flow: client_credentials, client_id: crmhub-sandbox-client, client_secret: {SECRET}}}\n"
             f"    objects: [{objects}]\n")
    cfg = parse_config(f"version: 1\nconnections:\n  mkto:\n{block}")
    built = build_connector("mkto", cfg.connection("mkto"), settle_lag=timedelta(seconds=1),
                            options={"rate_limit": 10_000, **options})
    assert isinstance(built, MarketoConnector)
    return built


def read(conn: MarketoConnector, since: Cursor, fields: list[str], **kw: Any) -> list[ChangeBatch]:
    return list(conn.read_changes(spec_named(conn.objects, NPS, connection="mkto"), since, fields=fields, **kw))


def test_discover_lists_the_custom_object_with_its_fields(sandbox: SandboxProcess) -> None:
    conn = connector(sandbox)
    conn.check()
    schema = {s.name: s for s in conn.discover()}[NPS]
    fields = {f.name: f for f in schema.fields}
    assert fields["score"].custom and fields["score"].type == "integer" and not fields["marketoGUID"].custom
    assert fields["companyKey"].calculated  # derived from the linked lead


def test_an_unknown_name_is_a_config_error_naming_it(sandbox: SandboxProcess) -> None:
    conn = connector(sandbox, objects="npsResponse")
    with pytest.raises(ConfigError) as err:
        conn.check()
    assert "'npsResponse'" in err.value.message and NPS in err.value.message


def test_a_type_not_linked_to_a_lead_cannot_be_read(sandbox: SandboxProcess, admin: SandboxAdmin) -> None:
    conn = connector(sandbox, objects="catalog_c")
    conn.client.post("/rest/v1/customobjects/schema.json", {"apiName": "catalog_c", "displayName": "Catalog"},
                     obj="catalog_c")
    conn.client.post("/rest/v1/customobjects/schema/catalog_c/addField.json", {"input": [
        {"name": "sku", "displayName": "SKU", "dataType": "string", "isDedupeField": True}]}, obj="catalog_c")
    conn.client.post("/rest/v1/customobjects/schema/catalog_c/approve.json", None, obj="catalog_c")
    with pytest.raises(ConfigError) as err:
        list(conn.read_changes(spec_named(conn.objects, "catalog_c", connection="mkto"), Cursor(), fields=["sku"]))
    assert "not linked to a lead" in err.value.message


def test_first_load_then_windows_then_a_listing_finds_deletes(sandbox: SandboxProcess, admin: SandboxAdmin) -> None:
    conn = connector(sandbox)
    truth = set(admin.get(f"/_admin/truth/{NPS}", ids="true")["ids"])
    first = read(conn, Cursor(), ["score", "companyKey"])
    assert {r["marketoGUID"] for b in first for r in b.upserts} == truth
    assert all(isinstance(r["score"], int) for b in first for r in b.upserts)  # typed as describe says
    cursor = first[-1].next_cursor
    assert cursor.state.get("listed_at") and not cursor.state.get("loading")
    done = admin.post(f"/_admin/random_edits/{NPS}", {"seed": 4, "edits": 3, "deletes": 2, "creates": 2})
    time.sleep(1.5)
    windows = read(conn, cursor, ["score", "companyKey"])
    seen = {r["marketoGUID"] for b in windows for r in b.upserts}
    assert set(done["edited"]) | set(done["created"]) <= seen and len(seen) < len(truth) / 4
    assert all(b.live_ids is None for b in windows)  # no listing yet: deletes are not seen
    listing = read(connector(sandbox, reconcile_hours=0), windows[-1].next_cursor, ["score"])
    live = listing[-1].live_ids
    assert live == set(admin.get(f"/_admin/truth/{NPS}", ids="true")["ids"])
    assert not set(done["deleted"]) & live
    assert any("listed" in n for n in listing[-1].notes)


def test_company_key_is_the_linked_leads_company(sandbox: SandboxProcess, admin: SandboxAdmin) -> None:
    rows = [r for b in read(connector(sandbox), Cursor(), ["leadID", "companyKey"]) for r in b.upserts][:5]
    for row in rows:
        lead = admin.get(f"/_admin/truth/leads/{row['leadID']}")
        assert row["companyKey"] == company_key(lead["company"])


def test_write_back_updates_and_reports_conflicts_and_failures(sandbox: SandboxProcess, admin: SandboxAdmin) -> None:
    conn = connector(sandbox)
    spec = spec_named(conn.objects, NPS, connection="mkto")
    guids = sorted(admin.get(f"/_admin/truth/{NPS}", ids="true")["ids"])[:3]
    current = conn.read_current(spec, guids, ["comment"])
    stale = "2001-01-01T00:00:00Z"
    results = conn.write(spec, [
        OutboundChange(guids[0], {"comment": "Followed up"}, expected_version=current[guids[0]][1]),
        OutboundChange(guids[1], {"comment": "Overwrite?"}, expected_version=stale),
        OutboundChange(guids[2], {"score": "ten"}),
        OutboundChange("00000000-0000-4000-8000-000000000000", {"comment": "nobody"}),
    ])
    assert [r.status for r in results] == ["updated", "conflict", "failed", "failed"]
    assert results[0].version is not None and not results[2].retryable and "1003" in results[2].message
    assert conn.read_current(spec, [guids[0]], ["comment"])[guids[0]][0] == {"comment": "Followed up"}
