"""The HubSpot sandbox's seeded data is current relative to its clock, so the demo's scores mean something: the
engagements run up to days before now, open deals close after it, and the recency signals of a scoring are not empty.

(HubSpot alone cannot grade above cold under lead-rules-1: it seeds no web visits, form fills or pricing pages, so
engagement is capped by "activity in the last 7 days" and intent is 0; the spread needs Marketo's behaviour too.)"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, select

from quality.checker import QualityChecker
from sandbox.common.launcher import SandboxProcess
from store.tables import activity, opportunity
from tests.support.syncing import sync

TOKEN = "pat-na1-11111111-2222-3333-4444-555555555555"
OBJECTS = "[contacts, companies, deals, calls, emails, meetings, notes, tasks]"


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    sb = SandboxProcess("hubspot", scale=400, state_dir=tmp_path_factory.mktemp("hubspot"),
                        options={"search_lag_ms": "0"})
    sb.start()
    try:
        yield sb
    finally:
        sb.stop()


def test_seeded_hubspot_data_ends_at_the_clock_so_recency_features_are_not_empty(
    sandbox: SandboxProcess, sqlite_db: Engine, checker: QualityChecker
) -> None:
    cfg = (f"version: 1\nconnections:\n  hs:\n    kind: hubspot\n    base_url: {sandbox.info.https_url}\n"
           f"    ca_bundle: {sandbox.info.ca_path}\n    auth: {{flow: private_app, token: {TOKEN}}}\n"
           f"    objects: {OBJECTS}\n    settle_lag_seconds: 1\n")
    assert all(run.ok for run in sync(cfg, sqlite_db, checker))
    now = datetime.now(UTC)  # the sandbox clock has not been moved: its now is ours
    with sqlite_db.connect() as conn:
        latest = conn.execute(select(func.max(activity.c.occurred_at))).scalar_one()
        recent = conn.execute(select(func.count()).select_from(activity)
                              .where(activity.c.occurred_at >= now - timedelta(days=30))).scalar_one()
        closes = conn.execute(select(opportunity.c.close_date).where(opportunity.c.is_closed.is_(False))).scalars()
        open_closes = [d for d in closes if d is not None]
    assert now - timedelta(days=7) <= latest <= now
    assert recent > 0
    assert open_closes and min(open_closes) >= (now - timedelta(days=1)).date() >= min(open_closes) - timedelta(
        days=400)  # open deals close from now into the next months, not in a year long gone
    with sqlite_db.connect() as conn:
        in_last_week = conn.execute(select(func.count()).select_from(activity)
                                    .where(activity.c.occurred_at >= now - timedelta(days=7))).scalar_one()
    assert in_last_week > 0  # lead-rules-1's "activity in the last 7 days" signal has something to count


def test_a_pinned_data_end_gives_fixed_dates(tmp_path_factory: pytest.TempPathFactory) -> None:
    from sandbox.common.people import Population, data_end_for
    from sandbox.hubspot.app import seed_end

    assert seed_end("2025-09-28", datetime.now(UTC)) == datetime(2025, 9, 28, tzinfo=UTC)
    assert data_end_for(datetime(2026, 3, 4, 17, 5, tzinfo=UTC)) == datetime(2026, 3, 4, tzinfo=UTC)
    with pytest.raises(ValueError, match="data_end: expected a date YYYY-MM-DD"):
        seed_end("28/09/2025", datetime.now(UTC))
    a, b = Population(7, 50, end=datetime(2026, 3, 4, tzinfo=UTC)), Population(7, 50, end=datetime(2026, 3, 4,
                                                                                                  tzinfo=UTC))
    assert [p.created_at for p in a.people()] == [p.created_at for p in b.people()]
    assert all(a.epoch <= p.created_at <= a.end for p in a.people())
