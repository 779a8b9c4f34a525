"""Every sandbox's seeded data is current relative to its clock, so the demo's scores mean something: activities run
up to days before now, open deals close after it, the recency features of a scoring are not empty, and the rule
model grades leads across more than one grade.

What each CRM feeds lead-rules-2 (README "Seeded dates"): Marketo's activity log carries behaviour (web and pricing
visits, form fills, email opens and clicks), so its leads spread across grades; HubSpot contacts carry web-analytics
roll-ups (sessions, average page views); Salesforce and Dynamics 365 carry rep activity (calls, emails, meetings,
tasks), which sets recency but is no engagement signal of lead-rules-2, so their people grade on fit alone.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from analytics.features import lead_features
from analytics.rules import score_rules
from analytics.scoring import ScoringOptions, score_leads
from hub.context import App
from hub.demo_crms import CRMS
from store.tables import activity, lead_score, opportunity, source_link
from tests.support.demo_store import synced_demo

SCALE = 300
CONNECTIONS = tuple(crm.connection for crm in CRMS)
WITH_DEALS = ("hubspot_demo", "salesforce_demo", "dynamics_demo")


@pytest.fixture(scope="module")
def synced(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[App, datetime]]:
    """The four sandboxes at their own clock (no data_end), synced into one store and scored by the rules."""
    with synced_demo(tmp_path_factory.mktemp("seeded_recency"), scale=SCALE) as (app, _, summaries):
        failed = [(s.connection, s.object, s.status) for s in summaries if s.status != "succeeded"]
        assert not failed, failed
        now = datetime.now(UTC)  # no sandbox clock was moved: their now is ours
        options = ScoringOptions.from_settings(app.cfg.scoring)
        for entity in ("lead", "contact"):
            score_leads(app.engine, options=options, entity=entity, as_of=now)
        yield app, now


def _linked(connection: str) -> Any:
    return select(source_link.c.canonical_id).where(source_link.c.connection == connection,
                                                    source_link.c.is_deleted.is_(False))


@pytest.mark.parametrize("connection", CONNECTIONS)
def test_activities_run_up_to_the_sandbox_clock(synced: tuple[App, datetime], connection: str) -> None:
    app, now = synced
    mine = activity.c.id.in_(_linked(connection))
    with app.engine.connect() as conn:
        latest = conn.execute(select(func.max(activity.c.occurred_at)).where(
            mine, activity.c.occurred_at <= now)).scalar_one()
        last_month = conn.execute(select(func.count()).select_from(activity).where(
            mine, activity.c.occurred_at >= now - timedelta(days=30), activity.c.occurred_at <= now)).scalar_one()
    # (at this small scale Dynamics' ~120 people do a few dozen things a year: a month, not a week, is sure to hold one)
    assert latest is not None and now - timedelta(days=30) <= latest.replace(tzinfo=UTC) <= now, (connection, latest)
    assert last_month > 0, connection


@pytest.mark.parametrize("connection", WITH_DEALS)
def test_open_deals_close_from_now_on(synced: tuple[App, datetime], connection: str) -> None:
    app, now = synced
    with app.engine.connect() as conn:
        closes = [d for d in conn.execute(select(opportunity.c.close_date).where(
            opportunity.c.id.in_(_linked(connection)), opportunity.c.is_closed.is_(False))).scalars() if d]
    assert closes, connection
    # open deals close in the months around now, not in a year long gone
    assert max(closes) >= now.date() and min(closes) >= (now - timedelta(days=400)).date(), (connection, closes)


@pytest.mark.parametrize("connection", CONNECTIONS)
def test_recency_features_are_not_empty(synced: tuple[App, datetime], connection: str) -> None:
    app, now = synced
    with app.engine.connect() as conn:
        ids = list(conn.execute(_linked(connection)).scalars())
        frames = [lead_features(conn, entity=entity, as_of=now, ids=ids) for entity in ("lead", "contact")]
    quiet = [d for f in frames for d in f["days_since_last_activity"].dropna()]
    assert quiet and min(quiet) <= 30, connection  # someone did something in the last month, not years ago
    if connection in ("hubspot_demo", "marketo_demo"):  # the CRMs with many activities per person
        assert sum(d <= 30 for d in quiet) > 0.05 * len(quiet), connection
        assert sum(f[[f"{t}_7d" for t in ("email_open", "email_click", "web_visit", "form_fill")]].to_numpy().sum()
                   for f in frames) > 0 or min(quiet) < 7, connection


def _grades(app: App, connection: str) -> Counter[str]:
    with app.engine.connect() as conn:
        return Counter(conn.execute(select(lead_score.c.grade).where(
            lead_score.c.record_id.in_(_linked(connection)))).scalars())


def test_rules_grade_marketo_leads_across_grades(synced: tuple[App, datetime]) -> None:
    app, _ = synced
    grades = _grades(app, "marketo_demo")
    assert len(grades) > 1 and grades["cold"] < sum(grades.values()), grades


def test_hubspot_contacts_carry_web_analytics_roll_ups(synced: tuple[App, datetime]) -> None:
    app, now = synced
    with app.engine.connect() as conn:
        ids = list(conn.execute(_linked("hubspot_demo")).scalars())
        frame = lead_features(conn, entity="contact", as_of=now, ids=ids)
    visits = frame["web_visits"].dropna()
    assert len(visits) > 0.5 * len(frame) and visits.max() > visits.min(), visits.describe()
    assert frame["page_views_per_visit"].dropna().between(1, 20).all()
    # HubSpot logs no visits as activities: a contact with calls or notes keeps its roll-ups in the rule score.
    scores = score_rules(frame)
    both = frame.index[(frame["activities_90d"] > 0) & (frame["web_visits"].fillna(0) > 0)]
    assert len(both) > 0
    assert (scores.contributions.loc[both, "visits_rollup"] > 0).all()


def test_a_pinned_data_end_gives_fixed_dates() -> None:
    from sandbox.common.people import Population, data_end_for, seed_end

    assert seed_end("2025-09-28", datetime.now(UTC), sandbox="marketo") == datetime(2025, 9, 28, tzinfo=UTC)
    assert seed_end("", datetime(2026, 3, 4, 17, 5, tzinfo=UTC), sandbox="marketo") == datetime(2026, 3, 4,
                                                                                                 tzinfo=UTC)
    assert data_end_for(datetime(2026, 3, 4, 17, 5, tzinfo=UTC)) == datetime(2026, 3, 4, tzinfo=UTC)
    with pytest.raises(ValueError, match="dynamics sandbox option data_end: expected a date YYYY-MM-DD"):
        seed_end("28/09/2025", datetime.now(UTC), sandbox="dynamics")
    end = datetime(2026, 3, 4, tzinfo=UTC)
    a, b = Population(7, 50, end=end), Population(7, 50, end=end)
    assert [p.created_at for p in a.people()] == [p.created_at for p in b.people()]
    assert all(a.epoch <= p.created_at <= a.end for p in a.people())


def test_each_generator_dates_its_records_up_to_the_end_it_is_given() -> None:
    """In process, cheaply: Dynamics and Marketo records and activities end at (and just before) a given end."""
    from sandbox.common.people import Population
    from sandbox.dynamics.generator import Generator
    from sandbox.dynamics.store import Store
    from sandbox.dynamics.tables import TABLES
    from sandbox.marketo.leadgen import build

    end = datetime(2026, 3, 4, tzinfo=UTC)
    s = Store(seed=7)
    Generator(seed=7, scale=600, store=s, client_id="client", end=end).run()
    for name in ("contact", "lead", "phonecall", "email", "task"):
        table = TABLES[name]
        stamps = [r[table.col["modifiedon"]] for r in s.state(name).rows.values()]
        assert end.timestamp() - 30 * 86400 < max(stamps) < end.timestamp(), name
    dates = build(Population(7, 600, end=end), seed=7, share=0.7).columns.date
    assert end.timestamp() - 7 * 86400 < int(dates.max()) <= end.timestamp()
