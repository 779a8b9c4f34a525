"""The dashboard service on a random store, on SQLite and PostgreSQL: each tile is compute(as_user=...) for the
view's cut, every drill row and deal lies in the user's scope (worked out here from the store's rows, not by the
engine), the deals are exactly the store's deals of the view, and "as of" is the last successful sync's end."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine, select

from analytics.dashboard import TILES, DashboardSources, build, parse_view
from analytics.dashboard.service import last_sync
from analytics.dashboard.view import ViewState
from analytics.kpi.catalog import Catalog
from analytics.kpi.dims import UNKNOWN
from analytics.kpi.loader import shipped_kpi_registry
from analytics.kpi.query import KpiRequest, compute
from config.models.kpi import KpiSettings
from store.tables import account, crm_user, opportunity
from tests.support.kpi_golden import DIALECTS, SYNCED_AT, finish, synced
from tests.support.kpi_random import USERS, build_random
from tests.support.stores import fresh_engine
from tests.unit.web.test_scope_property import team_of, visible_reps

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SETTINGS = KpiSettings()
RANGE = {"from": "2024-10-01", "to": "2026-04-01"}  # the whole random store
WHO = [None, *(u for u, _, _ in USERS)]


@pytest.fixture(scope="module", params=DIALECTS)
def sources(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[DashboardSources]:
    for engine in fresh_engine(request.param, tmp_path_factory.mktemp("dashboard")):
        build_random(engine, seed=7)
        yield DashboardSources(engine, shipped_kpi_registry(), Catalog.load(), SETTINGS)


def view(**params: str) -> ViewState:
    return parse_view({**RANGE, **params}, now=NOW, settings=SETTINGS)


def expected_deals(engine: Engine, state: ViewState, as_user: str | None) -> list[str]:
    """The view's deals worked out in Python from the store's rows."""
    with engine.connect() as conn:
        users = {r.id: r for r in conn.execute(select(crm_user))}
        accounts = {r.id: r for r in conn.execute(select(account)) if r.deleted_at is None}
        deals = list(conn.execute(select(opportunity)))
    seen = visible_reps(as_user) if as_user else None
    found = []
    for deal in deals:
        if deal.deleted_at is not None or deal.close_date is None or not state.start <= deal.close_date < state.end:
            continue
        owner = users.get(deal.owner_id)
        members = {"rep": deal.owner_id or UNKNOWN, "team": (owner.team if owner else None) or UNKNOWN,
                   "region": (accounts[deal.account_id].country if deal.account_id in accounts else None) or UNKNOWN}
        if all(members[dim] in chosen for dim, chosen in state.filters().items()) and (
                seen is None or deal.owner_id in seen):
            found.append(deal.id)
    return sorted(found)


@pytest.mark.parametrize("as_user", WHO)
def test_tiles_are_compute_for_the_users_scope(sources: DashboardSources, as_user: str | None) -> None:
    for state in (view(), view(level="team", member="east"), view(level="region", member="FR", period="quarter")):
        board = build(sources, state, as_user)
        assert [t.code for t in board.tiles] == [code for code, _ in TILES]
        for tile in board.tiles:
            kpi = sources.registry.kpi(tile.code)
            want = compute(sources.engine, kpi, KpiRequest(tile.code, (), None, state.start, state.end,
                                                           state.filters(), as_user),
                           catalog=sources.catalog, settings=SETTINGS) if tile.note is None else None
            if want is not None:
                assert tile.value == (want.rows[0].value if want.rows else None), (tile.code, state)
                trend = compute(sources.engine, kpi, KpiRequest(tile.code, (), state.period, state.start, state.end,
                                                                state.filters(), as_user),
                                catalog=sources.catalog, settings=SETTINGS)
                assert [(p.period_start, p.value) for p in tile.trend] == [
                    (r.period_start, r.value) for r in trend.rows]


@pytest.mark.parametrize("as_user", WHO)
def test_drill_rows_and_deals_stay_in_scope(sources: DashboardSources, as_user: str | None) -> None:
    seen = visible_reps(as_user) if as_user else {u for u, _, _ in USERS} | {UNKNOWN, "u9"}
    teams = {team_of(u) for u in seen if u not in (UNKNOWN, "u9")} | ({UNKNOWN} if as_user is None else set())
    reps = build(sources, view(level="team", member="east"), as_user).drill
    assert reps is not None and reps.dimension == "rep"
    assert {row.member for row in reps.rows} <= seen
    by_team = build(sources, view(level="region", member="FR"), as_user).drill
    assert by_team is not None and {row.member for row in by_team.rows} <= teams
    for rep in sorted(seen - {UNKNOWN}):
        state = view(level="rep", member=rep)
        board = build(sources, state, as_user)
        assert board.drill is None
        assert sorted(d.id for d in board.deals) == expected_deals(sources.engine, state, as_user)
        assert all(d.owner_id in seen for d in board.deals)


def test_drill_row_values_are_compute_at_the_child_grain(sources: DashboardSources) -> None:
    state = view(level="region", member="FR")
    drill = build(sources, state, "u2").drill
    assert drill is not None and drill.rows
    for code, _ in TILES:
        if code in drill.notes:
            continue
        want = compute(sources.engine, sources.registry.kpi(code), KpiRequest(
            code, ("team",), None, state.start, state.end, {"region": ("FR",)}, "u2"),
            catalog=sources.catalog, settings=SETTINGS)
        wanted = {r.members["team"]: r.value for r in want.rows}
        assert set(wanted) <= {r.member for r in drill.rows}
        assert all(r.values[code] == wanted.get(r.member) for r in drill.rows), code


def test_a_kpi_that_cannot_be_cut_says_why_instead_of_failing(sources: DashboardSources) -> None:
    board = build(sources, view(level="region", member="FR"), None)
    quota = next(t for t in board.tiles if t.code == "QUOTA_ATTAINMENT")
    assert quota.value is None and quota.note and "region" in quota.note
    assert board.drill is not None and "QUOTA_ATTAINMENT" in board.drill.notes
    assert next(t for t in board.tiles if t.code == "WON_REVENUE").note is None


def test_as_of_is_the_last_successful_sync(sources: DashboardSources) -> None:
    engine = sources.engine
    assert last_sync(engine) is None
    running = synced(engine, "Opportunity", "opportunity", finished=False)
    assert last_sync(engine) is None  # a run still going has landed nothing final
    finish(engine, running)
    assert last_sync(engine) == SYNCED_AT
    assert build(sources, view(), None, parts=frozenset()).as_of == SYNCED_AT


def test_drill_links_carry_the_path_down() -> None:
    company = view()
    assert company.filters() == {}
    region = parse_view(dict(pair.split("=") for pair in company.drill("FR").split("&")), now=NOW, settings=SETTINGS)
    assert (region.level, region.member, region.filters()) == ("region", "FR", {"region": ("FR",)})
    team = parse_view(dict(pair.split("=") for pair in region.drill("east").split("&")), now=NOW, settings=SETTINGS)
    assert team.filters() == {"region": ("FR",), "team": ("east",)}
    rep = parse_view(dict(pair.split("=") for pair in team.drill("u1").split("&")), now=NOW, settings=SETTINGS)
    assert rep.filters() == {"region": ("FR",), "team": ("east",), "rep": ("u1",)}
    assert (rep.start, rep.end, rep.period) == (date(2024, 10, 1), date(2026, 4, 1), "month")
