"""Schema drift on the Salesforce sandbox: Setup adds a custom field and retypes another (``/_admin/fields``);
``freeze`` ignores the new field and says so, a type change quarantines the records holding a value; the runs'
data-quality scores land per stream."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, select

from quality.checker import QualityChecker
from sandbox.common.launcher import SandboxProcess
from store.tables import contact, quality_score, record_quality
from tests.support.syncing import open_quarantine, sync


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    sb = SandboxProcess("salesforce", scale=40, state_dir=tmp_path_factory.mktemp("salesforce"))
    sb.start()
    try:
        yield sb
    finally:
        sb.stop()


def _config(sb: SandboxProcess, policy: str) -> str:
    return (f"version: 1\nconnections:\n  sf:\n    kind: salesforce\n    base_url: {sb.info.https_url}\n"
            f"    ca_bundle: {sb.info.ca_path}\n"
            "    auth: {flow: client_credentials, client_id: crmhub-sandbox-client, "
            "client_secret: crmhub-sandbox-secret}\n"
            f"    objects: [Contact]\n    settle_lag_seconds: 1\n    overlap_seconds: 5\n"
            f"    drift_policy: {policy}\n    mapping: {{Contact: {{fields: {{Tier__c: custom.tier}}}}}}\n")


def test_freeze_ignores_a_new_field_and_a_retyped_field_holds_its_records(
    sandbox: SandboxProcess, sqlite_db: Engine, checker: QualityChecker
) -> None:
    admin = sandbox.admin()
    assert admin.post("/_admin/fields/Contact", {"name": "Tier__c", "type": "string"})["type"] == "string"
    cfg = _config(sandbox, "freeze")
    [first] = sync(cfg, sqlite_db, checker)
    assert first.ok, first.error

    added = admin.post("/_admin/fields/Contact", {"name": "Favourite_Colour__c", "type": "string"})
    assert added == {"object": "Contact", "field": "Favourite_Colour__c", "type": "string"}
    a, b = sorted(admin.get("/_admin/truth/Contact", ids="true")["ids"])[:2]
    admin.patch(f"/_admin/records/Contact/{a}", {"fields": {"Favourite_Colour__c": "teal"}})
    admin.patch(f"/_admin/records/Contact/{b}", {"fields": {"Tier__c": "12"}})
    retyped = admin.patch("/_admin/fields/Contact/Tier__c", {"type": "double"})
    assert retyped == {"object": "Contact", "field": "Tier__c", "old_type": "string", "new_type": "double"}
    with pytest.raises(Exception, match="only a custom, non-formula field"):
        admin.patch("/_admin/fields/Contact/LastName", {"type": "double"})

    time.sleep(1.5)
    [second] = sync(cfg, sqlite_db, checker)
    assert second.drift["ignored"] == ["Favourite_Colour__c"] and second.drift["kept_in_custom"] == []
    assert any("Favourite_Colour__c not synced (drift_policy freeze)" in n for n in second.notes)
    assert second.drift["type_changes"] == [{"field": "Tier__c", "old_type": "string", "new_type": "double"}]
    [held] = open_quarantine(sqlite_db, b)
    assert held["reasons"][0]["rule"] == "schema_type_change" and held["reasons"][0]["value"] == 12.0
    with sqlite_db.connect() as conn:
        custom_a = conn.execute(select(contact.c.custom).where(contact.c.source_id == a)).scalar_one()
        assert "Favourite_Colour__c" not in (custom_a or {})  # frozen: not read
        runs = conn.execute(select(quality_score.c.run_id, quality_score.c.records, quality_score.c.score)
                            .order_by(quality_score.c.id)).all()
        assert [r.run_id for r in runs] == [first.run_id, second.run_id]
        assert runs[0].records == first.counts.read and 0 < runs[0].score <= 1
        scored = conn.execute(select(record_quality.c.score)).scalars().all()
        assert len(scored) >= first.counts.upserted and all(0 <= s <= 1 for s in scored)
