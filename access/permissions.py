"""Whether an account's role may do a thing: refused with the roles that may, never silently narrowed."""

from __future__ import annotations

from collections.abc import Set

from access.errors import NotPermitted
from access.records import Account
from access.roles import Role


def require_role(account: Account, roles: Set[Role], what: str) -> None:
    if account.role not in roles:
        raise NotPermitted(f"{what} needs the role {' or '.join(sorted(roles))}; {account.username} is "
                           f"{account.role}")
