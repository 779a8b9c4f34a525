"""HubSpot *user* ids as owners: a goal target is assigned to ``hs_assignee_user_id``, a user id, while every
other record names its owner by owner id (the owners stream's source id). An owner carries its user's ``userId``, so
the owners list (active and deactivated, read once per read and only when a mapping asks) translates one into the
other: a mapping reads ``hs_assignee_user_id.owner_id`` and refers to the owners stream as usual."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from connectors.base import Record
from connectors.http.paging import JsonPathToken, walk

OWNER_SUFFIX = ".owner_id"
OWNERS_PAGE = 500
_AFTER = JsonPathToken(("paging", "next", "after"))


class OwnersSource(Protocol):
    connection: str

    def owners_page(self, *, after: str | None, archived: bool, limit: int = 500) -> dict[str, Any]: ...


def derived_fields(names: Sequence[str]) -> list[str]:
    """The ``<field>.owner_id`` fields a schema offers for its user-id properties (listed by discover)."""
    return [name + OWNER_SUFFIX for name in names]


class UserOwners:
    def __init__(self, client: OwnersSource, fields: Sequence[str]) -> None:
        self.client = client
        self.wanted = [f.removesuffix(OWNER_SUFFIX) for f in fields if f.endswith(OWNER_SUFFIX)]
        self._by_user: dict[str, str] | None = None

    def fill(self, records: list[Record]) -> None:
        """Set ``<field>.owner_id`` on each record: the owner whose user the field names (None when no owner is)."""
        if not self.wanted or not records:
            return
        by_user = self._owners()
        for record in records:
            for name in self.wanted:
                user = record.get(name)
                record[name + OWNER_SUFFIX] = by_user.get(str(user).split(".")[0]) if user not in (None, "") else None

    def _owners(self) -> dict[str, str]:
        if self._by_user is None:
            by_user: dict[str, str] = {}
            for archived in (False, True):
                def fetch(token: str | None, archived: bool = archived) -> dict[str, Any]:
                    return self.client.owners_page(after=token, archived=archived, limit=OWNERS_PAGE)

                for page, _ in walk(fetch, _AFTER, connection=self.client.connection, object="owners"):
                    for owner in page.get("results") or []:
                        if owner.get("userId") is not None:
                            by_user.setdefault(str(owner["userId"]), str(owner["id"]))
            self._by_user = by_user
        return self._by_user
