"""Tables and columns from ``EntityDefinitions``: what ``discover`` returns and what the reader needs to know.

Type-specific properties are only visible after casting ``Attributes`` to the type (``Targets`` of a lookup, the
``OptionSet`` of a choice), as the real metadata API works; each cast is one call, made in parallel per table.
Custom tables (``IsCustomEntity``) are listed with one call; each is described like the configured tables, so a
custom table not configured yet shows in ``discover`` for a person to map. A configured custom table the
environment does not have is a ``ConfigError`` naming it.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from connectors.base import FieldInfo, ObjectSchema, ObjectSpec, options_of
from connectors.dynamics.client import DynamicsClient
from connectors.dynamics.objects import LABEL_SUFFIX, DynamicsOptions, custom_spec
from connectors.dynamics.values import ETAG, ISO_SUFFIX
from connectors.errors import ApiError, ConfigError

LOOKUPS = ("Lookup", "Customer", "Owner")
ENTITY_SELECT = "LogicalName,EntitySetName,PrimaryIdAttribute,ChangeTrackingEnabled"
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
        self._lock = threading.RLock()  # table() checks custom tables under it

    def table(self, spec: ObjectSpec) -> TableInfo:
        with self._lock:
            if spec.name not in self._tables:
                try:
                    body = self.client.get(_entity_path(spec), object=spec.name, params={"$select": ENTITY_SELECT})
                except ApiError as exc:
                    if exc.status != 404 or not options_of(spec, DynamicsOptions).custom:
                        raise
                    self.check_custom([spec])  # raises, naming the table and the custom tables there are
                    raise
                self._tables[spec.name] = self._checked(spec, _info(body))
            return self._tables[spec.name]

    def entity_set(self, spec: ObjectSpec) -> str:
        """What a request names: a stock table's spec is named by its entity set, a custom table's by its logical
        name (its entity set comes from its metadata, fetched once)."""
        return self.table(spec).entity_set if options_of(spec, DynamicsOptions).custom else spec.name

    def custom_tables(self) -> dict[str, TableInfo]:
        """logical name -> facts, of every custom table of the environment (one call)."""
        body = self.client.get("EntityDefinitions", object="EntityDefinitions",
                               params={"$select": ENTITY_SELECT, "$filter": "IsCustomEntity eq true"})
        return {d["LogicalName"]: _info(d) for d in body.get("value", [])}

    def check_custom(self, specs: Sequence[ObjectSpec], there: dict[str, TableInfo] | None = None) -> None:
        """Every configured custom table exists here, with the primary key custom tables have."""
        wanted = [s for s in specs if options_of(s, DynamicsOptions).custom]
        if not wanted:
            return
        there = self.custom_tables() if there is None else there
        missing = [s.name for s in wanted if s.name not in there]
        if missing:
            names = ", ".join(sorted(there)) or "none"
            by_set = {info.entity_set: logical for logical, info in there.items()}
            hints = "".join(f"; {m} is the entity set of {by_set[m]}: name the table by its logical name"
                            for m in missing if m in by_set)
            raise ConfigError(f"custom table {', '.join(missing)} is not in this Dataverse environment (its custom "
                              f"tables: {names}){hints}; create it or fix the logical name in objects",
                              connection=self.client.connection)
        with self._lock:
            for spec in wanted:
                self._tables[spec.name] = self._checked(spec, there[spec.name])

    def _checked(self, spec: ObjectSpec, info: TableInfo) -> TableInfo:
        if info.primary_id != spec.primary_key:
            raise ConfigError(f"table {info.logical} has primary key {info.primary_id}, crmhub expected "
                              f"{spec.primary_key}", connection=self.client.connection, object=spec.name)
        return info

    def discover(self, specs: Sequence[ObjectSpec]) -> list[ObjectSchema]:
        """The configured tables, then every custom table of the environment not among them (``custom`` set)."""
        there = self.custom_tables()
        self.check_custom(specs, there)
        configured = {s.name for s in specs}
        unconfigured = [custom_spec(name, "") for name in sorted(there) if name not in configured]
        specs = [*specs, *unconfigured]
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
                out.append(ObjectSchema(spec.name, _fields(body.get("Attributes") or [], targets.result(), labels),
                                        custom=bool(body.get("IsCustomEntity"))))
            return out

    def _entity(self, spec: ObjectSpec) -> dict[str, Any]:
        return self.client.get(_entity_path(spec), object=spec.name, params={
            "$select": f"{ENTITY_SELECT},IsCustomEntity",
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
    """Columns under the names rows carry: ``_x_value`` for lookups (plus ``_x_value@<table>`` per target, and
    ``_x_value@isocurrencycode`` for a currency lookup), ``x`` and ``x@label`` for choices; the etag for optimistic
    concurrency on write."""
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
            # the related row's primary name, as the lookup's formatted value carries it
            out.append(FieldInfo(prop + LABEL_SUFFIX, "String", f"{label} (name)", custom, True, False))
            if hits == ("transactioncurrency",):  # the currency's ISO code, looked up by the reader
                out.append(FieldInfo(prop + ISO_SUFFIX, "String", f"{label} (ISO code)", custom, True, False))
        elif kind in CHOICES:
            out.append(FieldInfo(name, kind, label, custom, False, updateable, labels.get(name, ())))
            out.append(FieldInfo(name + LABEL_SUFFIX, "String", f"{label} (label)", custom, True, False,
                                 labels.get(name, ())))
        else:
            out.append(FieldInfo(name, kind, label, custom, False, updateable))
    return tuple(out)
