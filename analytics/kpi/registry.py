"""The loaded KPI registry: every KPI by code, the 13 modules with their KPIs and object models, and the census.

``loader.load_definitions`` builds it from ``definitions/*.yaml`` and ``mapping.objectmodels``; it is plain data, read
by the store load (``store_load``), the seed's API (``definitions``) and the CLI (``crmhub kpi``).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from analytics.kpi.catalog import Catalog
from analytics.kpi.census import Census, census_of
from analytics.kpi.errors import KpiDefinitionError, KpiRequestError
from analytics.kpi.schema import KpiFile
from mapping.objectmodels import ObjectModel, ObjectModelError, Registry


class KpiRegistryError(KpiDefinitionError):
    """A KPI definition file that cannot work, or the registry they make together: names the file and the field."""


class UnknownCode(KpiRequestError, KeyError):
    """A KPI, module or object-model code the registry does not hold; names the close matches.

    A ``KeyError`` because the seed's ``get_*`` are lookups by key; a request error (a ``ConfigError``) because a
    person mistyped a code (the CLI turns it into exit code 2).
    """

    def __str__(self) -> str:  # KeyError's own str() would print the message as a quoted repr
        return str(self.args[0]) if self.args else ""


@dataclass(frozen=True, slots=True)
class RegistryModule:
    """One analytics module: the seed's facts (mapping/objectmodels/modules.yaml), its KPIs and its object models."""

    code: str
    name: str
    description: str
    value_chains: tuple[str, ...]
    kpis: tuple[KpiFile, ...]  # by code
    object_models: tuple[ObjectModel, ...]  # in modules.yaml's (the seed's) order

    @property
    def kpi_codes(self) -> list[str]:
        return [kpi.code for kpi in self.kpis]


@dataclass(frozen=True, slots=True)
class KpiRegistry:
    kpis: Mapping[str, KpiFile]  # by code, in code order
    modules: Mapping[str, RegistryModule]  # by code, in modules.yaml's order
    models: Registry  # the object models (mapping.objectmodels), which the modules share with the KPIs
    catalog: Catalog  # the entities and shared measures the computed KPIs resolve in (checked at load)
    files: Mapping[str, str]  # KPI code -> the file it was read from (for messages)

    @property
    def object_models(self) -> Mapping[str, ObjectModel]:
        return self.models.models

    def kpi(self, code: str) -> KpiFile:
        found = self.kpis.get(code.upper())
        if found is None:
            names = [*self.kpis, *(k.name for k in self.kpis.values())]
            raise UnknownCode(f"no KPI {code!r}{did_you_mean(code, names)}; `crmhub kpi list` lists the "
                              f"{len(self.kpis)} KPIs")
        return found

    def module(self, code: str) -> RegistryModule:
        found = self.modules.get(code.upper())
        if found is None:
            raise UnknownCode(f"no module {code!r}{did_you_mean(code.upper(), list(self.modules))}; modules: "
                              f"{', '.join(self.modules)}")
        return found

    def object_model(self, code: str) -> ObjectModel:
        """A model by code, name or alias (the object-model registry's own lookup)."""
        try:
            return self.models.object_model(code)
        except ObjectModelError as exc:
            raise UnknownCode(str(exc)) from None

    def kpis_of_model(self, code: str) -> list[KpiFile]:
        """The KPIs that declare this object model."""
        return [kpi for kpi in self.kpis.values() if code in kpi.object_models]

    def module_counts(self) -> dict[str, int]:
        """KPIs per module, in modules.yaml's order (the registry document's per-module "KPIs" figures)."""
        return {code: len(module.kpis) for code, module in self.modules.items()}

    def memberships(self) -> int:
        """(module, KPI) pairs: a KPI in 8 modules counts 8 times (the document's 664)."""
        return sum(self.module_counts().values())

    def census(self) -> Census:
        """Per module and overall: how many KPIs are computed, need data, cannot be computed."""
        return census_of(self.kpis.values(), {code: m.kpis for code, m in self.modules.items()})


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=3, cutoff=0.6)
    if not close and word.upper() != word:
        close = difflib.get_close_matches(word.upper(), list(choices), n=3, cutoff=0.6)
    return f" (did you mean {', '.join(close)}?)" if close else ""
