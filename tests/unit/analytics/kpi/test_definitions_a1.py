"""kpi-a1's KPI files (BUS_DEV, SALES_PERFORMANCE, SALES_STRATEGY) against the registry's rules, before the loader
and the engine exist on this branch: every file under definitions/ validates as a KpiFile named after its code, every
column a measure reads is its entity's (or one ref away, schema.REF_TARGETS), every shared measure, anchor, module
and object model exists, every dimension a KPI offers has a column to cut by, and the three modules hold exactly the
registry document's counts (created here + borrowed in borrowed/<MODULE>.yaml).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
import yaml

import analytics.kpi
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
from mapping.model import ENTITIES
from mapping.objectmodels import shipped_registry

ROOT = Path(str(files(analytics.kpi)))
# module -> (KPIs created in it, KPIs it borrows): analytics-registry.md's "New KPIs" and "Updated KPIs".
MINE = {"BUS_DEV": (50, 0), "SALES_PERFORMANCE": (19, 20), "SALES_STRATEGY": (8, 27)}
FUNCTIONS = {"days_between", "hours_between", "minutes_between", "coalesce", "abs", "greatest", "least"}
ALWAYS = {"id", "created_at", "updated_at"}


class _UniqueKeys(yaml.SafeLoader):
    """A YAML loader that refuses a key written twice (the default keeps the last one silently)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        keys = [self.construct_object(key, deep=deep) for key, _ in node.value]
        twice = sorted({str(k) for k in keys if keys.count(k) > 1})
        if twice:
            raise yaml.constructor.ConstructorError(None, None, f"keys written twice: {twice}", node.start_mark)
        return super().construct_mapping(node, deep=deep)


def _read(path: Path) -> Any:
    return yaml.load(path.read_text(), Loader=_UniqueKeys)


@cache
def _entities() -> dict[str, EntityFacts]:
    return dict(EntitiesFile.model_validate(_read(ROOT / "entities.yaml")).entities)


@cache
def _measures() -> dict[str, MeasureSpec]:
    found: dict[str, MeasureSpec] = {}
    for path in sorted((ROOT / "measures").glob("*.yaml")):
        parsed = MeasuresFile.model_validate(_read(path))
        assert path.stem == parsed.entity, f"{path.name} holds measures of {parsed.entity}"
        found |= {f"{parsed.entity}.{name}": spec for name, spec in parsed.measures.items()}
    return found


@cache
def _kpis() -> dict[str, KpiFile]:
    kpis: dict[str, KpiFile] = {}
    for path in sorted((ROOT / "definitions").glob("*.yaml")):
        kpi = KpiFile.model_validate(_read(path))
        assert path.name == f"{kpi.code.lower()}.yaml", f"{path.name} holds {kpi.code}"
        kpis[kpi.code] = kpi
    return kpis


def _borrowed(module: str) -> tuple[str, ...]:
    path = ROOT / "borrowed" / f"{module}.yaml"
    if not path.exists():
        return ()
    data = _read(path)
    assert set(data) == {"module", "kpis"} and data["module"] == module, f"{path.name}: {{module: {module}, kpis}}"
    codes: list[str] = data["kpis"]
    assert len(codes) == len(set(codes)), f"{path.name} lists a KPI twice"
    return tuple(codes)


def _columns(entity: str, path: str) -> str | None:
    """Why ``path`` is no column of ``entity`` (None when it is one)."""
    head, _, tail = path.partition(".")
    if not tail:
        return None if head in ENTITIES[entity] or head in ALWAYS else f"{entity} has no column {head!r}"
    if ENTITIES[entity].get(f"{head}_id") != "ref":
        return f"{entity} has no ref {head}_id for {path!r}"
    target = REF_TARGETS.get(head, head)
    if target not in ENTITIES:
        return f"{path!r}: no entity {target!r} behind {head}_id (schema.REF_TARGETS)"
    return None if tail in ENTITIES[target] or tail in ALWAYS else f"{target} has no column {tail!r} ({path!r})"


def _expr_paths(expr: str) -> Iterator[str]:
    for node in ast.walk(ast.parse(expr, mode="eval")):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            yield f"{node.value.id}.{node.attr}"
        elif isinstance(node, ast.Name) and node.id not in FUNCTIONS:
            yield node.id


def _measure_problems(where: str, spec: MeasureSpec) -> list[str]:
    if spec.entity not in _entities():
        return [f"{where}: no entity {spec.entity!r} in entities.yaml"]
    facts = _entities()[spec.entity]
    attributes = {n.value.id for n in ast.walk(ast.parse(spec.expr or "0", mode="eval"))
                  if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name)}
    paths = [p for p in _expr_paths(spec.expr or "0") if p not in attributes] + [c.column for c in spec.where]
    problems = [f"{where}: {why}" for p in paths if (why := _columns(spec.entity, p))]
    if spec.anchor and spec.anchor not in facts.anchors:
        problems.append(f"{where}: {spec.entity} has no anchor {spec.anchor!r}")
    if spec.currency and not facts.currency:
        problems.append(f"{where}: currency: true but {spec.entity} has no currency column")
    if spec.as_of and not facts.history:
        problems.append(f"{where}: as_of: true but {spec.entity} keeps no history")
    return problems


