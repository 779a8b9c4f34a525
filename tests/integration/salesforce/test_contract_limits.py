"""Salesforce's limits the issue names: a query wider than the URL limit, the daily API budget, and an initial load
of 250,000 Accounts through Bulk API 2.0 within the calls it should take."""

from __future__ import annotations

import math

import pytest
from sqlalchemy import Engine

import store
from connectors.base import Cursor
from connectors.errors import ApiError
from quality.checker import QualityChecker
from sandbox.common.launcher import SandboxProcess
from tests.contract.crms.salesforce import OBJECTS, connector, salesforce_harness

URI_LIMIT = 1024  # the sandbox enforces it as Salesforce enforces 16,384: a smaller one needs fewer fields


def test_a_query_wider_than_the_url_limit_goes_through_bulk(tmp_path_factory: pytest.TempPathFactory) -> None:
    with SandboxProcess("salesforce", scale=400, state_dir=tmp_path_factory.mktemp("sf-wide"),
                        options={"max_uri_bytes": str(URI_LIMIT), "bulk_latency_s": "0.1"}) as sb:
        sf = salesforce_harness(sb, "salesforce_test", OBJECTS)
        conn = connector(sb.info, url_limit=URI_LIMIT)
        users = [f.name for f in conn.describer.schema("User").fields]
        every = sorted(f.name for f in conn.describer.schema("Account").fields)
        every += [f"{rel}.{f}" for rel in ("Owner", "CreatedBy", "LastModifiedBy") for f in users]
        spec = sf.spec(conn, "Account")
        wide = f"SELECT {', '.join(every)} FROM Account"
        with pytest.raises(ApiError) as refused:  # the same query on the REST URL: 414 URI Too Long
            conn.client.get_json("query", params={"q": wide})
        assert refused.value.status == 414
        batches = list(conn.read_changes(spec, Cursor(), fields=every))
        rows = [r for b in batches for r in b.upserts]
        assert {r["Id"] for r in rows} == sf.truth_ids("Account") and len(rows) == len(sf.truth_ids("Account"))
        assert all(set(every) <= set(r) for r in rows)  # every column of every row, none dropped
        assert any("URL too long" in n for b in batches for n in b.notes)
        assert sb.admin().calls()["by_endpoint"].get("bulk_query_create") == 1


def test_the_run_stops_cleanly_at_its_share_of_the_daily_limit(
    tmp_path_factory: pytest.TempPathFactory, sqlite_db: Engine, checker: QualityChecker
) -> None:
    with SandboxProcess("salesforce", scale=1200, state_dir=tmp_path_factory.mktemp("sf-budget"),
                        options={"daily_limit": "16"}) as sb:
        sf = salesforce_harness(sb, "salesforce_test", OBJECTS)
        capped = connector(sb.info, extra="    budget: {max_daily_share: 0.5}\n")
        while sb.admin().get("/_admin/usage")["api_requests"] < 4:
            capped.check()  # what other jobs of the day already spent
        # describe, COUNT(), page 1 of Leads: 7 of 16 calls; page 2 makes 8 (50 %), so page 3 is never asked for.
        stopped = sf.sync(sqlite_db, capped, "Lead", checker)
        assert stopped.status == "stopped", stopped.error
        assert "50%" in (stopped.error or "") and "max_daily_share" in (stopped.error or "")
        assert stopped.counts.read == 400  # two pages of 200 landed with their cursor
        with sqlite_db.connect() as db:
            assert store.load_cursor(db, connection=sf.connection, object="Lead") is not None
        assert sb.admin().get("/_admin/usage")["api_requests"] == 8
        more = connector(sb.info, extra="    budget: {max_daily_share: 0.95}\n")
        resumed = sf.sync(sqlite_db, more, "Lead", checker)
        assert resumed.status == "succeeded", resumed.error
        assert stopped.counts.read + resumed.counts.read == len(sf.truth_ids("Lead"))
        live, held = sf.accounted_ids(sqlite_db, "Lead")
        assert live | held == sf.truth_ids("Lead")


@pytest.mark.slow
def test_250000_accounts_load_through_bulk_within_the_expected_calls(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    with SandboxProcess("salesforce", scale=400, state_dir=tmp_path_factory.mktemp("sf-volume"),
                        options={"extra_accounts": "250000", "bulk_latency_s": "0.2"}) as sb:
        sf = salesforce_harness(sb, "salesforce_test", OBJECTS)
        conn = connector(sb.info)
        admin = sb.admin()
        admin.reset_calls()
        truth = admin.get("/_admin/truth/Account")["count"]
        assert truth >= 250_000
        seen = 0
        notes: set[str] = set()
        fields = sf.mapping("Account").source_fields()
        for batch in conn.read_changes(sf.spec(conn, "Account"), Cursor(), fields=fields):
            seen += len(batch.upserts)
            notes.update(batch.notes)
        assert seen == truth
        assert any("Bulk API 2.0" in n for n in notes)
        calls = admin.calls()["by_endpoint"]
        assert calls.get("query") == 1 and calls.get("bulk_query_create") == 1  # the COUNT() and one job
        pages = math.ceil(truth / 50_000)
        assert calls.get("bulk_query_results") == pages
        # describe + COUNT() + create + results pages, plus a few polls while the job runs
        minimum = 3 + pages + 1
        assert conn.usage.calls <= minimum + 4, calls
