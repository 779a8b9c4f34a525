"""Closed deals and what each one belongs to, read from the canonical store.

Open deals are kept beside the closed ones (``open``) so a cell can also say how many of its deals are still open
and its win rate over all its deals, the figure many published analyses report; every test and interval is over
closed deals only. A period (``start``/``end``) filters both by close date (expected, for an open deal); an open
deal without one is counted only when no period is given.

A deal belongs to exactly one member of the single-valued dimensions (rep, team, segment, region, territory) and to
any number of members of the multi-valued ones (competitor, product): a deal against two competitors counts in both
competitors' cells. A deal with no member of a dimension counts under ``NONE`` so the cells still add up.

- closed: ``is_closed`` true; won: ``is_won`` true (a closed deal whose ``is_won`` is empty is a loss, as in the KPI
  engine's ``WIN_RATE_CLOSED``). Deleted rows (``deleted_at`` set) are left out everywhere.
- segment: the account's ``tier``, else its ``industry``; region: the account's ``country``.
- territory: as the KPI engine's dimension (analytics/kpi/dims.py), resolved in ``territories``.
- competitor: ``competitor.name`` through ``competitor_id``, else the link row's own ``competitor_name``.
- product: ``product.name`` through ``product_id``, else the line item's ``name``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd
from sqlalchemy import Connection, Engine, and_, func, select

from analytics.winloss.territories import deal_territories
from store.tables import (
    account,
    competitor,
    crm_user,
    line_item,
    opportunity,
    opportunity_competitor,
    product,
    territory,
    territory_assignment,
)

NONE = "(none)"
SINGLE = ("rep", "team", "segment", "region", "territory", "industry")
MULTI = ("competitor", "product")
DIMENSIONS = SINGLE + MULTI
DEAL_COLUMNS = ["id", "is_won", "amount", "close_date", "rep", "team", "segment", "region", "industry", "account_id"]


@dataclass(frozen=True)
class ClosedDeals:
    """``deals``: one row per closed deal (index: deal id); ``open``: the open deals, same columns; ``links``: per
    multi-valued dimension, (deal id, member) pairs of both, at most one per pair; ``names``: display names of ids
    (reps, territories)."""

    deals: pd.DataFrame
    links: dict[str, pd.DataFrame]
    names: dict[str, dict[str, str]] = field(default_factory=dict)
    open: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=DEAL_COLUMNS))

    def members(self, dim: str, *, of_open: bool = False) -> pd.DataFrame:
        """(id, member) pairs of ``dim`` over the closed deals (the open ones with ``of_open``): one per deal for a
        single-valued dimension, NONE where a deal has none."""
        frame = self.open if of_open else self.deals
        if dim in SINGLE:
            return pd.DataFrame({"id": frame.index, "member": frame[dim].fillna(NONE).astype(str).values})
        linked = self.links[dim]
        linked = linked[linked["id"].isin(frame.index)]
        missing = frame.index.difference(pd.Index(linked["id"].unique()))
        return pd.concat([linked, pd.DataFrame({"id": missing, "member": NONE})], ignore_index=True)


def load_closed(engine: Engine, *, start: date | None = None, end: date | None = None) -> ClosedDeals:
    """Deals whose close date is within [start, end] (inclusive; a missing bound is open), closed and open apart."""
    with engine.connect() as conn:
        deals = _deals(conn, start, end)
        ids = set(deals.index)
        links = {"competitor": _competitors(conn, ids), "product": _products(conn, ids)}
        assignments = _assignments(conn)
        names = {"territory": _names(conn, territory.c.id, territory.c.name),
                 "rep": _names(conn, crm_user.c.id, crm_user.c.last_name)}
    deals["territory"] = deal_territories(deals, assignments)
    closed = deals["is_closed"]
    return ClosedDeals(deals[closed].drop(columns="is_closed"), links, names,
                       open=deals[~closed].drop(columns="is_closed"))


def _deals(conn: Connection, start: date | None, end: date | None) -> pd.DataFrame:
    o, a, u = opportunity.c, account.c, crm_user.c
    query = (select(o.id, o.is_closed, o.is_won, o.amount, o.close_date, o.owner_id.label("rep"), u.team,
                    a.tier, a.industry, a.country.label("region"), o.account_id)
             .select_from(opportunity
                          .outerjoin(account, and_(a.id == o.account_id, a.deleted_at.is_(None)))
                          .outerjoin(crm_user, and_(u.id == o.owner_id, u.deleted_at.is_(None))))
             .where(o.deleted_at.is_(None)))
    if start is not None:
        query = query.where(o.close_date >= start)
    if end is not None:
        query = query.where(o.close_date <= end)
    rows = pd.DataFrame(conn.execute(query).mappings().all(),
                        columns=["id", "is_closed", "is_won", "amount", "close_date", "rep", "team", "tier",
                                 "industry", "region", "account_id"])
    rows["is_closed"] = rows["is_closed"].fillna(False).astype(bool)
    rows["is_won"] = rows["is_won"].fillna(False).astype(bool) & rows["is_closed"]
    rows["amount"] = pd.to_numeric(rows["amount"], errors="coerce").astype(float)
    rows["segment"] = rows["tier"].where(rows["tier"].notna(), rows["industry"])
    rows["close_date"] = pd.to_datetime(rows["close_date"])
    return rows[[*DEAL_COLUMNS, "is_closed"]].set_index("id", drop=False).sort_index()


def _pairs(rows: list[tuple[object, object]], ids: set[str]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["id", "member"])
    frame = frame[frame["id"].isin(ids) & frame["member"].notna()]
    frame = frame.assign(id=frame["id"].astype(str), member=frame["member"].astype(str).str.strip())
    return frame[frame["member"] != ""].drop_duplicates().reset_index(drop=True)


def _competitors(conn: Connection, ids: set[str]) -> pd.DataFrame:
    oc, c = opportunity_competitor.c, competitor.c
    name = func.coalesce(c.name, oc.competitor_name)
    rows = conn.execute(select(oc.opportunity_id, name)
                        .select_from(opportunity_competitor.outerjoin(
                            competitor, and_(c.id == oc.competitor_id, c.deleted_at.is_(None))))
                        .where(oc.deleted_at.is_(None))).all()
    return _pairs([(r[0], r[1]) for r in rows], ids)


def _products(conn: Connection, ids: set[str]) -> pd.DataFrame:
    li, p = line_item.c, product.c
    rows = conn.execute(select(li.opportunity_id, func.coalesce(p.name, li.name))
                        .select_from(line_item.outerjoin(product, and_(p.id == li.product_id,
                                                                       p.deleted_at.is_(None))))
                        .where(li.deleted_at.is_(None))).all()
    return _pairs([(r[0], r[1]) for r in rows], ids)


def _assignments(conn: Connection) -> pd.DataFrame:
    ta = territory_assignment.c
    return pd.DataFrame(conn.execute(
        select(ta.id, ta.territory_id, ta.user_id, ta.account_id, ta.effective_from, ta.effective_to)
        .where(ta.deleted_at.is_(None), ta.territory_id.is_not(None))).mappings().all(),
        columns=["id", "territory_id", "user_id", "account_id", "effective_from", "effective_to"])


def _names(conn: Connection, key: object, label: object) -> dict[str, str]:
    return {str(i): str(n) for i, n in conn.execute(select(key, label)) if n is not None}  # type: ignore[call-overload]
