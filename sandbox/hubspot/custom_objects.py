"""Custom objects as HubSpot's schemas API defines them: ``POST /crm/v3/schemas`` with a name, labels, properties,
required/searchable/display properties and the objects it associates with.

A custom object gets objectTypeId ``2-<n>`` and fully qualified name ``p<portal>_<name>``; its records are served by
the same objects, search, batch and associations APIs as standard objects, with HubSpot's default properties for
custom objects (``hs_object_id``, ``hs_createdate``, ``hs_lastmodifieddate``, ``hubspot_owner_id``) and a property
group ``<name>_information``. A property in the request needs only ``name`` and ``label`` (``string``/``text``
then). The seeded custom objects are made by the same code, as if an admin had created them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sandbox.hubspot import catalog
from sandbox.hubspot.api_properties import definition
from sandbox.hubspot.errors import ApiError
from sandbox.hubspot.schema import CustomMeta, ObjectSchema, PropertyDef
from sandbox.hubspot.store import Store
from sandbox.hubspot.timefmt import iso
from sandbox.hubspot.types import TypeEntry

NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
FIRST_SCHEMA_ID = 4_815_162  # objectTypeId 2-4815162, 2-4815163, …
# associatedObjects may name standard objects by these, or any object by its objectTypeId / fully qualified name.
ASSOCIATED_NAMES = {"CONTACT": "contacts", "COMPANY": "companies", "DEAL": "deals", "TICKET": "tickets",
                    "LINE_ITEM": "line_items", "PRODUCT": "products", "QUOTE": "quotes"}
_SYSTEM = ("hs_object_id", "hs_createdate", "hs_lastmodifieddate", "hubspot_owner_id")


def _strings(body: Mapping[str, Any], key: str) -> tuple[str, ...]:
    raw = body.get(key) or []
    if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
        raise ApiError(400, f"{key} must be a list of property names")
    return tuple(raw)


def _system_props(schema: ObjectSchema, store: Store, group: str) -> list[PropertyDef]:
    return [
        PropertyDef("hs_object_id", "Record ID", "number", "number", group, kind="id", read_only=True,
                    created_ms=catalog.STANDARD_CREATED_MS),
        catalog.datetime_prop("hs_createdate", "Object create date/time", group, "created"),
        catalog.datetime_prop("hs_lastmodifieddate", "Object last modified date/time", group, "modified"),
        catalog._owner_prop("Owner", group, store.owners),
    ]


def resolve_associated(store: Store, raw: str) -> str:
    name = ASSOCIATED_NAMES.get(raw.strip().upper()) or store.types.resolve(raw)
    if name is None:
        raise ApiError(400, f"associatedObjects: {raw!r} is not an object type of this portal (use CONTACT, COMPANY, "
                            "DEAL, TICKET or an objectTypeId such as 2-123)")
    return name


def create_custom_object(store: Store, body: Mapping[str, Any], now: int) -> ObjectSchema:
    name = str(body.get("name") or "")
    if not NAME_RE.match(name):
        raise ApiError(400, f"name {name!r} must start with a letter and contain only letters, digits and "
                            "underscores")
    fqn = f"p{store.portal_id}_{name}"
    if store.types.resolve(fqn) is not None or store.types.resolve(name) is not None:
        raise ApiError(409, f"An object type named {name} already exists in this portal", "OBJECT_ALREADY_EXISTS")
    labels = body.get("labels")
    if not isinstance(labels, dict) or not labels.get("singular") or not labels.get("plural"):
        raise ApiError(400, "labels needs singular and plural")
    raw_props = body.get("properties") or []
    if not isinstance(raw_props, list) or not raw_props or not all(isinstance(p, dict) for p in raw_props):
        raise ApiError(400, "properties must be a non-empty list of property definitions")
    required, searchable = _strings(body, "requiredProperties"), _strings(body, "searchableProperties")
    secondary = _strings(body, "secondaryDisplayProperties")
    primary = str(body.get("primaryDisplayProperty") or "")
    declared = {str(p.get("name")) for p in raw_props} | set(_SYSTEM)
    for key, names in (("requiredProperties", required), ("searchableProperties", searchable),
                       ("secondaryDisplayProperties", secondary), ("primaryDisplayProperty", (primary,) if primary
                                                                    else ())):
        unknown = [n for n in names if n not in declared]
        if unknown:
            raise ApiError(400, f"{key} names properties the schema does not define: {', '.join(unknown)}")
    targets = [resolve_associated(store, str(a)) for a in body.get("associatedObjects") or []]
    number = FIRST_SCHEMA_ID + len(store.types.custom_names())
    group = f"{name.lower()}_information"
    display = primary or (required[0] if required else "hs_object_id")
    schema = ObjectSchema(
        name=fqn, singular=name, type_id=f"2-{number}", assoc_name=name,
        defaults=("hs_createdate", "hs_lastmodifieddate", "hs_object_id"),
        always=("hs_createdate", "hs_lastmodifieddate", "hs_object_id"), link_targets=(), required=required,
        groups=((group, f"{labels['singular']} information"),), unique_lookup=(),
        custom=CustomMeta(str(number), fqn, (str(labels["singular"]), str(labels["plural"])), display, required,
                          searchable, secondary, str(body.get("description") or ""), now, now),
    )
    for prop in _system_props(schema, store, group):
        schema.add(prop)
    for raw in raw_props:
        full = {"type": "string", "fieldType": "text", "groupName": group, **raw}
        if full["type"] != "string" and "fieldType" not in raw:
            full["fieldType"] = {"number": "number", "date": "date", "datetime": "date", "enumeration": "select",
                                 "bool": "booleancheckbox"}.get(str(full["type"]), "text")
        schema.add(definition(full, schema, now))
    store.add_object(schema, TypeEntry(fqn, name, schema.type_id, custom=True), (f"p_{name}",))
    for target in targets:
        store.associate_types(fqn, target)
    return schema


def schema_json(store: Store, schema: ObjectSchema) -> dict[str, Any]:
    meta = schema.custom
    assert meta is not None
    associations = [
        {"id": str(type_id), "fromObjectTypeId": schema.type_id, "toObjectTypeId": store.schemas[to_type].type_id,
         "name": f"{schema.singular}_to_{store.schemas[to_type].singular}",
         "createdAt": iso(meta.created_ms), "updatedAt": iso(meta.updated_ms)}
        for (from_type, to_type), type_id in store.assoc.types.plain.items() if from_type == schema.name
    ]
    return {
        "id": meta.schema_id, "objectTypeId": schema.type_id, "fullyQualifiedName": meta.fully_qualified_name,
        "name": schema.singular, "labels": {"singular": meta.labels[0], "plural": meta.labels[1]},
        "description": meta.description, "primaryDisplayProperty": meta.primary_display,
        "requiredProperties": list(meta.required), "searchableProperties": list(meta.searchable),
        "secondaryDisplayProperties": list(meta.secondary), "metaType": "PORTAL_SPECIFIC",
        "allowsSensitiveProperties": False, "archived": meta.archived,
        "properties": [p.to_json() for p in schema.props.values()], "associations": associations,
        "createdAt": iso(meta.created_ms), "updatedAt": iso(meta.updated_ms),
    }
