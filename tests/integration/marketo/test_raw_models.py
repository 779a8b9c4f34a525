"""Marketo objects no canonical entity holds, synced from the sandbox by the real connector through a config: the
custom object ``loyaltyProgram_c`` and the Design Studio ``files`` land in their typed raw tables (the sandbox's
ground truth), an edit and a delete reach them incrementally, and the registry reports the models their ``model:``
tags name (LOYALTY_PROGRAM, CONTENT) as filled by them.

One small sandbox for the module (unlimited profile, export jobs complete at once on the sandbox clock).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date, datetime

import pytest
from sqlalchemy import Engine, inspect, select

import store
from config import parse_config
from mapping.objectmodels import shipped_registry
from mapping.objectmodels.sources import fillers
from quality.checker import QualityChecker
from sandbox.common.launcher import SandboxProcess
from tests.support.syncing import sync

LOYALTY, LOYALTY_TABLE = "loyaltyProgram_c", "raw_mkto__loyaltyprogram_c"
FILES_TABLE = "raw_mkto__files"


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxProcess]:
    with SandboxProcess("marketo", seed=4, scale=300, profile="unlimited", options={"export_job_s": "0"}) as sb:
        yield sb


def _config(sb: SandboxProcess) -> str:
    # Deletes leave no trace in Marketo: custom_reconcile_hours 0 lists the custom object's whole life each read.
    return (f"version: 1\nconnections:\n  mkto:\n    kind: marketo\n    base_url: {sb.info.https_url}\n"
            f"    ca_bundle: {sb.info.ca_path}\n"
            "    auth: {flow: client_credentials, client_id: crmhub-sandbox-client, "
            "client_secret: crmhub-sandbox-secret}\n"
            f"    objects: {{{LOYALTY}: {{model: LOYALTY_PROGRAM}}, files: {{model: CONTENT}}}}\n"
            "    settle_lag_seconds: 1\n    custom_reconcile_hours: 0\n")


def _rows(engine: Engine, table_name: str) -> dict[str, dict[str, object]]:
    with engine.connect() as conn:
        table = store.entity_table(conn, table_name)
        return {str(r["source_id"]): dict(r) for r in conn.execute(select(table)).mappings()}


def _live(rows: dict[str, dict[str, object]]) -> list[str]:
    return sorted(sid for sid, row in rows.items() if row["deleted_at"] is None)


def test_programme_records_and_files_land_typed_follow_changes_and_fill_their_models(
    sandbox: SandboxProcess, sqlite_db: Engine, checker: QualityChecker
) -> None:
    admin = sandbox.admin()
    cfg = _config(sandbox)
    runs = {s.object: s for s in sync(cfg, sqlite_db, checker)}
    assert runs[LOYALTY].ok and runs["files"].ok, (runs[LOYALTY].error, runs["files"].error)
    assert runs[LOYALTY].notes[0].startswith(f"{LOYALTY} has no mapping: kept as the typed raw table {LOYALTY_TABLE}")
    loyalty, files = _rows(sqlite_db, LOYALTY_TABLE), _rows(sqlite_db, FILES_TABLE)
    assert _live(loyalty) == sorted(admin.get(f"/_admin/truth/{LOYALTY}", ids="true")["ids"])
    assert _live(files) == sorted(admin.get("/_admin/truth/files", ids="true")["ids"])
    columns = {c["name"]: c["type"].python_type for c in inspect(sqlite_db).get_columns(LOYALTY_TABLE)}
    assert columns["points"] is int and columns["enrolledon"] is date and columns["tier"] is str
    assert columns["companykey"] is str  # the linked lead's company: the account the membership belongs to
    one = next(iter(loyalty.values()))
    assert one["tier"] in {"Bronze", "Silver", "Gold", "Platinum"} and one["companykey"]
    file_columns = {c["name"]: c["type"].python_type for c in inspect(sqlite_db).get_columns(FILES_TABLE)}
    assert file_columns["size"] is int and file_columns["crm_id"] is int and file_columns["createdat"] is datetime

    changed = admin.post(f"/_admin/random_edits/{LOYALTY}", {"seed": 2, "edits": 1, "deletes": 1})
    replaced = admin.post("/_admin/random_edits/files", {"seed": 2, "edits": 1, "deletes": 1, "creates": 1})
    time.sleep(2.5)  # past the settle lag
    again = {s.object: s for s in sync(cfg, sqlite_db, checker)}
    assert again[LOYALTY].ok and again["files"].ok
    assert again[LOYALTY].counts.deleted == 1 and again["files"].counts.deleted == 1
    loyalty, files = _rows(sqlite_db, LOYALTY_TABLE), _rows(sqlite_db, FILES_TABLE)
    assert _live(loyalty) == sorted(admin.get(f"/_admin/truth/{LOYALTY}", ids="true")["ids"])
    assert loyalty[changed["deleted"][0]]["deleted_at"] is not None
    edited = admin.get(f"/_admin/truth/{LOYALTY}/{changed['edited'][0]}")
    row = loyalty[changed["edited"][0]]
    assert row["updatedat"] == datetime.fromisoformat(edited["updatedAt"])
    assert {k: row[k.lower()] for k in ("programName", "tier", "points", "pointsRedeemed", "status")} == {
        k: edited.get(k) for k in ("programName", "tier", "points", "pointsRedeemed", "status")}
    assert row["enrolledon"] == date.fromisoformat(edited["enrolledOn"])
    assert _live(files) == sorted(admin.get("/_admin/truth/files", ids="true")["ids"])
    assert replaced["created"][0] in files and files[replaced["deleted"][0]]["deleted_at"] is not None

    filled = fillers(parse_config(cfg), shipped_registry())
    assert [(f.object, f.how) for f in filled["LOYALTY_PROGRAM"]] == [(LOYALTY, "tag")]
    assert [(f.object, f.how) for f in filled["CONTENT"]] == [("files", "tag")]
    assert filled["CUSTOMER_COMMUNITY"] == []  # listed nowhere in this config
