"""The entity facts and shared measures (entities.yaml, measures/<entity>.yaml), checked against the canonical model,
and how a KPI's measure references resolve to measures with their entity and anchor.

Every column path is checked: a plain name is a column of the entity (mapping.model ENTITIES, plus id, created_at,
updated_at); ``<x>.<col>`` joins through the ref column ``<x>_id`` to the entity REF_TARGETS names (x itself when
absent) and ``col`` is that entity's. Errors name the file, the measure or KPI, and the column.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TypeVar

from pydantic import ValidationError

from analytics.kpi import expr
from analytics.kpi.errors import KpiDefinitionError
from analytics.kpi.schema import REF_TARGETS, EntitiesFile, EntityFacts, KpiFile, MeasureRef, MeasuresFile, MeasureSpec
from analytics.kpi.strict_yaml import load_strict
from mapping.model import ENTITIES

PACKAGE_DIR = Path(__file__).parent
_M = TypeVar("_M", EntitiesFile, MeasuresFile)
ALWAYS = ("id", "created_at", "updated_at")  # every entity table has them (mapping.model lists only the last two)


def columns(entity: str) -> tuple[str, ...]:
    return (*ALWAYS, *(c for c in ENTITIES[entity] if c not in ALWAYS))


def path_error(entity: str, path: str) -> str | None:
    """Why ``path`` is not a column path of ``entity``, or None when it is."""
    if "." not in path:
        return None if path in columns(entity) else f"{entity} has no column {path!r}"
    ref, column = path.split(".", 1)
    if ENTITIES[entity].get(f"{ref}_id") != "ref":
        return f"{path!r}: {entity} has no ref column {ref}_id to join {ref!r} through"
    target = REF_TARGETS.get(ref, ref)
    if target not in ENTITIES:
        return f"{path!r}: {ref}_id refers to no canonical entity (REF_TARGETS has no {ref!r})"
    return None if column in columns(target) else f"{path!r}: {target} has no column {column!r}"


@dataclass(frozen=True, slots=True)
class Measure:
    """A resolved measure: its spec, its entity's facts and the anchor it is placed in time by."""

    name: str  # opportunity.won_amount, or <KPI CODE>.<role> for a measure written in the KPI's file
    spec: MeasureSpec
    facts: EntityFacts
    anchor: str  # the anchor's name (close_date)
    anchor_path: str  # its column path (close_date, opportunity.close_date)


