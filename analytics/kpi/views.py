"""The documents ``crmhub kpi list|show|census`` print (and ``--json`` emits): the registry as plain data.

``show`` puts a KPI's measures in plain words through the engine's catalog (anything with ``kpi_measures``, which
resolves shared measure names and the KPI's anchor); without one it shows the measure references as written.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from analytics.kpi.census import STATUSES
from analytics.kpi.describe import combination_words, measure_words, status_words
from analytics.kpi.errors import KpiRequestError
from analytics.kpi.registry import KpiRegistry
from analytics.kpi.schema import KpiFile, MeasureRef, MeasureSpec
from errors import ConfigError


class ResolvedMeasure(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def spec(self) -> MeasureSpec: ...
    @property
    def anchor(self) -> str: ...


class MeasureCatalog(Protocol):
    def kpi_measures(self, kpi: KpiFile) -> Mapping[str, ResolvedMeasure]: ...


def select_kpis(registry: KpiRegistry, *, module: str | None = None, status: str | None = None) -> list[KpiFile]:
    """The KPIs of one module (or all) with one status (or any), by code."""
    if status is not None and status not in STATUSES:
        raise KpiRequestError(f"no status {status!r}: a KPI is {', '.join(STATUSES)}")
    kpis = registry.module(module).kpis if module else tuple(registry.kpis.values())
    return [kpi for kpi in kpis if status is None or kpi.status == status]


def summary(kpi: KpiFile) -> dict[str, Any]:
    """What ``kpi list`` shows of one KPI."""
    return {"code": kpi.code, "name": kpi.name, "type": kpi.type, "status": kpi.status, "unit": kpi.unit,
            "direction": kpi.direction, "modules": list(kpi.modules)}


def detail(kpi: KpiFile, registry: KpiRegistry, catalog: MeasureCatalog | None) -> dict[str, Any]:
    """What ``kpi show`` shows: the definition as written, its modules and object models by name, its measures in
    plain words, how they combine, and what it needs or why it cannot be computed."""
    return {
        **summary(kpi), "description": kpi.description, "file": registry.files.get(kpi.code),
        "definition": kpi.model_dump(mode="json", exclude_defaults=True),
        "modules": [{"code": m, "name": registry.module(m).name} for m in kpi.modules],
        "object_models": [{"code": m, "name": registry.object_model(m).name} for m in kpi.object_models],
        "anchor": kpi.anchor, "dimensions": list(kpi.dimensions), "measures": _measures(kpi, catalog),
        "combination": combination_words(kpi) if _has_measures(kpi) else None,
        "status_words": status_words(kpi), "needs": kpi.needs.model_dump() if kpi.needs else None,
        "reason": kpi.reason or None, "caveat": kpi.caveat or None,
    }


def census_document(registry: KpiRegistry) -> dict[str, Any]:
    census = registry.census()
    return {"modules": [{"code": code, "name": registry.module(code).name, **counts.as_dict()}
                        for code, counts in census.modules.items()],
            "memberships": census.memberships.as_dict(), "distinct": census.distinct.as_dict()}


def _refs(kpi: KpiFile) -> dict[str, MeasureRef]:
    roles = (("measure", kpi.measure), ("numerator", kpi.numerator), ("denominator", kpi.denominator))
    return {**{role: ref for role, ref in roles if ref is not None}, **kpi.inputs}


def _has_measures(kpi: KpiFile) -> bool:
    return bool(_refs(kpi))


def _measures(kpi: KpiFile, catalog: MeasureCatalog | None) -> list[dict[str, Any]]:
    refs = _refs(kpi)
    resolved: Mapping[str, ResolvedMeasure] = {}
    problem = None
    if catalog is not None and refs:
        try:
            resolved = catalog.kpi_measures(kpi)
        except ConfigError as exc:  # a needs_data KPI may sketch measures the store cannot resolve yet
            problem = str(exc)
    rows = []
    for role, ref in refs.items():
        found = resolved.get(role)
        rows.append({"role": role, "ref": ref if isinstance(ref, str) else "inline",
                     "name": found.name if found else None, "anchor": found.anchor if found else None,
                     "words": measure_words(found.spec, found.anchor) if found else None,
                     "description": (found.spec.description if found else
                                     ref.description if not isinstance(ref, str) else "") or None,
                     "problem": problem})
    return rows
