"""The demo's two console accounts: an admin, and a rep who sees only their own records (``make demo`` prints both,
so a newcomer can sign in at once). Passwords are fresh random ones. The demo's store is new on every run; in a store
that has them already, making them again is refused (Accounts.create), never a silent reset."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import Engine, func, select

from access.accounts import Accounts
from access.audit import CLI
from access.errors import AccountError
from store.tables import crm_user, opportunity

ADMIN, REP = "demo-admin", "demo-rep"


@dataclass(frozen=True, slots=True)
class DemoAccounts:
    admin_password: str
    rep_password: str
    rep_user_id: str  # the crm_user whose scope demo-rep has
    rep_name: str


def busiest_rep(engine: Engine) -> tuple[str, str]:
    """The live crm_user owning the most live opportunities (ties: the lowest id), and their name."""
    owned = (select(opportunity.c.owner_id, func.count().label("n"))
             .where(opportunity.c.deleted_at.is_(None), opportunity.c.owner_id.is_not(None))
             .group_by(opportunity.c.owner_id).subquery())
    query = (select(crm_user.c.id, crm_user.c.first_name, crm_user.c.last_name)
             .join(owned, owned.c.owner_id == crm_user.c.id).where(crm_user.c.deleted_at.is_(None))
             .order_by(owned.c.n.desc(), crm_user.c.id).limit(1))
    with engine.connect() as conn:
        row = conn.execute(query).first()
    if row is None:
        raise AccountError("no live crm_user owns an opportunity: sync the CRMs before making the demo accounts")
    name = " ".join(part for part in (row.first_name, row.last_name) if part) or str(row.id)
    return str(row.id), name


def make_demo_accounts(engine: Engine, accounts: Accounts) -> DemoAccounts:
    rep_id, rep_name = busiest_rep(engine)
    admin_password, rep_password = secrets.token_urlsafe(12), secrets.token_urlsafe(12)
    accounts.create(ADMIN, admin_password, role="admin", actor=CLI, display_name="Demo admin")
    accounts.create(REP, rep_password, role="rep", actor=CLI, display_name=f"Demo rep ({rep_name})",
                    crm_user_id=rep_id)
    return DemoAccounts(admin_password, rep_password, rep_id, rep_name)
