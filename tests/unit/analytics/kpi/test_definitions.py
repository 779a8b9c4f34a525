"""Every KPI definition and shared measure file, checked once through the registry's own loader.

``loader.load_definitions`` reads each definitions/*.yaml refusing a key written twice (yamlfile.py), validates it
(schema.KpiFile), checks that it is named after its code and that its modules, object models and ``needs.model``
exist, and resolves every computed KPI's measures in the catalog (catalog.py: entities.yaml and measures/*.yaml, read
by strict_yaml.py), which checks each column path, expression and anchor against mapping/model.py. test_loader.py
shows those checks failing on small broken folders; here they run on the shipped files, with the rules the loader
leaves to the registry's content:

- a filter on a column with a documented vocabulary selects values of that vocabulary;
- every dimension a KPI offers is one each of its measures can be cut by (dims.has_dimension);
- a derived KPI's formula reads exactly its inputs;
- only computed KPIs carry measures (the others say what is missing, or why it cannot be computed);
- an as_of KPI reads an as_of measure;
- a percent ratio is scaled to percent;
- the KPIs behind the Maven proof compute what the published figures are.

Each rule is a function returning its problems, and test_each_rule_names_a_broken_kpi feeds it a broken copy of a
shipped KPI, so no rule passes by finding nothing. The registry document's counts are test_registry_counts.py's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest

from analytics.kpi import expr
from analytics.kpi.catalog import Catalog
from analytics.kpi.definition import DEFINITIONS_DIR, definition_path
from analytics.kpi.dims import has_dimension
from analytics.kpi.errors import KpiDefinitionError
from analytics.kpi.loader import PLACE, load_definitions, shipped_kpi_registry
from analytics.kpi.registry import KpiRegistry, KpiRegistryError
from analytics.kpi.schema import DIMENSIONS, REF_TARGETS, Condition, InlineMeasure, KpiFile, MeasureSpec
from mapping.objectmodels.vocabularies import VOCABULARIES

MEASURES_DIR = DEFINITIONS_DIR.parent / "measures"
NOT_REGISTRY_FILES = frozenset({"__init__.py", "__pycache__"})  # the folders are packages, for importlib.resources
# String columns whose values crmhub fixes: the object models' vocabularies, and the ones mapping/model.py documents
# only in its comments.
DOCUMENTED: Mapping[tuple[str, str], tuple[str, ...]] = {
    **VOCABULARIES,
    ("training_enrolment", "status"): ("enrolled", "completed", "dropped"),
    ("partner_deal", "status"): ("registered", "approved", "rejected", "won", "lost"),
    ("customer_health", "status"): ("green", "amber", "red"),
    # No list in mapping/model.py: the KPI files read a QBR's rating on the health status's scale, so a value off
    # that scale would select nothing.
    ("qbr", "health_rating"): ("green", "amber", "red"),
}


@pytest.fixture(scope="module")
def registry() -> KpiRegistry:
    return shipped_kpi_registry()


def _computed(registry: KpiRegistry) -> Iterator[KpiFile]:
    return (kpi for kpi in registry.kpis.values() if kpi.status == "computed")


# --- the rules: each returns its problems, every one naming the KPI or measure -------------------------------------

def vocabulary_problems(where: str, spec: MeasureSpec) -> list[str]:
    """Filters on a documented column select only its documented values (a misspelt one would select nothing)."""
    problems = []
    for condition in spec.where:
        entity, column = _column_of(spec.entity, condition.column)
        known = DOCUMENTED.get((entity, column))
        values = condition.value if isinstance(condition.value, list) else [condition.value]
        wrong = [v for v in values if v is not None and str(v) not in (known or ())]
        if known and wrong:
            problems.append(f"{where}: where {condition.column} {condition.op} {wrong}: {entity}.{column} is one "
                            f"of {', '.join(known)}")
    return problems


def _column_of(entity: str, path: str) -> tuple[str, str]:
    """(entity, column) a column path of ``entity`` reads: ``program.program_type`` -> training_program's."""
    ref, _, column = path.rpartition(".")
    return (REF_TARGETS.get(ref, ref), column) if ref else (entity, column)


def dimension_problems(kpi: KpiFile, catalog: Catalog) -> list[str]:
    measures = catalog.kpi_measures(kpi)
    return [f"{kpi.code}: dimension {dim}, but measure {m.name} ({m.spec.entity}) has no column to cut it by in "
            f"entities.yaml" for dim in kpi.dimensions for m in measures.values() if not has_dimension(m, dim)]


def formula_problems(kpi: KpiFile, catalog: Catalog) -> list[str]:
    if kpi.formula is None:
        return []
    read = set(expr.names(kpi.formula, functions=False))
    return ([f"{kpi.code}: formula reads {name!r}, which is no input" for name in sorted(read - set(kpi.inputs))]
            + [f"{kpi.code}: input {name!r} is not in the formula" for name in sorted(set(kpi.inputs) - read)])


