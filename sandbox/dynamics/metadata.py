"""``EntityDefinitions``: tables, their attributes (cast to a type for type-specific properties), option sets, keys.

Supported shapes (with ``$select``, ``$filter`` and ``$expand`` as the metadata API allows; no paging, everything in
one response):
``EntityDefinitions``, ``EntityDefinitions(LogicalName='account')`` or ``(<MetadataId>)``,
``.../Attributes[/Microsoft.Dynamics.CRM.<Type>AttributeMetadata]``, ``.../Attributes(LogicalName='x')[/<cast>]
[/OptionSet]`` and ``.../Keys``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from sandbox.dynamics import errors
from sandbox.dynamics import metadata_model as mm
from sandbox.dynamics.catalog import Catalog
from sandbox.dynamics.guids import is_guid
from sandbox.dynamics.messages import ApiRequest, ApiResponse
from sandbox.dynamics.odata_bind import Getter, compile_filter
from sandbox.dynamics.query_options import parse_query
from sandbox.dynamics.schema import Attr, Table
from sandbox.dynamics.services import Services

_PATH = re.compile(
    r"^EntityDefinitions(?:\((?P<ekey>[^)]*)\))?"
    r"(?:/(?P<nav>Attributes|Keys)(?:/Microsoft\.Dynamics\.CRM\.(?P<cast1>\w+))?(?:\((?P<akey>[^)]*)\))?"
    r"(?:/Microsoft\.Dynamics\.CRM\.(?P<cast2>\w+))?(?:/(?P<sub>OptionSet|GlobalOptionSet))?)?$"
)
ENTITY_TYPE = "Microsoft.Dynamics.CRM.EntityMetadata"
ATTRIBUTE_TYPE = "Microsoft.Dynamics.CRM.AttributeMetadata"


class DocResolver:
    """``$filter`` over metadata documents, nested complex values addressed as ``RequiredLevel/Value``."""

    def __init__(self, type_name: str, types: dict[str, str]) -> None:
        self.type_name = type_name
        self.types = types

    def resolve(self, segments: tuple[str, ...]) -> tuple[str, Getter]:
        edm = self.types.get("/".join(segments))
        if edm is None or edm in ("complex", "collection"):
            raise errors.no_property(self.type_name, segments[-1])

        def walk(doc: dict[str, Any]) -> Any:
            value: Any = doc
            for segment in segments:
                value = value.get(segment) if isinstance(value, dict) else None
            return value

        return edm, walk


def key_value(text: str, what: str) -> tuple[str, str]:
    text = text.strip()
    if is_guid(text):
        return "MetadataId", text.lower()
    m = re.fullmatch(r"LogicalName='([^']*)'", text)
    if not m:
        raise errors.odata_error(f"The key '{text}' is not valid for {what}.")
    return "LogicalName", m.group(1)


def _project(doc: dict[str, Any], select: list[str] | None, allowed: dict[str, str], type_name: str,
             keep_type: bool = False) -> dict[str, Any]:
    if select is None:
        return dict(doc)
    out: dict[str, Any] = {"@odata.type": doc["@odata.type"]} if keep_type and "@odata.type" in doc else {}
    for name in select:
        if name not in allowed or "/" in name:
            raise errors.no_property(type_name, name)
        out[name] = doc.get(name)
    out["MetadataId"] = doc["MetadataId"]
    return out


class Metadata:
    def __init__(self, catalog: Catalog, tracked: Callable[[Table], bool]) -> None:
        self.catalog = catalog
        self.tracked = tracked

    def entities(self) -> list[tuple[Table, dict[str, Any]]]:
        return [(t, mm.entity(t, tracked=self.tracked(t))) for t in self.catalog.tables()]

    def attributes(self, table: Table) -> list[tuple[Attr, dict[str, Any]]]:
        return [(a, mm.attribute(table, a, i + 1)) for i, a in enumerate(table.attrs)]


def retrieve_entity_definitions(svc: Services, req: ApiRequest, path: str) -> ApiResponse:
    m = _PATH.match(path)
    if not m:
        raise errors.segment_not_found(path.split("/")[-1])
    meta = Metadata(svc.store.catalog, svc.tracker.enabled)
    opts = parse_query(req.query)
    entities = meta.entities()
    if m.group("ekey") is None:
        if m.group("nav"):
            raise errors.odata_error("A navigation needs a single EntityDefinitions entity.")
        docs = entities
        if opts.filter:
            keep = compile_filter(opts.filter, DocResolver(ENTITY_TYPE, mm.ENTITY_TYPES))
            docs = [(t, d) for t, d in docs if keep(d)]
        value = [_entity_doc(meta, t, d, opts.select, opts.expand) for t, d in docs]
        return ApiResponse(200, {"@odata.context": f"{req.api_base}$metadata#EntityDefinitions", "value": value})
    field, wanted = key_value(m.group("ekey"), "EntityDefinitions")
    found = next(((t, d) for t, d in entities if d[field] == wanted), None)
    if found is None:
        raise errors.DataverseError(404, errors.NOT_FOUND, f"Could not find entity with {field} = {wanted}.")
    table, doc = found
    if m.group("nav") == "Keys":
        keys = [{"MetadataId": mm.metadata_id("key", table.logical, k.name), "LogicalName": k.name,
                 "SchemaName": k.name, "EntityLogicalName": table.logical, "KeyAttributes": list(k.attributes),
                 "EntityKeyIndexStatus": "Active", "DisplayName": mm.label(k.label, table.logical, k.name)}
                for k in table.keys]
        return ApiResponse(200, {"@odata.context": f"{req.api_base}$metadata#EntityDefinitions"
                                                   f"({doc['MetadataId']})/Keys", "value": keys})
    if m.group("nav") == "Attributes":
        return _attributes(meta, req, table, doc, m)
    body = _entity_doc(meta, table, doc, opts.select, opts.expand)
    return ApiResponse(200, {"@odata.context": f"{req.api_base}$metadata#EntityDefinitions/$entity", **body})


def _entity_doc(meta: Metadata, table: Table, doc: dict[str, Any], select: list[str] | None,
                expands: list[Any]) -> dict[str, Any]:
    out = _project(doc, select, mm.ENTITY_TYPES, ENTITY_TYPE)
    for expand in expands:
        if expand.nav != "Attributes":
            raise errors.no_property(ENTITY_TYPE, expand.nav)
        out["Attributes"] = [_project(d, expand.select, mm.ATTRIBUTE_TYPES, ATTRIBUTE_TYPE, keep_type=True)
                             for _, d in meta.attributes(table)]
    return out


def _attributes(meta: Metadata, req: ApiRequest, table: Table, entity_doc: dict[str, Any],
                m: re.Match[str]) -> ApiResponse:
    opts = parse_query(req.query)
    cast = m.group("cast1") or m.group("cast2")
    if cast is not None and cast not in mm.CAST_TYPES:
        raise errors.odata_error(f"The type 'Microsoft.Dynamics.CRM.{cast}' is not a valid cast for Attributes.")
    allowed = {**mm.ATTRIBUTE_TYPES, **(mm.CAST_TYPES.get(cast or "", {}))}
    type_name = f"Microsoft.Dynamics.CRM.{cast}" if cast else ATTRIBUTE_TYPE
    docs = [(a, d) for a, d in meta.attributes(table) if cast is None or mm.cast_name(a) == cast]
    base = f"{req.api_base}$metadata#EntityDefinitions({entity_doc['MetadataId']})/Attributes"
    if m.group("akey") is None:
        if opts.filter:
            keep = compile_filter(opts.filter, DocResolver(type_name, allowed))
            docs = [(a, d) for a, d in docs if keep(d)]
        value = [_attribute_doc(table, a, d, opts, allowed, type_name, cast) for a, d in docs]
        suffix = f"/Microsoft.Dynamics.CRM.{cast}" if cast else ""
        return ApiResponse(200, {"@odata.context": base + suffix, "value": value})
    field, wanted = key_value(m.group("akey"), "Attributes")
    found = next(((a, d) for a, d in meta.attributes(table) if d[field] == wanted), None)
    if found is None or (cast is not None and mm.cast_name(found[0]) != cast):
        raise errors.DataverseError(404, errors.NOT_FOUND, f"Could not find attribute with {field} = {wanted}.")
    attr, doc = found
    if m.group("sub"):
        if cast not in mm.OPTION_CASTS:
            raise errors.no_property(type_name, m.group("sub"))
        options = mm.option_set(table, attr) if m.group("sub") == "OptionSet" else None
        if options is None:
            return ApiResponse(204)
        return ApiResponse(200, {"@odata.context": f"{base}({doc['MetadataId']})/{m.group('sub')}/$entity",
                                 **options})
    body = _attribute_doc(table, attr, doc, opts, allowed, type_name, cast)
    return ApiResponse(200, {"@odata.context": f"{base}/$entity", **body})


def _attribute_doc(table: Table, attr: Attr, doc: dict[str, Any], opts: Any, allowed: dict[str, str],
                   type_name: str, cast: str | None) -> dict[str, Any]:
    visible = {k: v for k, v in doc.items() if k in allowed or k == "@odata.type"}
    out = _project(visible, opts.select, allowed, type_name, keep_type=True)
    for expand in opts.expand:
        if expand.nav not in ("OptionSet", "GlobalOptionSet") or cast not in mm.OPTION_CASTS:
            raise errors.no_property(type_name, expand.nav)
        out[expand.nav] = mm.option_set(table, attr) if expand.nav == "OptionSet" else None
    return out
