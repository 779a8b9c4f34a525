"""Reading Marketo activities: every type, in groups of at most ten type ids, each group paged from its own token
kept in the cursor (the first read starts from a token for the distant past).

Deleting a lead in Marketo takes its activities with it, silently. No activity listing finds them: the leads
stream's deletions (``deletedleads``, and the periodic lead id listing for purges) cascade in the store to the
activities whose ``lead_id`` is the deleted lead (``connectors.base.Cascade``); the Delete Lead activities stay
live, as in Marketo. Sync ``leads`` with ``activities``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from connectors.base import ChangeBatch, Cursor, ObjectSpec
from connectors.errors import ApiError, CursorExpired
from connectors.http.paging import MoreResultToken, walk
from connectors.marketo.client import MarketoClient
from connectors.marketo.objects import BATCH, MAX_TYPE_IDS
from connectors.marketo.prefetch import prefetch
from connectors.marketo.state import ActivityState
from connectors.marketo.values import chunks, flatten_activity, parse_instant, wire_instant

BEGINNING = datetime(2006, 1, 1, tzinfo=UTC)
ACTIVITIES = "/rest/v1/activities.json"


class ActivityReader:
    def __init__(self, client: MarketoClient, *, clock: Callable[[], datetime]) -> None:
        self.client, self.clock = client, clock
        self._types: dict[int, str] | None = None

    def types(self) -> dict[int, str]:
        """Activity types (cached for the connector's life: they change when an admin adds a custom type)."""
        if self._types is None:
            body = self.client.get("/rest/v1/activities/types.json", obj="activities")
            self._types = {int(t["id"]): str(t["name"]) for t in body.get("result") or []}
        return self._types

    def describe(self) -> list[dict[str, Any]]:
        return self.client.get("/rest/v1/activities/types.json", obj="activities").get("result") or []

    def groups(self) -> list[str]:
        return [",".join(map(str, g)) for g in chunks(sorted(self.types()), MAX_TYPE_IDS)]

    def read(self, spec: ObjectSpec, since: Cursor, full_refresh: bool) -> Iterator[ChangeBatch]:
        saved = ActivityState() if full_refresh else ActivityState.from_state(
            since.state, connection=self.client.connection, object=spec.name)
        notes: list[str] = []
        tokens = dict(saved.groups)
        starts = {g: tokens.get(g) or self._token(BEGINNING) for g in self.groups()}
        types = self.types()
        before = self.client.calls
        # The type groups page side by side (Marketo allows 10 calls at once): a group's page is fetched while the
        # engine lands the previous one. A batch's cursor holds, per group, the token after its last YIELDED page.
        for group, items, token in prefetch(starts, self._chain):
            tokens[group] = token
            records = [flatten_activity(a, types) for a in items]
            watermark = max([parse_instant(a["activityDate"]) for a in items], default=None)
            cursor = Cursor(watermark or since.watermark, ActivityState(dict(tokens)).to_state())
            calls, before = self.client.calls - before, self.client.calls
            yield ChangeBatch(spec, records, [], cursor, calls, tuple(notes))

    def _chain(self, group: str, start: str) -> Iterator[tuple[list[dict[str, Any]], str]]:
        """One type group's pages from ``start``, each with the token to resume after it: the last page's own token
        too (``moreResult`` false), where the next run starts."""
        def fetch(token: str | None) -> dict[str, Any]:
            return self._page({"activityTypeIds": group, "nextPageToken": token, "batchSize": BATCH})

        token = start
        for body, _ in walk(fetch, MoreResultToken(), start=start, connection=self.client.connection,
                            object="activities"):
            token = str(body.get("nextPageToken") or token)
            yield body.get("result") or [], token

    def _token(self, since: datetime) -> str:
        return str(self.client.get("/rest/v1/activities/pagingtoken.json", {"sinceDatetime": wire_instant(since)},
                                   obj="activities")["nextPageToken"])

    def _page(self, params: dict[str, Any]) -> dict[str, Any]:
        try:
            return self.client.get(ACTIVITIES, params, obj="activities")
        except ApiError as exc:
            if "nextPageToken" in exc.message:
                raise CursorExpired(f"Marketo refused the saved paging token ({exc.message})",
                                    object="activities") from None
            raise


def type_attributes(types: Sequence[dict[str, Any]]) -> list[str]:
    names = {a["name"] for t in types for a in t.get("attributes") or []}
    return sorted(f"attr.{n}" for n in names)


