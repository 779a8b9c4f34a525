"""Driving page loops in one place: a strategy says where the next page is, ``walk`` follows it and refuses a loop.

After dlt's paginators: each CRM pages its own way (HubSpot ``paging.next.after``, Dataverse ``@odata.nextLink``,
Salesforce ``nextRecordsUrl``, Marketo ``nextPageToken`` with ``moreResult``), and a server that hands back a token
it already gave would make a plain ``while True`` read the same pages for ever. ``walk`` remembers every token of
one walk and raises ``RepeatedPageToken`` naming the connection, the object and the token instead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Protocol, TypeVar

from connectors.errors import ApiError

Body = Mapping[str, object]  # one page's decoded JSON body
B = TypeVar("B", bound=Body)  # the caller's own body type comes back unchanged


class RepeatedPageToken(ApiError):
    """The CRM handed back a page token this walk already followed: reading on would loop for ever."""


class Paginator(Protocol):
    def next_token(self, body: Body) -> str | None: ...  # None: that was the last page


@dataclass(frozen=True, slots=True)
class JsonPathToken:
    """The token sits at a path of nested objects (HubSpot: ``("paging", "next", "after")``)."""

    path: tuple[str, ...]

    def next_token(self, body: Body) -> str | None:
        node: object = body
        for key in self.path:
            if not isinstance(node, Mapping):
                return None
            node = node.get(key)
        return str(node) if node not in (None, "") else None


@dataclass(frozen=True, slots=True)
class MoreResultToken:
    """Marketo: ``nextPageToken`` counts only while ``moreResult`` is true (a last page may still carry one)."""

    def next_token(self, body: Body) -> str | None:
        token = body.get("nextPageToken")
        return str(token) if body.get("moreResult") and token else None


def walk(fetch: Callable[[str | None], B], paginator: Paginator, *, start: str | None = None,
         connection: str | None, object: str) -> Iterator[tuple[B, str | None]]:
    """Each page from ``start`` (None: the first page) with the token of the page after it (None after the last)."""
    seen: set[str] = set() if start is None else {start}
    token = start
    while True:
        body = fetch(token)
        token = paginator.next_token(body)
        if token is not None and token in seen:
            raise RepeatedPageToken(f"the CRM repeated a page token already followed in this read: {token[:200]}",
                                    connection=connection, object=object)
        yield body, token
        if token is None:
            return
        seen.add(token)
