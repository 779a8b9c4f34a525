"""Write a ``KpiRegistry`` into the store's registry tables: kpi_module, kpi_definition, object_model_definition,
kpi_module_member and module_object_model.

The files are the source; the tables are what SQL, the seed's API and the console read. A load replaces all five in
one transaction (a reader never sees half a registry) and is idempotent. A KPI whose definition changed (its
``definition_hash``: sha256 of the canonical JSON of its file's content and of the measures it resolves to) loses
its materialised kpi_value rows in the same transaction: values computed under another definition would be shown as
this one's.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert

from analytics.kpi.catalog import Catalog
from analytics.kpi.registry import KpiRegistry, RegistryModule
from analytics.kpi.schema import KpiFile
from mapping.objectmodels import ObjectModel
from store.tables import (
    kpi_definition,
    kpi_module,
    kpi_module_member,
    kpi_value,
    module_object_model,
    object_model_definition,
)


@dataclass(frozen=True, slots=True)
class LoadReport:
    modules: int
    kpis: int
    object_models: int
    kpi_memberships: int
    model_memberships: int
    values_invalidated: int  # kpi_value rows deleted: their KPI's definition changed or is gone


def definition_hash(kpi: KpiFile, catalog: Catalog | None = None) -> str:
    """sha256 of the KPI's content as canonical JSON, with what its measures resolve to in ``catalog`` (default: the
    shipped one; a shared measure's spec, its entity's facts, the anchor): equal for equal definitions however the
    YAML is laid out, and changed when a shared measure it uses changes under it. kpi_value rows carry the hash they
    were computed under, so a refresh and the store load must hash with the same catalog."""
    catalog = catalog or _shipped_catalog()
    content: dict[str, Any] = {"kpi": kpi.model_dump(mode="json")}
    if kpi.status == "computed":  # the others' sketched measures may not resolve, and compute nothing
        content["measures"] = {role: {"name": m.name, "spec": m.spec.model_dump(mode="json"),
                                      "facts": m.facts.model_dump(mode="json"), "anchor": m.anchor_path}
                               for role, m in catalog.kpi_measures(kpi).items()}
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@cache
def _shipped_catalog() -> Catalog:
    """The package's entities and measures, read once per process: they do not change while it runs."""
    return Catalog.load()


def kpi_metadata(kpi: KpiFile, file: str | None = None) -> dict[str, Any]:
    """The seed's ``metadata_`` of a KPI: everything its file declares (``type`` as ``kpi_type``) and the file."""
    content = kpi.model_dump(mode="json")
    content["kpi_type"] = content.pop("type")
    return {**content, "file": file}


def load_registry(engine: Engine, registry: KpiRegistry, *, now: datetime | None = None) -> LoadReport:
    """Replace the store's registry tables with ``registry``, invalidating the values of changed definitions."""
    now = now or datetime.now(UTC)
    hashes = {code: definition_hash(kpi, registry.catalog) for code, kpi in registry.kpis.items()}
    with engine.begin() as conn:
        invalidated = _invalidate(conn, set(hashes.values()))
        for table in (kpi_module_member, module_object_model, kpi_definition, kpi_module, object_model_definition):
            conn.execute(delete(table))
        _insert(conn, kpi_module, [_module_row(m, now) for m in registry.modules.values()])
        _insert(conn, kpi_definition, [_kpi_row(kpi, hashes[code], registry.files.get(code), now)
                                       for code, kpi in registry.kpis.items()])
        _insert(conn, object_model_definition, [_model_row(m, registry, now) for m in registry.object_models.values()])
        members = [{"module_code": m, "kpi_code": kpi.code} for kpi in registry.kpis.values() for m in kpi.modules]
        _insert(conn, kpi_module_member, members)
        placed = [{"module_code": m.code, "model_code": om.code, "position": i}
                  for m in registry.modules.values() for i, om in enumerate(m.object_models)]
        _insert(conn, module_object_model, placed)
    return LoadReport(modules=len(registry.modules), kpis=len(registry.kpis), object_models=len(registry.object_models),
                      kpi_memberships=len(members), model_memberships=len(placed), values_invalidated=invalidated)


def _invalidate(conn: Connection, current: set[str]) -> int:
    """Delete every kpi_value row not computed under a current definition (changed or removed KPIs alike): a
    definition's hash covers its code, so no two KPIs share one."""
    stale = delete(kpi_value)
    if current:
        stale = stale.where(kpi_value.c.definition_hash.not_in(sorted(current)))
    return conn.execute(stale).rowcount


def _insert(conn: Connection, table: Any, rows: list[dict[str, Any]]) -> None:
    if rows:
        conn.execute(insert(table), rows)


def _module_row(module: RegistryModule, now: datetime) -> dict[str, Any]:
    return {"code": module.code, "name": module.name, "description": module.description, "loaded_at": now,
            "metadata_": {"value_chains": list(module.value_chains), "kpis": module.kpi_codes,
                          "object_models": [m.code for m in module.object_models]}}


def _kpi_row(kpi: KpiFile, digest: str, file: str | None, now: datetime) -> dict[str, Any]:
    return {"code": kpi.code, "name": kpi.name, "description": kpi.description, "kpi_type": kpi.type,
            "status": kpi.status, "unit": kpi.unit, "direction": kpi.direction, "definition_hash": digest,
            "metadata_": kpi_metadata(kpi, file), "loaded_at": now}


def _model_row(model: ObjectModel, registry: KpiRegistry, now: datetime) -> dict[str, Any]:
    metadata = {**model.metadata_, "long_name": model.long_name, "caveat": model.caveat or None,
                "kpis": [kpi.code for kpi in registry.kpis_of_model(model.code)]}
    return {"code": model.code, "name": model.name, "description": model.description, "held_as": model.held_as,
            "metadata_": metadata, "loaded_at": now}
