"""The KPI files of CUST_RETENTION and CUST_SUCCESS (author kpi-a3), checked without the engine.

Every file validates as a KpiFile and is named after its code; it names only the module it is created for; every
shared measure it names exists; every column path of its measures (filters and expressions) is a column of the
measure's entity or of the entity one ref away (schema.REF_TARGETS); anchors are the entity's; filter values of
the columns the canonical model documents as vocabularies are in them; the dimensions it offers are ones its
entities can be cut by; modules and object models exist; the modules' counts are the registry document's, and at
least 65 % of them are computed. Neither module borrows, so there is no borrowed list to check.
"""

from __future__ import annotations

import ast
from collections import Counter
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path

import yaml

from analytics.kpi.schema import (
    REF_TARGETS,
    EntitiesFile,
    EntityFacts,
    InlineMeasure,
    KpiFile,
    MeasureRef,
    MeasuresFile,
    MeasureSpec,
)
from mapping.model import ACTIVITY_TYPES, ENTITIES
from mapping.objectmodels import shipped_registry

KPI_DIR = Path(__file__).resolve().parents[4] / "analytics" / "kpi"
CREATED = {"CUST_RETENTION": 43, "CUST_SUCCESS": 54}
FUNCTIONS = frozenset({"days_between", "hours_between", "minutes_between", "coalesce", "abs", "greatest", "least"})
# String columns whose values the canonical model documents (mapping/model.py, the object-model vocabularies).
VOCABULARIES: Mapping[tuple[str, str], frozenset[str]] = {
    ("activity", "type"): frozenset(ACTIVITY_TYPES),
    ("contract", "contract_type"): frozenset({"contract", "subscription", "partner_agreement"}),
    ("feedback", "feedback_type"): frozenset({"nps", "csat", "enablement"}),
    ("training_enrolment", "status"): frozenset({"enrolled", "completed", "dropped"}),
    ("customer_health", "status"): frozenset({"green", "amber", "red"}),
    ("qbr", "review_type"): frozenset({"qbr", "strategic_review"}),
    ("qbr", "health_rating"): frozenset({"green", "amber", "red"}),
    ("training_program", "program_type"): frozenset({"onboarding", "product", "skills", "partner", "customer"}),
}


def _yaml(path: Path) -> object:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@cache
def _mine() -> dict[str, KpiFile]:
    kpis = {p.name: KpiFile.model_validate(_yaml(p)) for p in sorted((KPI_DIR / "definitions").glob("*.yaml"))}
    return {name: kpi for name, kpi in kpis.items() if set(kpi.modules) & set(CREATED)}


@cache
def _shared_measures() -> dict[str, MeasureSpec]:
    found: dict[str, MeasureSpec] = {}
    for path in sorted((KPI_DIR / "measures").glob("*.yaml")):
        family = MeasuresFile.model_validate(_yaml(path))
        found.update({f"{family.entity}.{name}": spec for name, spec in family.measures.items()})
    return found


@cache
def _entities() -> Mapping[str, EntityFacts]:
    return EntitiesFile.model_validate(_yaml(KPI_DIR / "entities.yaml")).entities


def _columns(entity: str) -> Mapping[str, str]:
    return {"id": "ref", **ENTITIES[entity]}


def _path_problem(entity: str, path: str) -> str | None:
    """None when ``path`` is a column of ``entity`` or ``<ref>.<column>`` one ref away, else what is wrong."""
    head, _, tail = path.partition(".")
    if not tail:
        return None if head in _columns(entity) else f"{entity} has no column {head!r}"
    if _columns(entity).get(f"{head}_id") != "ref":
        return f"{entity} has no ref column {head}_id (for {path!r})"
    target = REF_TARGETS.get(head, head)
    if target not in ENTITIES or tail not in _columns(target):
        return f"{path!r}: {target} has no column {tail!r}"
    return None


def _expr_paths(expr: str) -> Iterator[str]:
    """The column paths an expression reads: ``a`` and ``x.a``, not the function names."""
    tree = ast.parse(expr, mode="eval")
    heads = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            yield f"{node.value.id}.{node.attr}"
        elif isinstance(node, ast.Name) and id(node) not in heads and node.id not in FUNCTIONS:
            yield node.id


