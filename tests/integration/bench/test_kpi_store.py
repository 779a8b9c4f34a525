"""The KPI benchmark's generated store (bench/kpi_data.py) on SQLite and PostgreSQL: its bulk writes read back as
rows the store wrote itself, its references resolve, and the engine's figures on it equal SQL written by hand."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, func, select

from analytics.kpi.catalog import Catalog
from analytics.kpi.definition import definition_path, read_definition
from analytics.kpi.grain import Grain
from analytics.kpi.query import compute
from bench.kpi_data import populate
from bench.kpi_shape import END, START, sizes
from bench.kpi_worker import SETTINGS
from store.tables import account, activity, crm_user, line_item, opportunity, opportunity_stage

SCALE = 0.001


@pytest.fixture
def generated(db: Engine) -> Engine:
    populate(db, SCALE, say=lambda line: None)
    return db


def test_counts_and_references(generated: Engine) -> None:
    n = sizes(SCALE)
    with generated.connect() as conn:
        count = {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
                 for t in (opportunity, activity, crm_user, account)}
        assert count == {"opportunity": n["opportunity"], "activity": n["activity"],
                         "crm_user": n["reps"] + n["teams"], "account": n["account"]}
        users = set(conn.execute(select(crm_user.c.id)).scalars())
        accounts = set(conn.execute(select(account.c.id)).scalars())
        deals = conn.execute(select(opportunity)).mappings().all()
        assert {d["owner_id"] for d in deals} <= users and {d["account_id"] for d in deals} <= accounts
        assert all(d["is_closed"] or not d["is_won"] for d in deals)  # won only once closed
        orphans = select(func.count()).select_from(opportunity_stage).where(
            opportunity_stage.c.opportunity_id.not_in(select(opportunity.c.id)))
        assert conn.execute(orphans).scalar_one() == 0
        assert conn.execute(select(func.count()).select_from(line_item)).scalar_one() > 0


def test_bulk_rows_read_back_as_the_store_writes_them(generated: Engine) -> None:
    with generated.connect() as conn:
        row = conn.execute(select(opportunity).limit(1)).mappings().one()
        act = conn.execute(select(activity.c.occurred_at, activity.c.created_at).limit(1)).one()
    assert isinstance(row["created_at"], datetime) and row["created_at"].tzinfo is not None
    first, end = (datetime.fromisoformat(str(t)).replace(tzinfo=UTC) for t in (START, END))
    assert first <= row["created_at"] < end
    assert isinstance(row["is_won"], bool) and row["close_date"] > row["created_at"].date()
    assert act.occurred_at == act.created_at and act.occurred_at.tzinfo is not None


def test_the_engine_on_it_equals_sql_by_hand(generated: Engine) -> None:
    kpi = read_definition(definition_path("DEALS_WON"))
    by_rep = compute(generated, kpi, Grain("rep", "all").request(kpi), catalog=Catalog.load(), settings=SETTINGS,
                     materialised=False)
    got = {r.members["rep"]: r.value for r in by_rep.rows}
    with generated.connect() as conn:
        won = select(opportunity.c.owner_id, func.count()).where(opportunity.c.is_won.is_(True))
        want: dict[str, int] = dict(conn.execute(won.group_by(opportunity.c.owner_id)).all())
    assert got == {rep: float(n) for rep, n in want.items()}
