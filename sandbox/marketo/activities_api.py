"""Activity endpoints: types, paging tokens, lead activities, lead changes and deleted leads.

The three read endpoints always answer with a ``nextPageToken`` (to keep for the next run) and ``moreResult``;
when nothing is new they leave ``result`` out altogether, as Marketo does. A token that does not decode, or
whose unread activities were purged, is refused with 1003; a missing one with 1002, a blank one with 701.
"""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from sandbox.marketo.activity_log import Query
from sandbox.marketo.activity_model import Activity
from sandbox.marketo.activity_types import ACTIVITY_TYPES, DELETE_LEAD, LEAD_CHANGE_TYPES, TYPES_BY_ID
from sandbox.marketo.api import Api, Call, Reply
from sandbox.marketo.envelope import MarketoError, bad_type, invalid
from sandbox.marketo.fields import BY_NAME
from sandbox.marketo.paging import Position
from sandbox.marketo.params import batch_size, int_list, required
from sandbox.marketo.state import State
from sandbox.marketo.timefmt import parse_iso

MAX_TYPE_IDS = 10
MAX_LEAD_IDS = 30


def routes(api: Api, state: State) -> list[Route]:
    def position(call: Call) -> Position:
        token = required(call, "nextPageToken")
        pos = state.codec.parse_activity(token)
        if pos is None:
            raise invalid("Invalid nextPageToken")
        if state.log.stale(pos, state.horizon()):
            raise invalid("Invalid nextPageToken: the activities after it have been purged")
        return pos

    def lead_ids(call: Call) -> tuple[int, ...]:
        if call.params.get("listId"):
            raise MarketoError("1013", "Static list not found")
        return tuple(int_list(call.list_param("leadIds"), "leadIds", limit=MAX_LEAD_IDS))

    def answer(pos: Position, query: Query, call: Call, render: str) -> Reply:
        page = state.log.page(pos, query, batch=batch_size(call), horizon=state.horizon())
        items: list[Activity] = page.items
        shape = state.shape()
        result = [a.lead_change(shape) if render == "changes" else a.api(shape) for a in items] or None
        return Reply(result, {"nextPageToken": state.codec.activity(page.position), "moreResult": page.more})

    def get_activity_types(call: Call) -> list[Any]:
        return [t.describe() for t in ACTIVITY_TYPES]

    def get_paging_token(call: Call) -> Reply:
        raw = required(call, "sinceDatetime")
        since = parse_iso(raw)
        if since is None:
            raise bad_type(raw, "Date")
        pos = state.log.start(int(since.timestamp()), state.horizon())
        return Reply(None, {"nextPageToken": state.codec.activity(pos)})

    def get_lead_activities(call: Call) -> Reply:
        pos = position(call)
        required(call, "activityTypeIds")
        types = int_list(call.list_param("activityTypeIds"), "activityTypeIds", limit=MAX_TYPE_IDS)
        unknown = [t for t in types if t not in TYPES_BY_ID]
        if unknown:
            raise invalid(f"Invalid activity type id: {unknown[0]}")
        return answer(pos, Query(frozenset(types), lead_ids(call)), call, "activities")

    def get_lead_changes(call: Call) -> Reply:
        pos = position(call)
        required(call, "fields")
        field_ids = set()
        for name in call.list_param("fields"):
            field = BY_NAME.get(name)
            if field is None:
                raise MarketoError("1006", f"Field '{name}' not found")
            field_ids.add(field.id)
        query = Query(frozenset(LEAD_CHANGE_TYPES), lead_ids(call), change_fields=frozenset(field_ids))
        return answer(pos, query, call, "changes")

    def get_deleted_leads(call: Call) -> Reply:
        return answer(position(call), Query(frozenset({DELETE_LEAD})), call, "activities")

    return [
        api.route("/rest/v1/activities/types.json", {"GET": get_activity_types}),
        api.route("/rest/v1/activities/pagingtoken.json", {"GET": get_paging_token}),
        api.route("/rest/v1/activities/leadchanges.json", {"GET": get_lead_changes}),
        api.route("/rest/v1/activities/deletedleads.json", {"GET": get_deleted_leads}),
        api.route("/rest/v1/activities.json", {"GET": get_lead_activities}),
    ]
