"""The deals at the bottom of a drill-down: the live opportunities whose close date falls in the view's range,
within the view's path (region = the account's country, team = the owner's team, rep = the owner), for the user's
scope by the KPI engine's one rule (``scope.visible`` on the deal's owner). Amounts are as the CRM holds them, in
the deal's own currency (the tiles convert; a list of deals shows what the CRM shows)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.sql.elements import ColumnElement

from analytics.dashboard.view import ViewState
from analytics.kpi.dims import UNKNOWN
from analytics.kpi.scope import visible
from analytics.kpi.source import table_alias

MAX_DEALS = 500  # a drill-down ends on one rep's deals: more than this is a report, not a page


@dataclass(frozen=True, slots=True)
class Deal:
    id: str
    name: str
    owner_id: str | None
    owner: str  # the owner's name, else e-mail, else id
    account: str | None  # the account's name
    region: str | None
    team: str | None
    stage: str | None
    status: str  # won | lost | open
    amount: float | None
    currency: str | None
    close_date: date | None

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "owner_id": self.owner_id, "owner": self.owner,
                "account": self.account, "region": self.region, "team": self.team, "stage": self.stage,
                "status": self.status, "amount": self.amount, "currency": self.currency,
                "close_date": self.close_date.isoformat() if self.close_date else None}


def deals(engine: Engine, view: ViewState, as_user: str | None) -> tuple[Deal, ...]:
    """The view's deals, largest first (at most MAX_DEALS)."""
    opp, user, acct = (table_alias("opportunity", "deal"), table_alias("user", "deal_owner"),
                       table_alias("account", "deal_account"))
    members: dict[str, ColumnElement[Any]] = {"rep": opp.c.owner_id, "team": user.c.team, "region": acct.c.country}
    query = (select(opp.c.id, opp.c.name, opp.c.owner_id, user.c.first_name, user.c.last_name, user.c.email,
                    acct.c.name.label("account"), acct.c.country, user.c.team, opp.c.stage, opp.c.is_closed,
                    opp.c.is_won, opp.c.amount, opp.c.currency, opp.c.close_date)
             .select_from(opp.outerjoin(user, (user.c.id == opp.c.owner_id) & user.c.deleted_at.is_(None))
                          .outerjoin(acct, (acct.c.id == opp.c.account_id) & acct.c.deleted_at.is_(None)))
             .where(opp.c.deleted_at.is_(None), opp.c.close_date >= view.start, opp.c.close_date < view.end)
             .order_by(opp.c.amount.desc().nulls_last(), opp.c.id)
             .limit(MAX_DEALS))
    for dim, chosen in view.filters().items():
        query = query.where(func.coalesce(members[dim], UNKNOWN).in_(list(chosen)))
    if as_user is not None:
        query = query.where(visible(opp.c.owner_id, as_user))
    with engine.connect() as conn:
        return tuple(_deal(row._mapping) for row in conn.execute(query))


def _deal(row: Any) -> Deal:
    owner = " ".join(p for p in (row["first_name"], row["last_name"]) if p) or row["email"] or row["owner_id"] or ""
    status = "won" if row["is_won"] else "lost" if row["is_closed"] else "open"
    amount = None if row["amount"] is None else float(row["amount"])
    return Deal(str(row["id"]), row["name"] or str(row["id"]), row["owner_id"], owner, row["account"],
                row["country"], row["team"], row["stage"], status, amount, row["currency"], row["close_date"])
