"""Which rows an account sees: the KPI engine's ``as_user`` for it (None: every row)."""

from __future__ import annotations

from access.errors import NoScope
from access.records import Account
from access.roles import SCOPED, UNSCOPED


def scope_of(account: Account) -> str | None:
    """None for admins, revenue_ops and auditors (everything); the linked crm_user id for managers and reps (the
    engine scopes a manager to their team, a rep to their own rows). A scoped role without a crm_user, or a role this
    code does not know, is refused: never shown everything by mistake."""
    if account.role in UNSCOPED:
        return None
    if account.role in SCOPED and account.crm_user_id:
        return account.crm_user_id
    if account.role in SCOPED:
        raise NoScope(f"account {account.username!r} (role {account.role}) is linked to no crm_user, so it may see "
                      f"nothing: an admin links it with `crmhub users set-role {account.username} {account.role} "
                      f"--crm-user ID`")
    raise NoScope(f"account {account.username!r} has role {account.role!r}, which grants no scope")
