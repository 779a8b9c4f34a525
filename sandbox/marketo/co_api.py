"""Custom object endpoints: the records (list, describe, query, sync, delete) and the Metadata API (types, fields,
approval).

Query needs ``filterType`` (``idField`` or ``marketoGUID``, ``dedupeFields`` or a single dedupe field, or the link
field: the describe's ``searchableFields``) and ``filterValues`` (at most 300); ``fields`` (default: the GUID, the
dedupe fields, ``createdAt``, ``updatedAt``), ``batchSize`` (at most 300) and ``nextPageToken`` are optional. A
record carries ``seq`` and ``marketoGUID``, then the requested fields that have a value. The compound-key query
(``POST ...?_method=GET`` with a JSON ``input``) is not modelled.
"""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from sandbox.marketo import co_metadata as meta
from sandbox.marketo.api import Api, Call, Reply
from sandbox.marketo.co_schema import DATA_TYPES, LINKABLE
from sandbox.marketo.envelope import MarketoError, blank, invalid
from sandbox.marketo.paging import query_hash
from sandbox.marketo.params import batch_size, int_list, required
from sandbox.marketo.state import State

MAX_FILTER_VALUES = 300


def _body(call: Call) -> dict[str, Any]:
    body = call.json()
    if not isinstance(body, dict):
        raise invalid("Invalid request body")
    return body


