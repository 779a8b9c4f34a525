"""Tables and columns from ``EntityDefinitions``: what ``discover`` returns and what the reader needs to know.

Type-specific properties are only visible after casting ``Attributes`` to the type (``Targets`` of a lookup, the
``OptionSet`` of a choice), as the real metadata API works; each cast is one call, made in parallel per table.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from connectors.base import FieldInfo, ObjectSchema, ObjectSpec, options_of
from connectors.dynamics.client import DynamicsClient
from connectors.dynamics.objects import LABEL_SUFFIX, DynamicsOptions
from connectors.dynamics.values import ETAG

LOOKUPS = ("Lookup", "Customer", "Owner")
CHOICES = {"Picklist": "PicklistAttributeMetadata", "State": "StateAttributeMetadata",
           "Status": "StatusAttributeMetadata", "Boolean": "BooleanAttributeMetadata"}


@dataclass(frozen=True, slots=True)
class TableInfo:
    logical: str
    entity_set: str
    primary_id: str
    tracked: bool  # ChangeTrackingEnabled


class Catalog:
    """Table facts fetched once per connector (one call per table), and the full schema on ``discover``."""

    def __init__(self, client: DynamicsClient) -> None:
        self.client = client
        self._tables: dict[str, TableInfo] = {}
        self._lock = threading.Lock()

    def table(self, spec: ObjectSpec) -> TableInfo:
        with self._lock:
            if spec.name not in self._tables:
                body = self.client.get(_entity_path(spec), object=spec.name, params={
                    "$select": "LogicalName,EntitySetName,PrimaryIdAttribute,ChangeTrackingEnabled"})
                self._tables[spec.name] = _info(body)
            return self._tables[spec.name]

    def discover(self, specs: Sequence[ObjectSpec]) -> list[ObjectSchema]:
        workers = max(1, min(self.client.max_concurrency, 4 * len(specs)))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="dynamics-discover") as pool:
            jobs = [(spec, pool.submit(self._entity, spec), pool.submit(self._targets, spec),
                     {k: pool.submit(self._options, spec, cast) for k, cast in CHOICES.items()}) for spec in specs]
            out = []
            for spec, entity, targets, options in jobs:
                body = entity.result()
                with self._lock:
                    self._tables[spec.name] = _info(body)
                labels = {name: opts for fut in options.values() for name, opts in fut.result().items()}
                out.append(ObjectSchema(spec.name, _fields(body.get("Attributes") or [], targets.result(), labels)))
            return out

    def _entity(self, spec: ObjectSpec) -> dict[str, Any]:
        return self.client.get(_entity_path(spec), object=spec.name, params={
            "$select": "LogicalName,EntitySetName,PrimaryIdAttribute,ChangeTrackingEnabled",
            "$expand": "Attributes($select=LogicalName,AttributeType,IsValidForUpdate,IsValidForRead,"
                       "IsCustomAttribute,DisplayName)"})

    def _targets(self, spec: ObjectSpec) -> dict[str, tuple[str, ...]]:
        body = self.client.get(f"{_entity_path(spec)}/Attributes/Microsoft.Dynamics.CRM.LookupAttributeMetadata",
                               object=spec.name, params={"$select": "LogicalName,Targets"})
        return {a["LogicalName"]: tuple(a.get("Targets") or ()) for a in body.get("value", [])}

    def _options(self, spec: ObjectSpec, cast: str) -> dict[str, tuple[str, ...]]:
        body = self.client.get(f"{_entity_path(spec)}/Attributes/Microsoft.Dynamics.CRM.{cast}", object=spec.name,
                               params={"$select": "LogicalName", "$expand": "OptionSet"})
        return {a["LogicalName"]: _option_labels(a.get("OptionSet") or {}) for a in body.get("value", [])}


def _entity_path(spec: ObjectSpec) -> str:
    return f"EntityDefinitions(LogicalName='{options_of(spec, DynamicsOptions).logical}')"


def _info(body: dict[str, Any]) -> TableInfo:
    return TableInfo(body["LogicalName"], body["EntitySetName"], body["PrimaryIdAttribute"],
                     bool(body.get("ChangeTrackingEnabled")))


def _label(doc: Any) -> str:
    user = (doc or {}).get("UserLocalizedLabel") or {}
    return str(user.get("Label") or "")


def _option_labels(option_set: dict[str, Any]) -> tuple[str, ...]:
    if option_set.get("OptionSetType") == "Boolean":
        return tuple(f"{o['Value']}={_label(o.get('Label'))}" for o in (option_set.get("FalseOption"),
                                                                        option_set.get("TrueOption")) if o)
    return tuple(f"{o['Value']}={_label(o.get('Label'))}" for o in option_set.get("Options") or [])


def _fields(attributes: list[dict[str, Any]], targets: dict[str, tuple[str, ...]],
            labels: dict[str, tuple[str, ...]]) -> tuple[FieldInfo, ...]:
    """Columns under the names rows carry: ``_x_value`` for lookups (plus ``_x_value@<table>`` per target),
    ``x`` and ``x@label`` for choices; the etag for optimistic concurrency on write."""
    out = [FieldInfo(ETAG, "ETag", "Row version (for If-Match)")]
    for a in attributes:
        if a.get("IsValidForRead") is False:
            continue
        name, kind, label = a["LogicalName"], str(a.get("AttributeType", "")), _label(a.get("DisplayName"))
        custom, updateable = bool(a.get("IsCustomAttribute")), bool(a.get("IsValidForUpdate"))
        if kind in LOOKUPS:
            prop = f"_{name}_value"
            hits = targets.get(name, ())
            # Lookups are written through navigation properties (``x@odata.bind``), never as ``_x_value``.
            out.append(FieldInfo(prop, kind, label, custom, False, False, hits))
            out += [FieldInfo(f"{prop}@{t}", kind, f"{label} ({t})", custom, True, False, (t,)) for t in hits]
        elif kind in CHOICES:
            out.append(FieldInfo(name, kind, label, custom, False, updateable, labels.get(name, ())))
            out.append(FieldInfo(name + LABEL_SUFFIX, "String", f"{label} (label)", custom, True, False,
                                 labels.get(name, ())))
        else:
            out.append(FieldInfo(name, kind, label, custom, False, updateable))
    return tuple(out)