@dataclass(frozen=True, slots=True)
class Catalog:
    entities: Mapping[str, EntityFacts]
    measures: Mapping[str, MeasureSpec]  # by <entity>.<name>
    origins: Mapping[str, str] = field(default_factory=dict)  # measure name -> the file it came from

    @classmethod
    def load(cls) -> Catalog:
        """The catalog shipped with crmhub (analytics/kpi/entities.yaml and measures/*.yaml)."""
        return cls.from_paths(PACKAGE_DIR / "entities.yaml", sorted((PACKAGE_DIR / "measures").glob("*.yaml")))

    @classmethod
    def from_paths(cls, entities_path: Path, measure_paths: Iterable[Path]) -> Catalog:
        """Load and check the files; every problem found is reported at once, each naming its file."""
        problems: list[str] = []
        entities = _validated(EntitiesFile, entities_path).entities
        for name, facts in entities.items():
            problems += [f"{entities_path}: entity {name}: {p}" for p in _facts_problems(name, facts)]
        measures: dict[str, MeasureSpec] = {}
        origins: dict[str, str] = {}
        for path in measure_paths:
            parsed = _validated(MeasuresFile, path)
            if parsed.entity != path.stem:
                problems.append(f"{path}: holds measures of {parsed.entity!r}; the file is named for its entity "
                                f"({parsed.entity}.yaml)")
            for short, spec in parsed.measures.items():
                name = f"{parsed.entity}.{short}"
                if name in measures:
                    problems.append(f"{path}: measure {name} is also defined in {origins[name]}")
                measures[name], origins[name] = spec, str(path)
                problems += [f"{path}: measure {name}: {p}" for p in spec_problems(spec, entities)]
        if problems:
            raise KpiDefinitionError("the KPI catalog has problems:\n  " + "\n  ".join(problems))
        return cls(MappingProxyType(dict(entities)), MappingProxyType(measures), MappingProxyType(origins))

    def measure(self, ref: MeasureRef, *, kpi: str, role: str, anchor: str | None = None) -> Measure:
        """``ref`` resolved for ``kpi`` (its ``role``: measure, numerator, an input's name); ``anchor`` overrides."""
        where = f"KPI {kpi} ({role})"
        if isinstance(ref, str):
            if ref not in self.measures:
                entity = ref.split(".", 1)[0]
                known = sorted(n for n in self.measures if n.startswith(f"{entity}."))
                raise KpiDefinitionError(f"{where}: no shared measure {ref!r} in measures/{entity}.yaml"
                                         + (f" (it has: {', '.join(known)})" if known else ""))
            name, spec = ref, self.measures[ref]
        else:
            name, spec = f"{kpi}.{role}", ref
            problems = spec_problems(spec, self.entities)
            if problems:
                raise KpiDefinitionError(f"{where}: " + "; ".join(problems))
        facts = self.entities[spec.entity]
        chosen = anchor or spec.anchor or facts.default_anchor
        if chosen not in facts.anchors:
            raise KpiDefinitionError(f"{where}: anchor {chosen!r} is not one of {spec.entity}'s anchors "
                                     f"({', '.join(sorted(facts.anchors))}) for measure {name}")
        return Measure(name, spec, facts, chosen, facts.anchors[chosen])

    def kpi_measures(self, kpi: KpiFile) -> dict[str, Measure]:
        """A KPI's measures by role: measure | numerator and denominator | its inputs' names."""
        refs: dict[str, MeasureRef] = {role: ref for role, ref in (("measure", kpi.measure),
                                                                     ("numerator", kpi.numerator),
                                                                     ("denominator", kpi.denominator))
                                       if ref is not None}
        refs.update(kpi.inputs)
        return {role: self.measure(ref, kpi=kpi.code, role=role, anchor=kpi.anchor) for role, ref in refs.items()}


def _validated(model: type[_M], path: Path) -> _M:
    try:
        return model.model_validate(load_strict(path))
    except ValidationError as exc:
        details = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise KpiDefinitionError(f"{path}: {details}") from None


def _facts_problems(entity: str, facts: EntityFacts) -> list[str]:
    if entity not in ENTITIES:
        return ["not a canonical entity (mapping.model ENTITIES)"]
    paths = [*(f"anchor {n}: {p}" for n, p in facts.anchors.items()),
             *(f"{key}: {p}" for key, p in (("rep", facts.rep), ("account", facts.account),
                                             ("currency", facts.currency)) if p)]
    found = [path_error(entity, text.rsplit(": ", 1)[1]) for text in paths]
    problems = [problem for problem in found if problem]
    if facts.history is not None and facts.history not in ENTITIES:
        problems.append(f"history {facts.history!r} is not a canonical entity")
    return problems


def spec_problems(spec: MeasureSpec, entities: Mapping[str, EntityFacts]) -> list[str]:
    """What is wrong with one measure against the entity facts and the canonical model (empty: nothing)."""
    if spec.entity not in entities:
        return [f"entity {spec.entity!r} is not in entities.yaml"]
    facts = entities[spec.entity]
    problems: list[str] = []
    if spec.anchor is not None and spec.anchor not in facts.anchors:
        problems.append(f"anchor {spec.anchor!r} is not one of {', '.join(sorted(facts.anchors))}")
    if spec.currency and facts.currency is None:
        problems.append(f"currency: true, but {spec.entity} has no currency column in entities.yaml")
    if spec.as_of and facts.history is None:
        problems.append(f"as_of: true, but {spec.entity} keeps no history in entities.yaml")
    paths = [c.column for c in spec.where]
    if spec.expr is not None:
        try:
            paths += expr.names(spec.expr)
        except expr.ExprError as exc:
            problems.append(f"expr: {exc}")
    problems += [p for p in (path_error(spec.entity, path) for path in paths) if p]
    return problems
