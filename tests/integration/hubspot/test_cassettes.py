"""HubSpot connector unit tests on vcrpy cassettes: fast, offline, and provably free of secrets.

Cassettes are recorded against the sandbox with ``CRMHUB_RECORD_CASSETTES=1`` (Authorization headers filtered at
record time) and replayed with ``record_mode="none"``, matching on method, path, query and body — not the host, whose
port changes with every sandbox.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import vcr

from config import parse_config
from connectors.base import Cursor, OutboundChange, spec_named
from connectors.registry import build_connector
from mapping.spec import load_spec
from sandbox.common.launcher import SandboxProcess

CASSETTES = Path(__file__).parent / "cassettes"
TOKEN = "pat-na1-11111111-2222-3333-4444-555555555555"
RECORD = os.environ.get("CRMHUB_RECORD_CASSETTES") == "1"
SECRET_SHAPES = [re.compile(r"pat-[a-z0-9]{2,4}-[0-9a-f]{8}"), re.compile(r"(?i)bearer\s+[a-z0-9]"),
                 re.compile(r"(?i)client_secret=[^&\s]"), re.compile(r"(?i)refresh_token=[^&\s]")]

recorder = vcr.VCR(cassette_library_dir=str(CASSETTES), record_mode="once" if RECORD else "none",
                   match_on=["method", "path", "query", "body"], filter_headers=["authorization"],
                   decode_compressed_response=True)


@pytest.fixture(scope="module")
def base_url() -> Iterator[tuple[str, str | None]]:
    if not RECORD:
        yield "https://hubspot.cassette.invalid", None  # never dialled: every request is answered from the cassette
        return
    with SandboxProcess("hubspot", scale=300, options={"search_lag_ms": "0"}) as sb:
        yield sb.info.https_url, sb.info.ca_path


def connector(base_url: tuple[str, str | None]):  # type: ignore[no-untyped-def]
    url, ca = base_url
    ca_line = f"    ca_bundle: {ca}\n" if ca else ""
    cfg = parse_config(f"version: 1\nconnections:\n  hs:\n    kind: hubspot\n    base_url: {url}\n{ca_line}"
                       f"    auth: {{flow: private_app, token: {TOKEN}}}\n    objects: [contacts]\n")
    fixed_now = datetime(2030, 1, 1, tzinfo=UTC)  # a fixed clock: the search window's bounds are in the body
    return build_connector("hs", cfg.connection("hs"), settle_lag=timedelta(seconds=0), clock=lambda: fixed_now)


def test_list_then_search_pages_from_cassette(base_url: tuple[str, str | None]) -> None:
    with recorder.use_cassette("hubspot_read_contacts.yaml"):
        c = connector(base_url)
        spec = spec_named(c.objects, "contacts", connection="hs")
        fields = load_spec("hubspot")["contacts"].source_fields()
        batches = list(c.read_changes(spec, Cursor(), fields=fields))
        assert sum(len(b.upserts) for b in batches) > 100  # more than one list page
        assert all(isinstance(r["email"], str | None) for b in batches for r in b.upserts)
        final = batches[-1].next_cursor
        assert final.watermark is not None and final.state["phase"] == "search"
        assert final.state["reconciled_at"] == final.state["archived_since"]  # a first load counts as one
        # Reconciled an hour ago: the search window alone (the id listing is not due for 24 hours).
        recent = {"phase": "search", "reconciled_at": "2029-12-31T23:00:00+00:00"}
        again = list(c.read_changes(spec, Cursor(datetime(2029, 12, 31, tzinfo=UTC), recent), fields=fields))
        assert again[-1].next_cursor.watermark == datetime(2030, 1, 1, tzinfo=UTC)


def test_batch_update_results_from_cassette(base_url: tuple[str, str | None]) -> None:
    with recorder.use_cassette("hubspot_write_contacts.yaml"):
        c = connector(base_url)
        spec = spec_named(c.objects, "contacts", connection="hs")
        results = c.write(spec, [OutboundChange("101", {"jobtitle": "Head of Cassettes"}),
                                 OutboundChange("999999999", {"jobtitle": "nobody"})])
        assert [r.status for r in results] == ["updated", "failed"]
        assert not results[1].retryable and results[1].message


@pytest.mark.parametrize("cassette", sorted(CASSETTES.glob("*.yaml")), ids=lambda p: p.name)
def test_no_cassette_holds_a_secret(cassette: Path) -> None:
    text = cassette.read_text()
    for shape in SECRET_SHAPES:
        assert not shape.search(text), f"{cassette.name} holds something shaped like a secret: {shape.pattern}"
    assert TOKEN not in text


def test_the_secret_scan_can_fail(tmp_path: Path) -> None:
    leaky = tmp_path / "leaky.yaml"
    leaky.write_text(f"headers:\n  Authorization: [Bearer {TOKEN}]\n")
    with pytest.raises(AssertionError):
        test_no_cassette_holds_a_secret(leaky)
