"""The roles of the web console and what each may see (definitions as data)."""

from __future__ import annotations

from typing import Literal, get_args

from access.errors import AccountError

Role = Literal["admin", "revenue_ops", "manager", "rep", "auditor"]
ROLES: tuple[Role, ...] = get_args(Role)
# Roles that see every row: the KPI engine runs for them with as_user None.
UNSCOPED: frozenset[Role] = frozenset({"admin", "revenue_ops", "auditor"})
# Roles that see what their crm_user sees (the KPI engine's as_user: a manager their team, a rep their own).
SCOPED: frozenset[Role] = frozenset({"manager", "rep"})
# Roles that may manage accounts and tokens of others.
ADMINS: frozenset[Role] = frozenset({"admin"})
_BY_NAME: dict[str, Role] = {role: role for role in ROLES}


def parse_role(text: str, *, where: str = "role") -> Role:
    role = _BY_NAME.get(text.strip().lower().replace("-", "_"))
    if role is None:
        raise AccountError(f"{where}: {text!r} is no role; a role is one of {', '.join(ROLES)}")
    return role
# The admin console (runs, quarantine, write-back): who may read it, and who may act there (replay, retry).
CONSOLE_READERS: frozenset[Role] = frozenset({"admin", "revenue_ops", "auditor"})
CONSOLE_ACTORS: frozenset[Role] = ADMINS
