"""Custom tables and columns from the bodies of the metadata API (``EntityMetadata``, ``AttributeMetadata``,
``OneToManyRelationshipMetadata``), checked the way the platform checks them.

A table's ``SchemaName`` carries the customization prefix of one of the organisation's publishers (``new`` for the
default publisher, ``crmhub`` for crmhub's solution); its logical name is the schema name in lower case, its primary
key ``<logical name>id`` and its entity set the logical name made plural. It comes with the columns every custom
table has (audit stamps, owner for a user-owned table, Active/Inactive state) and the one primary name column the
body must define; other columns are added one by one (``POST EntityDefinitions(...)/Attributes``), lookups with
their relationship (``POST RelationshipDefinitions``). Choices a maker defines take values from the publisher's
option value prefix (``100000000`` for ``new``).
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from sandbox.dynamics import errors
from sandbox.dynamics import optionsets as os_
from sandbox.dynamics.catalog import Catalog
from sandbox.dynamics.columns import states, system
from sandbox.dynamics.schema import Attr, Option, OptionSet, Table
from sandbox.dynamics.store import Store

PUBLISHER_PREFIXES = ("new", "crmhub")
FIRST_TYPE_CODE = 10000  # custom tables' ObjectTypeCode starts here
_SCHEMA = re.compile(r"^([A-Za-z][A-Za-z0-9]{1,7})_([A-Za-z][A-Za-z0-9_]*)$")
CASTS: dict[str, str] = {
    "StringAttributeMetadata": "string", "MemoAttributeMetadata": "memo", "IntegerAttributeMetadata": "int",
    "DecimalAttributeMetadata": "decimal", "DoubleAttributeMetadata": "double", "MoneyAttributeMetadata": "money",
    "BooleanAttributeMetadata": "bool", "DateTimeAttributeMetadata": "datetime",
    "PicklistAttributeMetadata": "picklist",
}
CASCADES = {"Cascade": "cascade", "RemoveLink": "removelink"}
_RANGES: dict[str, tuple[float, float]] = {
    "int": (-2147483648, 2147483647), "decimal": (-100_000_000_000.0, 100_000_000_000.0),
    "double": (-100_000_000_000.0, 100_000_000_000.0), "money": (-922337203685477.0, 922337203685477.0),
}


def bad(message: str) -> errors.DataverseError:
    return errors.DataverseError(400, errors.INVALID_ARGUMENT, message)


def label_of(raw: Any, what: str, *, required: bool = True) -> str:
    """The text of a ``Label`` (its first localized label)."""
    labels = raw.get("LocalizedLabels") if isinstance(raw, dict) else None
    if labels and isinstance(labels[0], dict) and isinstance(labels[0].get("Label"), str) and labels[0]["Label"]:
        return str(labels[0]["Label"])
    if required:
        raise bad(f"{what} is required: a Label with at least one LocalizedLabel.")
    return ""


def schema_name(body: dict[str, Any], what: str) -> str:
    name = body.get("SchemaName")
    if not isinstance(name, str) or not name:
        raise bad(f"The SchemaName of the {what} is required.")
    m = _SCHEMA.match(name)
    if m is None or m.group(1).lower() not in PUBLISHER_PREFIXES:
        raise bad(f"The SchemaName '{name}' of the {what} must start with the customization prefix of a publisher "
                  f"of this organization followed by '_' ({', '.join(p + '_' for p in PUBLISHER_PREFIXES)}).")
    return name


def plural(logical: str) -> str:
    if re.search(r"[^aeiou]y$", logical):
        return logical[:-1] + "ies"
    if re.search(r"(s|x|z|ch|sh)$", logical):
        return logical + "es"
    return logical + "s"


def new_table(body: Any, catalog: Catalog) -> tuple[Table, bool]:
    """(the table an ``EntityMetadata`` body defines, whether it asks for ChangeTrackingEnabled)."""
    if not isinstance(body, dict):
        raise bad("An EntityMetadata object was expected.")
    schema = schema_name(body, "table")
    logical = schema.lower()
    if logical in catalog or catalog.by_set(plural(logical)) is not None:
        raise errors.DataverseError(400, errors.DUPLICATE, f"An entity with the name '{logical}' already exists.")
    if body.get("IsActivity"):
        raise bad("Custom activity tables are not emulated by this sandbox.")
    ownership = body.get("OwnershipType", "UserOwned")
    if ownership not in ("UserOwned", "OrganizationOwned"):
        raise bad(f"OwnershipType must be UserOwned or OrganizationOwned, got {ownership!r}.")
    attributes = body.get("Attributes")
    primaries = [a for a in attributes if isinstance(a, dict) and a.get("IsPrimaryName")] \
        if isinstance(attributes, list) else []
    if len(primaries) != 1 or len(attributes or []) != 1:
        raise bad("The Attributes of a new table must hold exactly its primary name column (a "
                  "StringAttributeMetadata with IsPrimaryName true); add other columns afterwards.")
    primary = new_attribute(primaries[0])
    if primary.kind != "string":
        raise bad("The primary name column must be a StringAttributeMetadata.")
    tracked = body.get("ChangeTrackingEnabled", False)
    if not isinstance(tracked, bool):
        raise bad("ChangeTrackingEnabled must be true or false.")
    pk = f"{logical}id"
    customs = sum(1 for t in catalog.tables() if t.custom)
    table = Table(
        logical=logical, entity_set=plural(logical), display=label_of(body.get("DisplayName"), "DisplayName"),
        display_plural=label_of(body.get("DisplayCollectionName"), "DisplayCollectionName"), primary_id=pk,
        primary_name=primary.name, type_code=FIRST_TYPE_CODE + customs, ownership=ownership, schema_name=schema,
        custom=True,
        attrs=(*system(pk, owned=ownership == "UserOwned"), primary, *states(os_.ACTIVE_STATE, os_.ACTIVE_STATUS)),
    )
    return table, tracked


def with_column(table: Table, attr: Attr) -> Table:
    if attr.name in table.by_name:
        raise errors.DataverseError(400, errors.DUPLICATE, f"An attribute with the name '{attr.name}' already exists "
                                                           f"on entity '{table.logical}'.")
    return replace(table, attrs=(*table.attrs, attr))


def new_attribute(body: Any) -> Attr:
    """A column from an ``AttributeMetadata`` body cast to its type (``@odata.type``)."""
    if not isinstance(body, dict):
        raise bad("An AttributeMetadata object was expected.")
    cast = str(body.get("@odata.type", "")).rsplit(".", 1)[-1]
    if cast == "LookupAttributeMetadata":
        raise bad("A lookup column is created with its relationship: POST RelationshipDefinitions with a "
                  "OneToManyRelationshipMetadata.")
    kind = CASTS.get(cast)
    if kind is None:
        raise bad(f"The attribute type '{cast or '(no @odata.type)'}' cannot be created here; expected one of "
                  f"{', '.join(sorted(CASTS))}.")
    schema = schema_name(body, "column")
    required = (body.get("RequiredLevel") or {}).get("Value", "None")
    common: dict[str, Any] = {"required": required, "custom": True, "schema_name": schema}
    label = label_of(body.get("DisplayName"), "DisplayName")
    name = schema.lower()
    if kind in ("string", "memo"):
        fmt = (body.get("FormatName") or {}).get("Value") or body.get("Format") or "Text"
        length = int(body.get("MaxLength") or (100 if kind == "string" else 2000))
        return Attr(name, kind, label, max_length=length, fmt=str(fmt), **common)
    if kind in _RANGES:
        lo, hi = _RANGES[kind]
        return Attr(name, kind, label, min_value=body.get("MinValue", lo), max_value=body.get("MaxValue", hi),
                    **common)
    if kind == "datetime":
        only_date = body.get("Format") == "DateOnly" or (body.get("DateTimeBehavior") or {}).get("Value") == "DateOnly"
        return Attr(name, "date" if only_date else "datetime", label, fmt="DateOnly" if only_date else "DateAndTime",
                    **common)
    return Attr(name, kind, label, options=_options(name, kind, body.get("OptionSet")), **common)


def _options(name: str, kind: str, raw: Any) -> OptionSet:
    if not isinstance(raw, dict):
        raise bad(f"The column '{name}' needs an OptionSet.")
    if kind == "bool":
        true_label = label_of((raw.get("TrueOption") or {}).get("Label"), "TrueOption.Label")
        false_label = label_of((raw.get("FalseOption") or {}).get("Label"), "FalseOption.Label")
        return OptionSet(name, (Option(1, true_label), Option(0, false_label)))
    options = []
    for option in raw.get("Options") or []:
        value = option.get("Value") if isinstance(option, dict) else None
        if not isinstance(value, int) or isinstance(value, bool):
            raise bad(f"Every option of '{name}' needs an integer Value.")
        options.append(Option(value, label_of(option.get("Label"), f"the Label of option {value}")))
    if not options or len({o.value for o in options}) != len(options):
        raise bad(f"The OptionSet of '{name}' needs options with distinct values.")
    return OptionSet(name, tuple(options))


def new_lookup(body: Any, catalog: Catalog) -> tuple[Table, Attr]:
    """(the referencing table, its new lookup column) from a ``OneToManyRelationshipMetadata`` body."""
    if not isinstance(body, dict):
        raise bad("A RelationshipMetadata object was expected.")
    cast = str(body.get("@odata.type", "")).rsplit(".", 1)[-1]
    if cast != "OneToManyRelationshipMetadata":
        raise bad(f"Only OneToManyRelationshipMetadata relationships can be created here, got '{cast}'.")
    schema_name(body, "relationship")
    referenced, referencing = catalog.get(str(body.get("ReferencedEntity"))), catalog.get(
        str(body.get("ReferencingEntity")))
    if referenced is None or referencing is None:
        raise errors.DataverseError(404, errors.NOT_FOUND, "The ReferencedEntity and ReferencingEntity must be "
                                                           "existing tables.")
    if referencing.read_only or referencing.intersect:
        raise bad(f"The table '{referencing.logical}' cannot have new lookup columns.")
    lookup = body.get("Lookup")
    if not isinstance(lookup, dict):
        raise bad("The Lookup (a LookupAttributeMetadata) of the relationship is required.")
    schema = schema_name(lookup, "lookup column")
    delete = (body.get("CascadeConfiguration") or {}).get("Delete", "RemoveLink")
    if delete not in CASCADES:
        raise bad(f"CascadeConfiguration.Delete {delete!r} is not emulated; use Cascade or RemoveLink.")
    nav = str(body.get("ReferencingEntityNavigationPropertyName") or schema)
    if nav in referencing.navs:
        raise errors.DataverseError(400, errors.DUPLICATE, f"The navigation property '{nav}' already exists on "
                                                           f"entity '{referencing.logical}'.")
    attr = Attr(schema.lower(), "lookup", label_of(lookup.get("DisplayName"), "Lookup.DisplayName"),
                required=(lookup.get("RequiredLevel") or {}).get("Value", "None"), targets=(referenced.logical,),
                navs=(nav,), cascade=CASCADES[delete], custom=True, schema_name=schema)
    return referencing, attr


def add_table(store: Store, body: Any) -> tuple[Table, bool]:
    """Create the table an ``EntityMetadata`` body defines; (the table, whether change tracking is asked for)."""
    table, tracked = new_table(body, store.catalog)
    store.add_table(table)
    return table, tracked


def add_column(store: Store, table: Table, body: Any) -> Attr:
    if not table.custom:
        raise bad(f"Columns can only be added to custom tables here; '{table.logical}' is a system table.")
    attr = new_attribute(body)
    store.alter_table(with_column(table, attr))
    return attr


def add_lookup(store: Store, body: Any) -> tuple[Table, Attr]:
    referencing, attr = new_lookup(body, store.catalog)
    store.alter_table(with_column(referencing, attr))
    return referencing, attr
