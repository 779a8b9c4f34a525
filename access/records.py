"""An account as the services hand it out: never its password hash nor its TOTP seed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import RowMapping

from access.roles import Role


@dataclass(frozen=True, slots=True)
class Account:
    id: int
    username: str
    display_name: str
    role: Role
    crm_user_id: str | None
    mfa_enrolled: bool
    created_at: datetime
    disabled_at: datetime | None

    @property
    def active(self) -> bool:
        return self.disabled_at is None

    def public(self) -> dict[str, Any]:
        """What the API, the CLI's --json and the audit trail show of an account."""
        return {"id": self.id, "username": self.username, "display_name": self.display_name, "role": self.role,
                "crm_user_id": self.crm_user_id, "mfa_enrolled": self.mfa_enrolled,
                "created_at": self.created_at.isoformat(),
                "disabled_at": self.disabled_at.isoformat() if self.disabled_at else None}


def account_of(row: RowMapping) -> Account:
    return Account(id=row["id"], username=row["username"], display_name=row["display_name"],
                   role=cast(Role, row["role"]), crm_user_id=row["crm_user_id"],
                   mfa_enrolled=row["totp_secret"] is not None, created_at=row["created_at"],
                   disabled_at=row["disabled_at"])
