"""The fields discover lists for a HubSpot custom object: its schema's properties, and one
``associations.<type>`` field per object type the schema associates it with (the first associated record's id, which
the reader fills). A custom object's references are associations, not properties, so without these fields a custom
object kept as a raw table would lose them; a mapping asks for them by the same name."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from connectors.base import FieldInfo

# HubSpot's objectTypeIds of its standard objects (CRM API "object types"), by the names crmhub reads them under.
STANDARD_TYPE_NAMES = {"0-1": "contacts", "0-2": "companies", "0-3": "deals", "0-5": "tickets", "0-7": "products",
                       "0-8": "line_items", "0-14": "quotes", "0-27": "tasks", "0-46": "notes", "0-47": "meetings",
                       "0-48": "calls", "0-49": "emails"}


def custom_fields(schema: dict[str, Any], portal: Sequence[dict[str, Any]],
                  field: Callable[[dict[str, Any]], FieldInfo]) -> tuple[FieldInfo, ...]:
    """``schema``'s properties (through ``field``) and its association fields; ``portal`` is every custom object's
    schema, to name an association with another custom object ``p_<name>``."""
    names = STANDARD_TYPE_NAMES | {str(s.get("objectTypeId")): f"p_{s.get('name')}" for s in portal}
    targets = dict.fromkeys(names[t] for a in schema.get("associations") or []
                            if (t := str(a.get("toObjectTypeId"))) in names)
    return (*(field(p) for p in schema.get("properties", [])),
            *(FieldInfo(f"associations.{t}", "string", f"the first associated {t} record's id (crmhub)",
                        calculated=True, updateable=False) for t in targets))