def routes(api: Api, state: State) -> list[Route]:
    co = state.customs

    def list_custom_objects(call: Call) -> list[Any]:
        names = set(call.list_param("names"))
        return [t.describe(fields=False) for name, t in sorted(co.registry.types.items())
                if t.approved is not None and (not names or name in names)]

    def describe_custom_object(call: Call) -> list[Any]:
        return [co.registry.approved(call.path("api_name")).describe()]

    def get_custom_objects(call: Call) -> Reply:
        _, version, records = co.of(call.path("api_name"))
        filter_type = required(call, "filterType")
        required(call, "filterValues")
        values = call.list_param("filterValues")
        if not values:
            raise blank("filterValues")
        if len(values) > MAX_FILTER_VALUES:
            raise invalid(f"Too many values in filterValues: at most {MAX_FILTER_VALUES} allowed")
        dedupe = version.dedupe_fields()
        name = {"idField": "marketoGUID", "dedupeFields": dedupe[0] if len(dedupe) == 1 else ""}.get(
            filter_type, filter_type)
        if [name] not in version.searchable():
            raise invalid(f"Invalid filterType '{filter_type}': searchable are "
                          f"{', '.join(','.join(s) for s in version.searchable())}")
        f = version.field(name)
        assert f is not None
        keys: list[Any] = int_list(values, "filterValues") if f.value_type == "integer" else values
        matches = sorted({guid for key in keys for guid in records.find(version, name, key)},
                         key=lambda g: (records.live[g].created, g))
        names = call.list_param("fields") or ["marketoGUID", *dedupe, "createdAt", "updatedAt"]
        unknown = [n for n in names if version.field(n) is None]
        if unknown:
            raise MarketoError("1006", f"Field '{unknown[0]}' not found")
        size = batch_size(call)
        qhash = query_hash(call.path("api_name"), filter_type, ",".join(values))
        offset = 0
        token = call.params.get("nextPageToken")
        if token:
            parsed = state.codec.parse_offset(token, qhash)
            if parsed is None:
                raise invalid("Invalid nextPageToken")
            offset = parsed
        page = matches[offset:offset + size]
        result = [{"seq": i, **records.live[g].render(version, names)} for i, g in enumerate(page)]
        if offset + size < len(matches):
            return Reply(result, {"nextPageToken": state.codec.offset(qhash, offset + size), "moreResult": True})
        return Reply(result, {"moreResult": False})

    def sync_custom_objects(call: Call) -> list[Any]:
        return co.sync(call.path("api_name"), _body(call), now=call.now_ts)

    def delete_custom_objects(call: Call) -> list[Any]:
        return co.delete(call.path("api_name"), _body(call), now=call.now_ts)

    # -- the Metadata API ---------------------------------------------------------------------------------------
    def list_custom_object_types(call: Call) -> list[Any]:
        names = set(call.list_param("names"))
        wanted = call.params.get("state")
        out = []
        for name, t in sorted(co.registry.types.items()):
            if names and name not in names:
                continue
            try:
                out.append(t.schema(wanted))
            except MarketoError:
                continue  # no version in the asked state: left out of a listing
        return out

    def sync_custom_object_type(call: Call) -> list[Any]:
        t = meta.sync_type(co, _body(call), now=call.now_ts)
        return [{"apiName": t.api_name, "status": "updated" if t.approved else "created"}]

    def describe_custom_object_type(call: Call) -> list[Any]:
        return [co.registry.require(call.path("api_name")).schema(call.params.get("state"))]

    def add_custom_object_type_fields(call: Call) -> list[Any]:
        meta.add_fields(co, call.path("api_name"), _body(call), now=call.now_ts)
        return []

    def delete_custom_object_type_fields(call: Call) -> list[Any]:
        meta.delete_fields(co, call.path("api_name"), _body(call), now=call.now_ts)
        return []

    def approve_custom_object_type(call: Call) -> list[Any]:
        meta.approve(co, call.path("api_name"), now=call.now_ts)
        return []

    def discard_custom_object_type_draft(call: Call) -> list[Any]:
        meta.discard(co, call.path("api_name"))
        return []

    def delete_custom_object_type(call: Call) -> list[Any]:
        meta.delete_type(co, call.path("api_name"))
        return []

    def get_field_data_types(call: Call) -> list[Any]:
        return list(DATA_TYPES)

    def get_linkable_objects(call: Call) -> list[Any]:
        out = [{"name": name, "displayName": name.capitalize(),
                "fields": [{"name": f, "displayName": f.capitalize(), "dataType": kind} for f, kind in fields.items()]}
               for name, fields in LINKABLE.items()]
        for name, t in sorted(co.registry.types.items()):
            if t.approved is not None and not t.approved.links():
                out.append({"name": name, "displayName": t.approved.display_name,
                            "fields": [{"name": f.name, "displayName": f.display_name, "dataType": f.value_type}
                                       for f in t.approved.fields if f.dedupe]})
        return out

    schema = "/rest/v1/customobjects/schema"
    return [
        # The schema paths first: "schema" would otherwise read as a custom object's API name.
        api.route(f"{schema}.json", {"GET": list_custom_object_types, "POST": sync_custom_object_type}),
        api.route(f"{schema}/fieldDataTypes.json", {"GET": get_field_data_types}),
        api.route(f"{schema}/linkableObjects.json", {"GET": get_linkable_objects}),
        api.route(f"{schema}/{{api_name}}/describe.json", {"GET": describe_custom_object_type}),
        api.route(f"{schema}/{{api_name}}/addField.json", {"POST": add_custom_object_type_fields}),
        api.route(f"{schema}/{{api_name}}/deleteField.json", {"POST": delete_custom_object_type_fields}),
        api.route(f"{schema}/{{api_name}}/approve.json", {"POST": approve_custom_object_type}),
        api.route(f"{schema}/{{api_name}}/discardDraft.json", {"POST": discard_custom_object_type_draft}),
        api.route(f"{schema}/{{api_name}}/delete.json", {"POST": delete_custom_object_type}),
        api.route("/rest/v1/customobjects.json", {"GET": list_custom_objects}),
        api.route("/rest/v1/customobjects/{api_name}/describe.json", {"GET": describe_custom_object}),
        api.route("/rest/v1/customobjects/{api_name}/delete.json", {"POST": delete_custom_objects}),
        api.route("/rest/v1/customobjects/{api_name}.json", {"GET": get_custom_objects,
                                                             "POST": sync_custom_objects}),
    ]
