"""``/crm/v3/properties/{type}``: definitions, custom properties, groups."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.hubspot.errors import ApiError
from sandbox.hubspot.schema import FIELD_TYPES, TYPES, ObjectSchema, Option, PropertyDef
from sandbox.hubspot.store import Store
from sandbox.hubspot.web import Guard, json_body, object_type

NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
REQUIRED = ("name", "label", "type", "fieldType", "groupName")


def _options(raw: object) -> tuple[Option, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ApiError(400, "options must be a list of {label, value}")
    options = []
    for i, item in enumerate(raw):
        if not isinstance(item, dict) or not item.get("value") or not item.get("label"):
            raise ApiError(400, f"options[{i}] needs a label and a value")
        options.append(Option(str(item["label"]), str(item["value"]), int(item.get("displayOrder", i)),
                              bool(item.get("hidden", False))))
    return tuple(options)


def definition(body: dict[str, Any], schema: ObjectSchema, now: int) -> PropertyDef:
    """A new custom property of ``schema`` from a create request, checked as HubSpot checks it."""
    missing = [f for f in REQUIRED if not body.get(f)]
    if missing:
        raise ApiError(400, f"Missing required fields: {', '.join(missing)}")
    name, ptype, field_type, group = (str(body[f]) for f in ("name", "type", "fieldType", "groupName"))
    if not NAME_RE.match(name):
        raise ApiError(400, f"Property name {name!r} must start with a lower-case letter and contain only "
                            "lower-case letters, digits and underscores")
    if name in schema.props:
        raise ApiError(409, f"Property named '{name}' already exists.", "OBJECT_ALREADY_EXISTS")
    if ptype not in TYPES:
        raise ApiError(400, f"type {ptype!r} is not one of {', '.join(TYPES)}")
    if field_type not in FIELD_TYPES[ptype]:
        raise ApiError(400, f"fieldType {field_type!r} is not valid for type {ptype}; use one of "
                            f"{', '.join(FIELD_TYPES[ptype])}")
    if group not in dict(schema.groups):
        raise ApiError(400, f"Property group {group!r} does not exist for {schema.name}; groups: "
                            f"{', '.join(g for g, _ in schema.groups)}")
    options = _options(body.get("options"))
    if ptype == "bool" and not options:
        options = (Option("Yes", "true", 0), Option("No", "false", 1))
    return PropertyDef(name, str(body["label"]), ptype, field_type, group, options=options,
                       unique=bool(body.get("hasUniqueValue", False)), hidden=bool(body.get("hidden", False)),
                       hubspot_defined=False, description=str(body.get("description", "")), created_ms=now)


@dataclass(frozen=True, slots=True)
class PropertiesApi:
    store: Store

    def _updated(self, body: dict[str, Any], otype: str, name: str) -> PropertyDef:
        """PATCH a property: label, description, group, type/fieldType, options. HubSpot-defined properties have a
        read-only definition; values already stored are kept as they are (every value is a string anyway)."""
        prop = self.store.schemas[otype].props.get(name)
        if prop is None:
            raise ApiError(404, f"Unable to find property {name} on object type {otype}", "OBJECT_NOT_FOUND")
        if prop.hubspot_defined:
            raise ApiError(400, f"Property {name} is HubSpot-defined; its definition is read-only")
        unknown = sorted(set(body) - {"label", "description", "groupName", "type", "fieldType", "options", "hidden",
                                      "displayOrder"})
        if unknown:
            raise ApiError(400, f"Unknown or read-only property attributes: {', '.join(unknown)}")
        ptype = str(body.get("type", prop.type))
        field_type = str(body.get("fieldType", prop.field_type if ptype == prop.type else FIELD_TYPES[ptype][0]))
        if ptype not in TYPES:
            raise ApiError(400, f"type {ptype!r} is not one of {', '.join(TYPES)}")
        if field_type not in FIELD_TYPES[ptype]:
            raise ApiError(400, f"fieldType {field_type!r} is not valid for type {ptype}; use one of "
                                f"{', '.join(FIELD_TYPES[ptype])}")
        options = _options(body["options"]) if "options" in body else prop.options
        return PropertyDef(prop.name, str(body.get("label", prop.label)), ptype, field_type,
                           str(body.get("groupName", prop.group)), options=options, kind=prop.kind,
                           unique=prop.unique, hidden=bool(body.get("hidden", prop.hidden)), hubspot_defined=False,
                           description=str(body.get("description", prop.description)),
                           display_order=int(body.get("displayOrder", prop.display_order)),
                           created_ms=prop.created_ms)

    def routes(self, guard: Guard) -> list[Route]:
        store = self.store

        async def list_properties(request: Request) -> Response:
            otype = object_type(request, store.types)
            return JSONResponse({"results": [p.to_json() for p in store.schemas[otype].props.values()]})

        async def get_property(request: Request) -> Response:
            otype = object_type(request, store.types)
            name = request.path_params["name"]
            prop = store.schemas[otype].props.get(name)
            if prop is None:
                raise ApiError(404, f"Unable to find property {name} on object type {otype}", "OBJECT_NOT_FOUND")
            return JSONResponse(prop.to_json())

        async def create_property(request: Request) -> Response:
            otype = object_type(request, store.types)
            prop = definition(await json_body(request), store.schemas[otype], store.now_ms())
            store.add_property(otype, prop)
            return JSONResponse(prop.to_json(), status_code=201)

        async def update_property(request: Request) -> Response:
            otype = object_type(request, store.types)
            prop = self._updated(await json_body(request), otype, request.path_params["name"])
            store.schemas[otype].props[prop.name] = prop
            return JSONResponse(prop.to_json())

        async def list_property_groups(request: Request) -> Response:
            otype = object_type(request, store.types)
            groups = [{"name": g, "label": label, "displayOrder": i, "archived": False}
                      for i, (g, label) in enumerate(store.schemas[otype].groups)]
            return JSONResponse({"results": groups})

        return [
            guard.route("/crm/v3/properties/{object_type}", list_properties, ["GET"]),
            guard.route("/crm/v3/properties/{object_type}", create_property, ["POST"]),
            guard.route("/crm/v3/properties/{object_type}/groups", list_property_groups, ["GET"]),
            guard.route("/crm/v3/properties/{object_type}/{name}", get_property, ["GET"]),
            guard.route("/crm/v3/properties/{object_type}/{name}", update_property, ["PATCH"]),
        ]