def _measure_problems(spec: MeasureSpec, anchor: str | None) -> list[str]:
    if spec.entity not in _entities():
        return [f"no entity {spec.entity!r} in entities.yaml"]
    facts, problems = _entities()[spec.entity], []
    for wanted in {anchor, spec.anchor} - {None}:
        if wanted not in facts.anchors:
            problems.append(f"{spec.entity} has no anchor {wanted!r} (it has {sorted(facts.anchors)})")
    paths = [c.column for c in spec.where] + (list(_expr_paths(spec.expr)) if spec.expr else [])
    problems += [p for p in (_path_problem(spec.entity, path) for path in paths) if p]
    for condition in spec.where:
        vocabulary = VOCABULARIES.get((spec.entity, condition.column))
        values = condition.value if isinstance(condition.value, list) else [condition.value]
        if vocabulary and condition.value is not None and not set(map(str, values)) <= vocabulary:
            problems.append(f"{spec.entity}.{condition.column}: {values} not all in {sorted(vocabulary)}")
    return problems


def _refs(kpi: KpiFile) -> list[MeasureRef]:
    return [ref for ref in (kpi.measure, kpi.numerator, kpi.denominator, *kpi.inputs.values()) if ref is not None]


def _spec(ref: MeasureRef) -> MeasureSpec | None:
    return ref if isinstance(ref, InlineMeasure) else _shared_measures().get(ref)


def test_every_file_is_named_after_its_code_and_names_one_module() -> None:
    wrong = [f"{name}: code {kpi.code}, modules {kpi.modules}" for name, kpi in _mine().items()
             if name != f"{kpi.code.lower()}.yaml" or len(kpi.modules) != 1]
    assert not wrong, "\n".join(wrong)


def test_measures_exist_and_read_real_columns() -> None:
    problems: list[str] = []
    for name, kpi in _mine().items():
        for ref in _refs(kpi):
            spec = _spec(ref)
            if spec is None:
                problems.append(f"{name}: no shared measure {ref!r} in measures/")
            else:
                problems += [f"{name} ({ref if isinstance(ref, str) else 'inline'}): {p}"
                             for p in _measure_problems(spec, kpi.anchor)]
    assert not problems, "\n".join(problems)


def test_shared_measures_read_real_columns() -> None:
    problems = [f"{name}: {p}" for name, spec in _shared_measures().items() for p in _measure_problems(spec, None)]
    assert not problems, "\n".join(problems)


def test_dimensions_are_ones_the_measures_can_be_cut_by() -> None:
    """rep and team need the entity's rep column; region, territory and company its account column."""
    problems: list[str] = []
    for name, kpi in _mine().items():
        for spec in filter(None, map(_spec, _refs(kpi))):
            facts = _entities()[spec.entity]
            lacking = {"rep", "team"} if facts.rep is None else set()
            lacking |= {"region", "territory", "company"} if facts.account is None else set()
            if set(kpi.dimensions) & lacking:
                problems.append(f"{name}: {spec.entity} cannot be cut by {sorted(set(kpi.dimensions) & lacking)}")
    assert not problems, "\n".join(problems)


def test_only_computed_kpis_carry_measures() -> None:
    """A needs_data or not_computable KPI says what is missing, not a formula nothing computes."""
    wrong = [name for name, kpi in _mine().items() if kpi.status != "computed" and (_refs(kpi) or kpi.formula)]
    assert not wrong


def test_derived_formulas_use_exactly_their_inputs() -> None:
    problems: list[str] = []
    for name, kpi in _mine().items():
        if kpi.type == "derived" and kpi.formula:
            names = {n.id for n in ast.walk(ast.parse(kpi.formula, mode="eval")) if isinstance(n, ast.Name)}
            if names != set(kpi.inputs):
                problems.append(f"{name}: formula reads {sorted(names)}, inputs are {sorted(kpi.inputs)}")
    assert not problems, "\n".join(problems)


def test_modules_and_object_models_exist() -> None:
    registry, problems = shipped_registry(), []
    for name, kpi in _mine().items():
        problems += [f"{name}: no module {m}" for m in kpi.modules if m not in registry.modules]
        problems += [f"{name}: no object model {m}" for m in kpi.object_models if m not in registry.models]
        if kpi.needs and kpi.needs.model not in registry.models:
            problems.append(f"{name}: needs.model {kpi.needs.model} is no object model")
    assert not problems, "\n".join(problems)


def test_created_counts_are_the_documents() -> None:
    assert dict(Counter(kpi.modules[0] for kpi in _mine().values())) == CREATED


def test_most_are_computed() -> None:
    statuses = Counter(kpi.status for kpi in _mine().values())
    assert statuses["computed"] >= 0.65 * sum(statuses.values()), statuses


def test_clv_is_created_here_once() -> None:
    clv = _mine().get("customer_lifetime_value_clv.yaml")
    assert clv is not None and clv.modules == ("CUST_RETENTION",)