def carried_measure_problems(kpi: KpiFile, catalog: Catalog) -> list[str]:
    if kpi.status == "computed":
        return []
    carried = [key for key in ("measure", "numerator", "denominator", "formula", "inputs") if getattr(kpi, key)]
    return [f"{kpi.code}: a {kpi.status} KPI carries {', '.join(carried)}; it says what is missing instead"
            ] if carried else []


def as_of_problems(kpi: KpiFile, catalog: Catalog) -> list[str]:
    if kpi.type != "as_of" or kpi.status != "computed":
        return []
    return [f"{kpi.code}: an as_of KPI reads measure {m.name}, which has no as_of: true"
            for m in catalog.kpi_measures(kpi).values() if not m.spec.as_of]


def scale_problems(kpi: KpiFile, catalog: Catalog) -> list[str]:
    if kpi.status == "computed" and kpi.type in ("ratio", "conversion") and kpi.unit == "percent" \
            and kpi.scale != 100:
        return [f"{kpi.code}: a percent {kpi.type} has scale {kpi.scale:g}, not 100"]
    return []


KpiRule = Callable[[KpiFile, Catalog], list[str]]
RULES: dict[str, KpiRule] = {"dimensions": dimension_problems, "formula": formula_problems,
                             "carried measures": carried_measure_problems, "as_of": as_of_problems,
                             "scale": scale_problems}


def maven_problems(kpis: Mapping[str, KpiFile]) -> list[str]:
    """The published Maven figures (won revenue, win rate over closed and over all deals, average won deal, sales
    cycle of won deals) are these KPIs' definitions: a win rate over all deals counts the deals created, say."""
    expect = {"WON_REVENUE": ("simple", "close_date", None, None),
              "WIN_RATE_CLOSED": ("ratio", "close_date", "opportunity.won_count", "opportunity.closed_count"),
              "WIN_RATE_ALL": ("conversion", "create_date", "opportunity.won_count", "opportunity.count"),
              "AVERAGE_WON_DEAL_SIZE": ("ratio", "close_date", None, "opportunity.won_count"),
              "SALES_CYCLE_LENGTH_WON": ("ratio", "close_date", "opportunity.won_cycle_days", None)}
    problems = []
    for code, (kind, anchor, numerator, denominator) in expect.items():
        kpi = kpis.get(code)
        if kpi is None:
            problems.append(f"{code}: no such KPI (the Maven proof reproduces its published figure)")
            continue
        found = (kpi.status, kpi.type, kpi.anchor, numerator and kpi.numerator, denominator and kpi.denominator)
        wanted = ("computed", kind, anchor, numerator, denominator)
        if found != wanted:
            problems.append(f"{code}: (status, type, anchor, numerator, denominator) is {found}, the Maven proof "
                            f"needs {wanted}")
    return problems


# --- the shipped files -------------------------------------------------------------------------------------------

def test_every_file_is_read_by_the_loader(registry: KpiRegistry) -> None:
    """The loader and the catalog skip what is not YAML: a file saved as .yml.bak or .txt would vanish silently."""
    definitions = {f"{PLACE}/{p.name}" for p in DEFINITIONS_DIR.iterdir() if p.name not in NOT_REGISTRY_FILES}
    assert definitions - set(registry.files.values()) == set(), "files the KPI loader does not read"
    measures = {str(p) for p in MEASURES_DIR.iterdir() if p.name not in NOT_REGISTRY_FILES}
    assert measures - set(registry.catalog.origins.values()) == set(), "files the measure catalog does not read"


