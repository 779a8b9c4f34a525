"""Read ``definitions/*.yaml`` (one KPI each), check them against each other and the object-model registry, and
resolve them into a ``KpiRegistry``.

Each file is validated by ``schema.KpiFile``; across files: the file is named after its code, codes are unique,
every module, object model and ``needs.model`` a KPI names exists (``mapping/objectmodels``), and a computed KPI's
measures resolve in the engine's catalog (a shared measure that exists, columns the canonical model has, an anchor of
the entity): a KPI the census counts as computed must compile. Every problem is collected and reported together, each
naming its file, so one run lists them all.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable

from analytics.kpi.catalog import Catalog
from analytics.kpi.definition import read_definition
from analytics.kpi.errors import KpiDefinitionError
from analytics.kpi.registry import KpiRegistry, KpiRegistryError, RegistryModule, did_you_mean
from analytics.kpi.schema import KpiFile
from mapping.objectmodels import Registry, shipped_registry

PACKAGE = "analytics.kpi.definitions"
PLACE = "analytics/kpi/definitions"  # how problems name the files


def load_definitions(folder: Traversable | None = None, *, models: Registry | None = None,
                     catalog: Catalog | None = None, place: str = PLACE) -> KpiRegistry:
    """The registry of the KPI files in ``folder`` (default: the shipped ones) on the object models ``models`` and
    the measures of ``catalog`` (default: the shipped ones). ``place`` is how messages name the folder."""
    folder = folder or resources.files(PACKAGE)
    models = models or shipped_registry()
    catalog = catalog or Catalog.load()
    files, problems = _read_all(folder, place)
    problems += _cross_problems(files, models, catalog)
    if problems:
        raise KpiRegistryError(f"the KPI registry is invalid ({len(problems)} problem"
                               f"{'s' if len(problems) != 1 else ''}):\n  " + "\n  ".join(problems))
    return _resolve(files, models, catalog)


def _read_all(folder: Traversable, place: str) -> tuple[dict[str, list[tuple[str, KpiFile]]], list[str]]:
    """(code -> [(file, KPI)], problems); a code two files hold has two entries."""
    files: dict[str, list[tuple[str, KpiFile]]] = {}
    problems: list[str] = []
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        if not path.name.endswith((".yaml", ".yml")):
            continue
        where = f"{place}/{path.name}"
        try:
            kpi = read_definition(path, where)
        except KpiDefinitionError as exc:
            problems.append(str(exc))
            continue
        if path.name != f"{kpi.code.lower()}.yaml":
            problems.append(f"{where}: holds {kpi.code}; name the file {kpi.code.lower()}.yaml")
        files.setdefault(kpi.code, []).append((where, kpi))
    return files, problems


def _cross_problems(files: Mapping[str, list[tuple[str, KpiFile]]], models: Registry,
                    catalog: Catalog) -> list[str]:
    problems: list[str] = []
    for code, holders in files.items():
        if len(holders) > 1:
            problems.append(f"{code} is defined by {len(holders)} files: {', '.join(w for w, _ in holders)}")
        for where, kpi in holders:
            problems += [f"{where}: {p}" for p in _kpi_problems(kpi, models)]
            problems += [f"{where}: {p}" for p in _measure_problems(kpi, catalog)]
    return problems


def _measure_problems(kpi: KpiFile, catalog: Catalog) -> list[str]:
    """A computed KPI's measures resolve; a needs_data or not_computable KPI may sketch measures the store lacks."""
    if kpi.status != "computed":
        return []
    try:
        catalog.kpi_measures(kpi)
    except KpiDefinitionError as exc:
        return [str(exc)]
    return []


def _kpi_problems(kpi: KpiFile, models: Registry) -> list[str]:
    problems = [f"modules: no module {m!r}{did_you_mean(m, models.modules)}" for m in kpi.modules
                if m not in models.modules]
    problems += [f"object_models: no object model {m!r}{did_you_mean(m, models.models)}" for m in kpi.object_models
                 if m not in models.models]
    problems += [f"{key}: {m} is listed twice" for key, codes in (("modules", kpi.modules),
                                                                  ("object_models", kpi.object_models))
                 for m in sorted({c for c in codes if codes.count(c) > 1})]
    if kpi.needs is not None and kpi.needs.model not in models.models:
        wanted = kpi.needs.model
        problems.append(f"needs.model: no object model {wanted!r}{did_you_mean(wanted, models.models)}")
    return problems


def _resolve(files: Mapping[str, list[tuple[str, KpiFile]]], models: Registry, catalog: Catalog) -> KpiRegistry:
    kpis = {code: files[code][0][1] for code in sorted(files)}
    modules = {code: RegistryModule(code=m.code, name=m.name, description=m.description, value_chains=m.value_chains,
                                    kpis=tuple(k for k in kpis.values() if code in k.modules),
                                    object_models=m.object_models)
               for code, m in models.modules.items()}
    return KpiRegistry(kpis=kpis, modules=modules, models=models, catalog=catalog,
                       files={code: holders[0][0] for code, holders in files.items()})


@cache
def shipped_kpi_registry() -> KpiRegistry:
    """The registry crmhub ships, read once per process: the package's files do not change while it runs."""
    return load_definitions()
