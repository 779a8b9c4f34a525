"""Writing rows: POST create, PATCH upsert with If-Match / If-None-Match, DELETE, and single-property writes.

``PATCH accounts(<id>)`` creates the row when it does not exist (an upsert); ``If-Match: *`` forbids that create
(404), ``If-None-Match: *`` forbids the update (412), and ``If-Match: W/"<version>"`` is optimistic concurrency
(412 ``0x80060882`` when the row has moved on). Alternate keys work the same way, creating the row with the key's
values when none has them.
"""

from __future__ import annotations

from typing import Any

from sandbox.dynamics import errors, keys, payload
from sandbox.dynamics.messages import ApiRequest, ApiResponse
from sandbox.dynamics.query_options import parse_prefer, parse_query
from sandbox.dynamics.render import select_attrs
from sandbox.dynamics.schema import Table
from sandbox.dynamics.services import Services
from sandbox.dynamics.webapi_read import context, find_row, property_attr, table_of


def _entity_headers(req: ApiRequest, table: Table, record_id: str) -> dict[str, str]:
    url = f"{req.api_base}{table.entity_set}({record_id})"
    return {"OData-EntityId": url, "Location": url}


def _written(svc: Services, req: ApiRequest, table: Table, row: list[Any], created: bool) -> ApiResponse:
    record_id = row[table.col[table.primary_id]]
    headers = _entity_headers(req, table, record_id)
    prefs = parse_prefer(req.prefer)
    if not prefs.return_representation:
        return ApiResponse(204, headers=headers)
    opts = parse_query(req.query)
    attrs = select_attrs(table, opts.select)
    body = {"@odata.context": context(req, table, opts.select, [], "/$entity"),
            **svc.renderer.record(table, row, attrs, prefs, [])}
    return ApiResponse(201 if created else 200, body, {**headers, "Preference-Applied": "return=representation"})


def _etag_matches(table: Table, row: list[Any], header: str) -> bool:
    version = row[table.col["versionnumber"]]
    return any(tag.strip() in (f'W/"{version}"', f'"{version}"') for tag in header.split(","))


def create(svc: Services, req: ApiRequest, entity_set: str) -> ApiResponse:
    table = table_of(svc, entity_set)
    select_attrs(table, parse_query(req.query).select)
    values, record_id = payload.translate(table, req.json(), store=svc.store, creating=True,
                                          content_ids=req.content_ids)
    row = svc.records.create(table.logical, values, user=req.user, record_id=record_id)
    return _written(svc, req, table, row, created=True)


def upsert(svc: Services, req: ApiRequest, entity_set: str, key: str) -> ApiResponse:
    table = table_of(svc, entity_set)
    parsed = keys.parse_key(table, key)
    existing_id = keys.resolve(svc.store, table, parsed)
    if_match = req.headers.get("if-match")
    if_none = req.headers.get("if-none-match")
    if if_match and existing_id is None:
        raise keys.missing(table, parsed)
    if if_match and if_match.strip() != "*":
        row = svc.store.get(table.logical, existing_id or "")
        assert row is not None
        if not _etag_matches(table, row, if_match):
            raise errors.DataverseError(412, errors.VERSION_MISMATCH, "The version of the existing record doesn't "
                                                                      "match the RowVersion property provided.")
    if if_none and if_none.strip() == "*" and existing_id is not None:
        raise errors.DataverseError(412, errors.DUPLICATE, "A record with matching key values already exists.")
    body = req.json()
    if existing_id is not None:
        values, _ = payload.translate(table, body, store=svc.store, creating=False, content_ids=req.content_ids)
        row = svc.records.update(table.logical, existing_id, values, user=req.user)
        svc.store.count_save(table.logical, existing_id)
        return _written(svc, req, table, row, created=False)
    values, _ = payload.translate(table, body, store=svc.store, creating=True, content_ids=req.content_ids)
    if parsed.key_name is not None:
        key_def = next(k for k in table.keys if k.name == parsed.key_name)
        values.update(dict(zip(key_def.attributes, parsed.values, strict=True)))
    row = svc.records.create(table.logical, values, user=req.user, record_id=parsed.record_id)
    return _written(svc, req, table, row, created=True)


def delete(svc: Services, req: ApiRequest, entity_set: str, key: str) -> ApiResponse:
    table = table_of(svc, entity_set)
    row = find_row(svc, table, key)
    if_match = req.headers.get("if-match")
    if if_match and if_match.strip() != "*" and not _etag_matches(table, row, if_match):
        raise errors.DataverseError(412, errors.VERSION_MISMATCH, "The version of the existing record doesn't "
                                                                  "match the RowVersion property provided.")
    svc.records.delete(table.logical, row[table.col[table.primary_id]])
    return ApiResponse(204)


def update_property(svc: Services, req: ApiRequest, entity_set: str, key: str, prop: str) -> ApiResponse:
    table = table_of(svc, entity_set)
    property_attr(table, prop)
    body = req.json()
    if not isinstance(body, dict) or "value" not in body:
        raise errors.payload_error(entity_set, "A single property update needs a body {\"value\": ...}.")
    values, _ = payload.translate(table, {prop: body["value"]}, store=svc.store, creating=False,
                                  content_ids=req.content_ids)
    row = find_row(svc, table, key)
    svc.records.update(table.logical, row[table.col[table.primary_id]], values, user=req.user)
    return ApiResponse(204)


def delete_property(svc: Services, req: ApiRequest, entity_set: str, key: str, prop: str) -> ApiResponse:
    table = table_of(svc, entity_set)
    attr = property_attr(table, prop)
    row = find_row(svc, table, key)
    if attr.update and not attr.is_lookup:
        svc.records.update(table.logical, row[table.col[table.primary_id]], {attr.name: None}, user=req.user)
    return ApiResponse(204)


def set_reference(svc: Services, req: ApiRequest, entity_set: str, key: str, nav: str) -> ApiResponse:
    """``PUT accounts(<id>)/primarycontactid/$ref`` with ``{"@odata.id": ".../contacts(<id>)"}``."""
    table = table_of(svc, entity_set)
    body = req.json()
    if not isinstance(body, dict) or not isinstance(body.get("@odata.id"), str):
        raise errors.payload_error(entity_set, "A reference body {\"@odata.id\": \"<entity URL>\"} was expected.")
    values, _ = payload.translate(table, {f"{nav}@odata.bind": body["@odata.id"]}, store=svc.store,
                                  creating=False, content_ids=req.content_ids)
    row = find_row(svc, table, key)
    svc.records.update(table.logical, row[table.col[table.primary_id]], values, user=req.user)
    return ApiResponse(204)


def delete_reference(svc: Services, req: ApiRequest, entity_set: str, key: str, nav: str) -> ApiResponse:
    table = table_of(svc, entity_set)
    values, _ = payload.translate(table, {f"{nav}@odata.bind": None}, store=svc.store, creating=False,
                                  content_ids=req.content_ids)
    row = find_row(svc, table, key)
    svc.records.update(table.logical, row[table.col[table.primary_id]], values, user=req.user)
    return ApiResponse(204)