def test_filter_values_are_the_documented_vocabularies(registry: KpiRegistry) -> None:
    problems = [p for name, spec in registry.catalog.measures.items() for p in vocabulary_problems(name, spec)]
    problems += [p for kpi in _computed(registry) for role, m in registry.catalog.kpi_measures(kpi).items()
                 if isinstance(m.spec, InlineMeasure) for p in vocabulary_problems(f"{kpi.code} ({role})", m.spec)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("rule", sorted(RULES))
def test_every_kpi_keeps_the_rule(registry: KpiRegistry, rule: str) -> None:
    kpis = registry.kpis.values() if rule == "carried measures" else _computed(registry)
    problems = [p for kpi in kpis for p in RULES[rule](kpi, registry.catalog)]
    assert not problems, "\n".join(problems)


def test_the_maven_proofs_kpis_say_what_they_compute(registry: KpiRegistry) -> None:
    assert maven_problems(registry.kpis) == []


# --- every rule can fail -----------------------------------------------------------------------------------------

def _broken(registry: KpiRegistry, code: str, **changes: object) -> KpiFile:
    return registry.kpi(code).model_copy(update=changes)


BROKEN: list[tuple[str, str, dict[str, object], str]] = [
    ("dimensions", "TRAINING_COMPLETION_RATE", {"dimensions": DIMENSIONS},
     "TRAINING_COMPLETION_RATE: dimension region, but measure training_enrolment.rep_completed_of_cohort "
     "(training_enrolment) has no column"),
    ("formula", "FIELD_HOURS_PER_REP", {"formula": "minutes / 60 / rep"},
     "FIELD_HOURS_PER_REP: formula reads 'rep', which is no input"),
    ("formula", "FIELD_HOURS_PER_REP", {"formula": "minutes / 60"}, "FIELD_HOURS_PER_REP: input 'reps' is not in"),
    ("carried measures", "WIN_RATE_CLOSED", {"status": "not_computable", "reason": "the CRM keeps no outcome"},
     "WIN_RATE_CLOSED: a not_computable KPI carries numerator, denominator"),
    ("as_of", "OPEN_PIPELINE_VALUE", {"measure": "opportunity.won_amount"},
     "OPEN_PIPELINE_VALUE: an as_of KPI reads measure opportunity.won_amount, which has no as_of: true"),
    ("scale", "WIN_RATE_CLOSED", {"scale": 1.0}, "WIN_RATE_CLOSED: a percent ratio has scale 1, not 100"),
]


@pytest.mark.parametrize(("rule", "code", "changes", "problem"), BROKEN, ids=[f"{r}-{c}" for r, c, *_ in BROKEN])
def test_each_rule_names_a_broken_kpi(registry: KpiRegistry, rule: str, code: str, changes: dict[str, object],
                                      problem: str) -> None:
    assert RULES[rule](registry.kpi(code), registry.catalog) == []
    found = RULES[rule](_broken(registry, code, **changes), registry.catalog)
    assert any(p.startswith(problem) for p in found), found


def test_a_filter_value_off_its_vocabulary_is_named() -> None:
    phone = InlineMeasure(entity="activity", agg="count", where=(Condition(column="type", value="phone_call"),))
    assert vocabulary_problems("CALLS", phone) == [
        "CALLS: where type eq ['phone_call']: activity.type is one of call, email_sent, email_open, email_click, "
        "meeting, task, note, web_visit, form_fill, other"]
    misspelt = InlineMeasure(entity="training_enrolment", agg="count", where=(
        Condition(column="program.program_type", op="in", value=["onboarding", "onbaording"]),))
    assert vocabulary_problems("ONBOARDED", misspelt) == [
        "ONBOARDED: where program.program_type in ['onbaording']: training_program.program_type is one of "
        "onboarding, product, skills, partner, customer"]


def test_a_maven_kpi_that_changes_its_denominator_is_named(registry: KpiRegistry) -> None:
    kpis = {**registry.kpis, "WIN_RATE_ALL": _broken(registry, "WIN_RATE_ALL", denominator="opportunity.closed_count")}
    assert [p.split(":")[0] for p in maven_problems(kpis)] == ["WIN_RATE_ALL"]
    assert maven_problems({k: v for k, v in registry.kpis.items() if k != "WON_REVENUE"}) == [
        "WON_REVENUE: no such KPI (the Maven proof reproduces its published figure)"]


def test_the_checker_catches_a_wrong_column(tmp_path: Path) -> None:
    """The check the shipped files pass is the loader's: a shipped KPI with one column misspelt fails it, named."""
    text = definition_path("WIN_RATE_CLOSED").read_text(encoding="utf-8")
    assert "numerator: opportunity.won_count" in text
    broken = text.replace("numerator: opportunity.won_count",
                          "numerator: {entity: opportunity, agg: count, where: [{column: is_wonn, value: true}]}")
    (tmp_path / "win_rate_closed.yaml").write_text(broken, encoding="utf-8")
    with pytest.raises(KpiRegistryError) as caught:
        load_definitions(tmp_path, place="defs")
    assert "defs/win_rate_closed.yaml: KPI WIN_RATE_CLOSED (numerator): opportunity has no column 'is_wonn'" \
        in str(caught.value)


def test_the_catalog_catches_a_wrong_column_one_ref_away(tmp_path: Path) -> None:
    measures = tmp_path / "assessment.yaml"
    measures.write_text("entity: assessment\nmeasures:\n  scored: {entity: assessment, agg: sum, expr: "
                        "'days_between(user.hired_on, taken_on) + scor', where: [{column: program.kind, value: x}]}\n",
                        encoding="utf-8")
    with pytest.raises(KpiDefinitionError) as caught:
        Catalog.from_paths(DEFINITIONS_DIR.parent / "entities.yaml", [measures])
    text = str(caught.value)
    assert "measure assessment.scored: 'program.kind': training_program has no column 'kind'" in text
    assert "'user.hired_on': user has no column 'hired_on'" in text
    assert "assessment has no column 'scor'" in text