def _refs(kpi: KpiFile) -> dict[str, MeasureRef]:
    refs = {key: ref for key in ("measure", "numerator", "denominator")
            if (ref := getattr(kpi, key)) is not None}
    return refs | {f"inputs.{name}": ref for name, ref in kpi.inputs.items()}


def _kpi_problems(kpi: KpiFile) -> list[str]:
    problems: list[str] = []
    for key, ref in _refs(kpi).items():
        where = f"{kpi.code} {key}"
        if isinstance(ref, InlineMeasure):
            spec: MeasureSpec = ref
            problems += _measure_problems(where, ref)
        elif ref in _measures():
            spec = _measures()[ref]
        else:
            problems.append(f"{where}: no shared measure {ref!r} in measures/")
            continue
        facts = _entities().get(spec.entity)
        if facts is None:
            continue
        if kpi.anchor and kpi.anchor not in facts.anchors:
            problems.append(f"{where}: anchor {kpi.anchor!r} is not one of {spec.entity}'s {sorted(facts.anchors)}")
        offered = {"rep": facts.rep, "team": facts.rep, "region": facts.account, "company": facts.account,
                   "territory": facts.account or facts.rep}
        problems += [f"{where}: {spec.entity} has no column to cut by {d}" for d in kpi.dimensions if not offered[d]]
    if kpi.formula:
        unknown = {p for p in _expr_paths(kpi.formula)} - set(kpi.inputs)
        problems += [f"{kpi.code} formula: {name!r} is no input" for name in sorted(unknown)]
    return problems


def test_measure_files_read_only_real_columns() -> None:
    problems = [p for name, spec in _measures().items() for p in _measure_problems(f"measure {name}", spec)]
    assert not problems, "\n".join(problems)


def test_every_definition_validates_and_reads_real_columns() -> None:
    problems = [p for kpi in _kpis().values() for p in _kpi_problems(kpi)]
    assert not problems, "\n".join(problems)


def test_modules_object_models_and_needs_exist() -> None:
    registry = shipped_registry()
    problems = []
    for kpi in _kpis().values():
        problems += [f"{kpi.code}: no module {m}" for m in kpi.modules if m not in registry.modules]
        problems += [f"{kpi.code}: no object model {m}" for m in kpi.object_models if m not in registry.models]
        if kpi.needs and kpi.needs.model not in registry.models:
            problems.append(f"{kpi.code}: needs names no object model {kpi.needs.model}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("module", sorted(MINE))
def test_module_counts_are_the_registry_documents(module: str) -> None:
    created, borrowed = MINE[module]
    listing = {code for code, kpi in _kpis().items() if module in kpi.modules}
    lent = set(_borrowed(module))
    # The integrator folds borrowed/ into the files' modules: count the union, so the check holds before and after.
    members = listing | lent
    assert len(members) == created + borrowed, f"{module}: {len(members)} KPIs, the registry says {created + borrowed}"
    if lent or not borrowed:  # the created ones are told apart while borrowed/<module>.yaml lists the others
        own = listing - lent  # a KPI the module created and also lists as borrowed is one short here
        assert len(own) == created, f"{module}: {len(own)} KPIs created in it, the registry says {created}"
        assert len(lent) == borrowed, f"{module} borrows {len(lent)} KPIs, the registry says {borrowed}"
    assert module == "BUS_DEV" or "CUSTOMER_LIFETIME_VALUE_CLV" in members, \
        f"{module} holds Customer Lifetime Value (one of the registry's 8 modules for it)"


def test_the_maven_proofs_kpis_say_what_they_compute() -> None:
    kpis = _kpis()
    expect = {"WON_REVENUE": ("simple", "close_date"), "WIN_RATE_CLOSED": ("ratio", "close_date"),
              "WIN_RATE_ALL": ("conversion", "create_date"), "AVERAGE_WON_DEAL_SIZE": ("ratio", "close_date"),
              "SALES_CYCLE_LENGTH_WON": ("ratio", "close_date")}
    for code, (kind, anchor) in expect.items():
        assert (kpis[code].type, kpis[code].anchor, kpis[code].status) == (kind, anchor, "computed"), code
    assert (kpis["WIN_RATE_ALL"].numerator, kpis["WIN_RATE_ALL"].denominator) == ("opportunity.won_count",
                                                                                  "opportunity.count")
    assert kpis["SALES_CYCLE_LENGTH_WON"].numerator == "opportunity.won_cycle_days"


def test_percent_ratios_are_scaled_to_percent() -> None:
    unscaled = [code for code, kpi in _kpis().items()
                if kpi.status == "computed" and kpi.type in ("ratio", "conversion") and kpi.unit == "percent"
                and kpi.scale != 100]
    assert not unscaled, f"percent ratios without scale: 100: {unscaled}"
