"""Lead endpoints: Describe, Describe2, Get Lead by Id, Get Leads by Filter Type, Sync Leads, Delete Leads."""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from sandbox.marketo import mutations
from sandbox.marketo.api import Api, Call, Reply
from sandbox.marketo.envelope import MarketoError, bad_type, blank, invalid, missing, reason
from sandbox.marketo.fields import BY_NAME, DEFAULT_FIELDS, LEAD_FIELDS, LOOKUP_FIELDS, FieldValueError, coerce
from sandbox.marketo.paging import query_hash
from sandbox.marketo.params import MAX_BATCH, batch_size, int_list, required
from sandbox.marketo.state import State

MAX_FILTER_VALUES = 300
MAX_MATCHES = 1000
ACTIONS = ("createOrUpdate", "createOnly", "updateOnly", "createDuplicate")


def field_not_found(name: str) -> MarketoError:
    return MarketoError("1006", f"Field '{name}' not found")


def requested_fields(call: Call) -> list[str]:
    names = call.list_param("fields") or list(DEFAULT_FIELDS)
    for name in names:
        if name not in BY_NAME:
            raise field_not_found(name)
    return names


def routes(api: Api, state: State) -> list[Route]:
    def describe_lead(call: Call) -> list[Any]:
        return [f.describe() for f in LEAD_FIELDS]

    def describe_lead2(call: Call) -> list[Any]:
        searchable = [[f.name] for f in LEAD_FIELDS if f.searchable]
        return [{"name": "API Lead", "searchableFields": searchable, "fields": [f.describe2() for f in LEAD_FIELDS]}]

    def get_lead_by_id(call: Call) -> list[Any]:
        lead = state.store.get(int(call.path("lead_id")))
        return [lead.render(requested_fields(call))] if lead else []

    def get_leads(call: Call) -> Reply:
        filter_type = required(call, "filterType")
        required(call, "filterValues")
        values = call.list_param("filterValues")
        if not values:
            raise blank("filterValues")
        names = requested_fields(call)
        size = batch_size(call)
        field = BY_NAME.get(filter_type)
        if field is None:
            raise field_not_found(filter_type)
        if not field.searchable:
            raise MarketoError("1011", f"Field '{filter_type}' not supported")
        if len(values) > MAX_FILTER_VALUES:
            raise invalid(f"Too many values in filterValues: at most {MAX_FILTER_VALUES} allowed")
        keys: list[Any] = int_list(values, "filterValues") if field.data_type == "integer" else values
        matches = sorted({lead_id for key in keys for lead_id in state.store.find(filter_type, key)})
        if len(matches) > MAX_MATCHES:
            raise invalid("Too many results match the filter")
        qhash = query_hash(filter_type, ",".join(values))
        offset = 0
        token = call.params.get("nextPageToken")
        if token:
            parsed = state.codec.parse_offset(token, qhash)
            if parsed is None:
                raise invalid("Invalid nextPageToken")
            offset = parsed
        page = matches[offset:offset + size]
        result = [lead.render(names) for lead_id in page if (lead := state.store.get(lead_id))]
        more = offset + size < len(matches)
        if more or token:
            # The last page of a paged read carries a token too, with moreResult false, as Marketo's can: only
            # moreResult says whether there is more.
            return Reply(result, {"nextPageToken": state.codec.offset(qhash, offset + size), "moreResult": more})
        return Reply(result)

    def sync_leads(call: Call) -> list[Any]:
        body = call.json()
        if not isinstance(body, dict):
            raise invalid("Invalid request body")
        action = body.get("action") or "createOrUpdate"
        if action not in ACTIONS:
            raise invalid(f"Invalid action '{action}'")
        lookup = body.get("lookupField") or "email"
        if lookup not in BY_NAME:
            raise field_not_found(lookup)
        if lookup not in LOOKUP_FIELDS:
            raise MarketoError("1011", f"Field '{lookup}' not supported")
        partition = body.get("partitionName")
        if partition not in (None, "Default"):
            raise invalid(f"Partition '{partition}' not found")
        records = body.get("input")
        if records is None:
            raise missing("input")
        if not isinstance(records, list):
            raise invalid("input must be an array")
        if len(records) > MAX_BATCH:
            raise invalid(f"Too many records in input: at most {MAX_BATCH} allowed")
        return [_sync_one(state, record, action=action, lookup=lookup, now=call.now_ts) for record in records]

    def delete_leads(call: Call) -> list[Any]:
        body = call.json()
        records = body.get("input") if isinstance(body, dict) else None
        if records is None:
            raise missing("input")
        if not isinstance(records, list) or len(records) > MAX_BATCH:
            raise invalid(f"input must be an array of at most {MAX_BATCH} records")
        out: list[dict[str, Any]] = []
        for record in records:
            lead_id = record.get("id") if isinstance(record, dict) else None
            if not isinstance(lead_id, int) or isinstance(lead_id, bool):
                out.append({"status": "skipped", "reasons": [reason("1003", "Invalid data")]})
            elif state.mutations.delete(lead_id, now=call.now_ts):
                out.append({"id": lead_id, "status": "deleted"})
            else:
                out.append({"id": lead_id, "status": "skipped", "reasons": [reason("1004", "Lead not found")]})
        return out

    return [
        api.route("/rest/v1/leads/describe.json", {"GET": describe_lead}),
        api.route("/rest/v1/leads/describe2.json", {"GET": describe_lead2}),
        api.route("/rest/v1/leads/delete.json", {"POST": delete_leads}),
        api.route("/rest/v1/lead/{lead_id:int}.json", {"GET": get_lead_by_id}),
        api.route("/rest/v1/leads.json", {"GET": get_leads, "POST": sync_leads}),
    ]


