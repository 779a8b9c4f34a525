"""The catalog's entities and measures as dbt semantic models: one per store table, with its entities (the primary
key, the foreign keys to other exported tables), dimensions (each time anchor, the text and boolean columns) and the
measures (each at its own grain, as crmhub declares them).

A measure is exported once per anchor it is used on (dbt fixes a measure's time dimension: ``<name>`` on its own
anchor, ``<name>_by_<anchor>`` on another a KPI asks for). Names are global in dbt: ``<table>_<measure>`` for a shared
measure, ``<kpi>_<role>`` for a KPI's own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from analytics.kpi.catalog import Catalog, Measure
from analytics.kpi.dbt_filters import split_where
from analytics.kpi.dbt_sql import NotExpressible, measure_expr
from analytics.kpi.schema import REF_TARGETS, Condition, EntityFacts
from mapping.model import ENTITIES, TABLE_OF

_AGG = {"sum": "sum", "count": "sum", "count_distinct": "count_distinct", "min": "min", "max": "max",
        "avg": "average", "median": "median", "p25": "percentile", "p75": "percentile", "p90": "percentile"}
_PERCENTILE = {"p25": 0.25, "p75": 0.75, "p90": 0.9}
_CATEGORICAL = ("string", "boolean")  # text columns are free text, refs are entities


@dataclass(frozen=True, slots=True)
class MetricInput:
    """A measure's metric as a KPI's metric reads it: its name and the filter on joined columns it needs, if any."""

    name: str
    filter: str | None = None

    def ref(self, **more: str) -> dict[str, Any]:
        """The metric input document: ``{name, filter?, alias?}``."""
        return {"name": self.name, **({"filter": self.filter} if self.filter else {}), **more}

    def measure_ref(self) -> str | dict[str, Any]:
        """A simple or cumulative metric's ``measure``: its name, or ``{name, filter}`` when it has a filter."""
        return self.ref() if self.filter else self.name


@dataclass
class SemanticModels:
    """The measures asked for so far, by entity, and the ones that could not be written (name -> reason)."""

    catalog: Catalog
    measures: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)  # entity -> dbt name -> measure
    skipped: dict[str, str] = field(default_factory=dict)

    def measure(self, measure: Measure) -> MetricInput:
        """The dbt measure (and the metric filter its inputs carry) for ``measure`` on its anchor, added to its
        semantic model; NotExpressible says why it cannot be."""
        spec = measure.spec
        own_anchor = spec.anchor or measure.facts.default_anchor
        name = dbt_measure_name(measure) + ("" if measure.anchor == own_anchor else f"_by_{measure.anchor}")
        if name in self.skipped:
            raise NotExpressible(self.skipped[name])
        try:
            if "." in measure.anchor_path:
                raise NotExpressible(f"its anchor {measure.anchor} is {measure.anchor_path}, through a join: a dbt "
                                     f"measure's time dimension is a column of its own model")
            own, joined = split_where(spec.entity, spec.where, _foreign(spec.entity))
            if joined is not None:
                name += "_base"  # its rows before the joined filter, which the metric inputs apply
            self.measures.setdefault(spec.entity, {})[name] = _measure(name, measure, own, joined)
        except NotExpressible as exc:
            self.skipped[name] = str(exc)
            raise
        return MetricInput(name, joined)

    def documents(self) -> dict[str, dict[str, Any]]:
        """File name -> the dbt YAML document of each semantic model with measures, and of the tables they join."""
        joined = {target for entity in self.measures for target in _foreign(entity).values()}
        return {f"{TABLE_OF[e]}.yml": {"semantic_models": [_model(e, self.catalog.entities[e], self.measures.get(e))]}
                for e in sorted(set(self.measures) | (joined & set(self.catalog.entities)))}


def dbt_measure_name(measure: Measure) -> str:
    """``opportunity.won_amount`` -> opportunity_won_amount; a KPI's own ``WIN_RATE.numerator`` -> win_rate_numerator
    (crmhub's names are unique per entity, dbt's across the project)."""
    owner, short = measure.name.split(".", 1)
    if owner == measure.spec.entity:
        return f"{TABLE_OF[owner]}_{short}"
    return f"{owner.lower()}_{short}"


def _measure(name: str, measure: Measure, own: tuple[Condition, ...], joined: str | None) -> dict[str, Any]:
    spec = measure.spec
    out: dict[str, Any] = {"name": name, "agg": _AGG[spec.agg], "expr": measure_expr(spec.model_copy(update={
        "where": own})), "agg_time_dimension": measure.anchor}
    if spec.agg in _PERCENTILE:
        out["agg_params"] = {"percentile": _PERCENTILE[spec.agg], "use_discrete_percentile": False}
    words = spec.description or measure.name
    if joined is not None:
        words += f" (before the filter {joined}, which every metric reading it applies)"
    if spec.currency:
        words += " (in each row's own currency: crmhub converts at the row's date; convert before adding currencies)"
    out["description"] = words
    out["create_metric"] = True  # a simple metric of the same name: the KPIs' ratios and formulas are over metrics
    return out


def _model(entity: str, facts: EntityFacts, measures: Mapping[str, dict[str, Any]] | None) -> dict[str, Any]:
    table = TABLE_OF[entity]
    anchors = {name: path for name, path in facts.anchors.items() if "." not in path}
    model: dict[str, Any] = {"name": table, "description": f"crmhub's canonical {entity} rows (table {table})",
                             "model": f"ref('{table}')"}
    if facts.default_anchor in anchors:
        model["defaults"] = {"agg_time_dimension": facts.default_anchor}
    model["entities"] = [{"name": table, "type": "primary", "expr": "id"},
                         *({"name": TABLE_OF[target], "type": "foreign", "expr": column}
                           for column, target in _foreign(entity).items())]
    # dbt names an element one thing project-wide: crm_user.team (a name) must not shadow the team entity
    taken = set(anchors) | set(TABLE_OF.values())
    model["dimensions"] = [*({"name": name, "type": "time", "expr": path, "type_params": {"time_granularity": "day"}}
                             for name, path in anchors.items()),
                           *({"name": c, "type": "categorical"} for c in _categorical(entity) if c not in taken)]
    if measures:
        model["measures"] = list(measures.values())
    return model


def _foreign(entity: str) -> dict[str, str]:
    """ref column -> the entity it points to, one column per target (the first, in the model's column order)."""
    found: dict[str, str] = {}
    for column, kind in ENTITIES[entity].items():
        if kind == "ref" and column.endswith("_id"):
            ref = column.removesuffix("_id")
            target = REF_TARGETS.get(ref, ref)
            if target in ENTITIES and target != entity and target not in found.values():
                found[column] = target
    return found


def _categorical(entity: str) -> Iterable[str]:
    return (column for column, kind in ENTITIES[entity].items() if kind in _CATEGORICAL)
