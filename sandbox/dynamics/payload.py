"""Request bodies of creates and updates as column values, rejected where the OData reader rejects them.

Lookups are written through their navigation properties (``"parentcustomerid_account@odata.bind":
"/accounts(<id>)"``, or ``"$1"`` for a row created earlier in the same change set); writing ``_x_value`` is an unknown
property, as on the real service. Columns that are not valid for create or update (``createdon``, ``fullname``,
``statecode`` on create) are ignored silently, which is what the platform does with them.
"""

from __future__ import annotations

from typing import Any

from sandbox.dynamics import errors, keys
from sandbox.dynamics.schema import Attr, Table
from sandbox.dynamics.store import Ref, Store
from sandbox.dynamics.values import parse_payload_value


def translate(
    table: Table, body: Any, *, store: Store, creating: bool, content_ids: dict[str, str],
) -> tuple[dict[str, Any], str | None]:
    """(column values, the primary key given in the body) from a JSON entity body."""
    if not isinstance(body, dict):
        raise errors.payload_error(table.entity_set, "A JSON object was expected for the entity.")
    values: dict[str, Any] = {}
    record_id: str | None = None
    for key, value in body.items():
        if key.startswith("@"):
            continue  # @odata.type, @odata.etag and friends
        if "@" in key:
            prop, _, annotation = key.partition("@")
            if annotation == "odata.bind":
                target, ref = _bind(table, prop, value, store=store, content_ids=content_ids)
                values[target.name] = ref
            continue
        attr = table.by_prop.get(key)
        if attr is None or attr.is_lookup:
            if key in table.navs and isinstance(value, dict | list):
                raise errors.payload_error(table.entity_set, f"Deep insert through '{key}' is not supported.")
            raise errors.payload_error(
                table.entity_set,
                f"The property '{key}' does not exist on type '{table.type_name}'. Make sure to only use property "
                "names that are defined by the type or mark the type as open type.",
            )
        if key == table.primary_id:
            parsed = parse_payload_value(table, attr, value)
            if creating:
                record_id = parsed
            continue
        if not (attr.create if creating else attr.update):
            continue
        values[attr.name] = parse_payload_value(table, attr, value)
    return values, record_id


def _bind(table: Table, prop: str, value: Any, *, store: Store, content_ids: dict[str, str]) -> tuple[Attr, Ref | None]:
    nav = table.navs.get(prop)
    owner = table.by_name.get("ownerid")
    if nav is None and not (prop == "ownerid" and owner is not None):
        raise errors.payload_error(
            table.entity_set,
            f"An undeclared property '{prop}' which only has property annotations in the payload but no property "
            "value was found in the payload. In OData, only declared navigation properties and declared named "
            "streams can be represented as properties without values.",
        )
    attr = nav[0] if nav else owner
    assert attr is not None
    if value is None:
        return attr, None
    if not isinstance(value, str):
        raise errors.payload_error(table.entity_set, f"The value of '{prop}@odata.bind' must be a URL string.")
    url = content_ids.get(value, value) if value.startswith("$") else value
    if url.startswith("$"):
        raise errors.DataverseError(400, errors.ODATA, f"Content-ID Reference: '{value}' does not exist in the "
                                                       "batch context.")
    target, key_text = keys.parse_entity_url(store.catalog, url)
    allowed = (nav[1],) if nav else attr.targets
    if target.logical not in allowed:
        raise errors.payload_error(
            table.entity_set,
            f"The entity set '{target.entity_set}' is not a valid target of the navigation property '{prop}'.",
        )
    key = keys.parse_key(target, key_text)
    target_id = keys.resolve(store, target, key)
    if target_id is None:
        raise keys.missing(target, key)
    return attr, Ref(target.logical, target_id)