def _skip(code: str, message: str) -> dict[str, Any]:
    return {"status": "skipped", "reasons": [reason(code, message)]}


def _sync_one(state: State, record: Any, *, action: str, lookup: str, now: int) -> dict[str, Any]:
    if not isinstance(record, dict):
        return _skip("1003", "Invalid data")
    changes: dict[str, Any] = {}
    for name, value in record.items():
        field = BY_NAME.get(name)
        if field is None:
            return _skip("1006", f"Field '{name}' not found")
        if name == "id":
            if action != "updateOnly" or lookup != "id":
                return _skip("1003", "Invalid data: 'id' can only be used as lookupField with updateOnly")
            continue
        if field.read_only:
            return _skip("1003", f"Field '{name}' is not updateable")
        try:
            changes[name] = coerce(field, value)
        except FieldValueError as exc:
            return _skip("1003", str(exc))
    key = record.get(lookup)
    if lookup == "id" and key is not None and not isinstance(key, int):
        try:
            key = int(key)
        except (TypeError, ValueError):
            return _skip("1003", str(bad_type(key, "Integer").message))
    matches = state.store.find(lookup, key) if key not in (None, "") else []
    if action in ("createOrUpdate", "updateOnly") and key in (None, ""):
        return _skip("1003", f"Value for lookup field '{lookup}' not specified")
    if action == "createOnly":
        email = changes.get("email")
        if matches or (email and state.store.find("email", email)):
            return _skip("1005", "Lead already exists")
    if action in ("createOrUpdate", "updateOnly") and len(matches) > 1:
        return _skip("1007", "Multiple leads match the lookup criteria")
    if action == "updateOnly" and not matches:
        return _skip("1004", "Lead not found")
    if action in ("createOrUpdate", "updateOnly") and matches:
        lead = state.store.get(matches[0])
        assert lead is not None
        state.mutations.update(lead, changes, now=now, source=mutations.API)
        return {"id": lead.id, "status": "updated"}
    if key not in (None, "") and lookup not in changes and not BY_NAME[lookup].read_only:
        changes[lookup] = key
    lead = state.mutations.create(changes, now=now, source=mutations.API)
    return {"id": lead.id, "status": "created"}
