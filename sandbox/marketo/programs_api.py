"""Program endpoints: the Asset API's Get Programs, and the Lead Database's program members.

``GET /rest/asset/v1/programs.json``: ``offset``/``maxReturn`` (default 20, at most 200), optional
``earliestUpdatedAt`` + ``latestUpdatedAt`` (both or neither), in id order; when nothing matches Marketo answers
success with a warning and no ``result``. ``GET /rest/v1/programs/{programId}/members.json`` needs ``filterType``
(a searchable member field) and ``filterValues``; a filter other than ``leadId`` refuses programs of more than
100,000 members (1003), as Marketo does. ``GET /rest/v1/programs/members/describe.json`` lists the fields.
"""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from sandbox.marketo.api import Api, Call, Reply
from sandbox.marketo.envelope import MarketoError, bad_type, invalid
from sandbox.marketo.paging import query_hash
from sandbox.marketo.params import batch_size, int_list, int_param, required
from sandbox.marketo.programs import DEFAULT_MEMBER_FIELDS, MEMBER_FIELDS, SEARCHABLE_MEMBER_FIELDS
from sandbox.marketo.state import State
from sandbox.marketo.timefmt import parse_iso

MAX_RETURN = 200
MAX_FILTERED_MEMBERSHIP = 100_000
NO_ASSETS = "No assets found for the given search criteria."


def _instant(call: Call, name: str) -> int | None:
    raw = call.params.get(name)
    if raw is None:
        return None
    parsed = parse_iso(raw)
    if parsed is None:
        raise bad_type(raw, "Date")
    return int(parsed.timestamp())


def routes(api: Api, state: State) -> list[Route]:
    def get_programs(call: Call) -> Reply:
        size = int_param(call, "maxReturn", 20)
        offset = int_param(call, "offset", 0)
        if not 1 <= size <= MAX_RETURN or offset < 0:
            raise invalid(f"maxReturn must be between 1 and {MAX_RETURN}, offset not negative")
        lo, hi = _instant(call, "earliestUpdatedAt"), _instant(call, "latestUpdatedAt")
        if (lo is None) != (hi is None):
            raise invalid("earliestUpdatedAt and latestUpdatedAt must be given together")
        programs = [p for _, p in sorted(state.programs.programs.items())
                    if lo is None or hi is None or lo <= p.updated <= hi]
        page = [p.api() for p in programs[offset:offset + size]]
        if not page:
            return Reply(None, {"warnings": [NO_ASSETS], "errors": []})
        return Reply(page, {"warnings": [], "errors": []})

    def describe_program_members(call: Call) -> list[Any]:
        kinds = {"leadId": "integer", "programId": "integer", "reachedSuccess": "boolean", "acquiredBy": "boolean",
                 "isExhausted": "boolean"}
        dates = {"membershipDate", "createdAt", "updatedAt", "reachedSuccessDate"}
        return [{"name": "API Program Membership", "description": "Map for API program membership fields",
                 "dedupeFields": ["leadId", "programId"],
                 "searchableFields": [[name] for name in SEARCHABLE_MEMBER_FIELDS],
                 "fields": [{"name": n, "displayName": n,
                             "dataType": kinds.get(n, "datetime" if n in dates else "string"),
                             "updateable": False, "crmManaged": False} for n in MEMBER_FIELDS]}]

    def get_program_members(call: Call) -> Reply:
        program = state.programs.programs.get(int(call.path("program_id")))
        if program is None:
            raise MarketoError("1013", "Program not found")
        filter_type = required(call, "filterType")
        required(call, "filterValues")
        values = call.list_param("filterValues")
        if filter_type not in SEARCHABLE_MEMBER_FIELDS:
            raise MarketoError("1003", f"Invalid filterType '{filter_type}'")
        names = call.list_param("fields") or list(DEFAULT_MEMBER_FIELDS)
        unknown = [n for n in names if n not in MEMBER_FIELDS]
        if unknown:
            raise MarketoError("1006", f"Field '{unknown[0]}' not found")
        size = batch_size(call)
        members = state.programs.members[program.id]
        live = state.store.live
        if filter_type == "leadId":
            wanted = set(int_list(values, "filterValues", limit=300))
            picked = sorted(lead for lead in wanted if lead in members and lead in live)
        else:
            if len(members) > MAX_FILTERED_MEMBERSHIP:
                raise invalid(f"Total membership size: {len(members):,} exceeds the limit allowed "
                              f"({MAX_FILTERED_MEMBERSHIP:,}) for the filter")
            if filter_type == "reachedSuccess":
                flags = {v.strip().lower() == "true" for v in values}
                picked = sorted(lead for lead, m in members.items() if m.success in flags and lead in live)
            else:
                statuses = set(values)
                picked = sorted(lead for lead, m in members.items() if m.status in statuses and lead in live)
        qhash = query_hash(program.id, filter_type, ",".join(values))
        offset = 0
        token = call.params.get("nextPageToken")
        if token:
            parsed = state.codec.parse_offset(token, qhash)
            if parsed is None:
                raise invalid("Invalid nextPageToken")
            offset = parsed
        page = picked[offset:offset + size]
        result = [{"seq": i, **members[lead].api(program, lead, names)} for i, lead in enumerate(page)]
        if offset + size < len(picked):
            return Reply(result, {"nextPageToken": state.codec.offset(qhash, offset + size), "moreResult": True})
        return Reply(result, {"moreResult": False})

    return [
        api.route("/rest/asset/v1/programs.json", {"GET": get_programs}),
        api.route("/rest/v1/programs/members/describe.json", {"GET": describe_program_members}),
        api.route("/rest/v1/programs/{program_id:int}/members.json", {"GET": get_program_members}),
    ]
