"""The native evaluator (quality/native.py) against Great Expectations, the engine of record: both run the same
fuzzed batches and rules and must flag the same rows for every rule, or both stop the batch with the same message.

Hypothesis is derandomised and bounded, so the test is deterministic and a run takes seconds. Batches mix what
the checker meets and where the two could part: None, NaN, NaT, empty strings, ints, floats, bools, unicode,
datetimes, duplicates, and a string among numbers; regexes with anchors, classes and flags; inclusive and strict
bounds; value sets of mixed types; ``mostly``.
"""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from quality.checker import QualityChecker, QualityFailure
from quality.native import BETWEEN, IN_SET, MATCH_REGEX, NATIVE_EXPECTATIONS, NOT_NULL, UNIQUE, native_check
from quality.suite import Rule

COLUMNS = ("a", "b")
NAN = float("nan")
NAT = datetime(2026, 1, 1, tzinfo=UTC)
TEXT = st.text(alphabet=st.sampled_from("aZ@.x-_ 1é€ß\n\t"), max_size=6)
WORDS = st.sampled_from(["ada@example.com", "a@b.co", "a@b.c", "@x.io", "GB", "gb", "USD", "usd", "US ", "pipeline",
                         "commit", "1", "1.0", "nan", "None", "True", "Ünïcødé", "x@y", ""])
INTS = st.integers(-3, 103) | st.sampled_from([0, 1, 100, 2**53 + 1])
FLOATS = st.floats(-5, 105, allow_nan=False) | st.sampled_from([0.0, -0.0, 100.0, 1e-9, 99.999, NAN])
NULLS = st.sampled_from([None, NAN])
# A column's values come from one of these, so most columns are typed as a mapping leaves them and some are mixed.
PROFILES = [
    NULLS | TEXT | WORDS,
    NULLS | INTS,
    NULLS | FLOATS,
    st.none() | INTS | FLOATS | st.booleans(),
    NULLS | TEXT | WORDS | INTS | FLOATS | st.booleans() | st.just(NAT),
]
REGEXES = [r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$", r"^[A-Z]{2}$", r"^[A-Z]{3}$", "a", "^$", r"\d", r"^\d+(\.0)?$", "é",
           r"^\s", "(?i)usd", r"\.", "^-", "nan", "None", "True", "[€ß]", r"\A\w+\Z", "(unclosed"]
VALUE_SETS = [["pipeline", "commit"], [0, 1, 2], [1.0, "1"], [None], ["", "a"], [True], [NAN, 100], ["GB", "gb"]]
BOUNDS = st.sampled_from([None, 0, 0.0, 1, -1.5, 10, 100, 100.5, NAN])
MOSTLY = st.sampled_from([None, 0.5, 0.9, 1])


@st.composite
def _rule(draw: st.DrawFn, name: str) -> Rule:
    expectation = draw(st.sampled_from(sorted(NATIVE_EXPECTATIONS)))
    kwargs: dict[str, Any] = {"column": draw(st.sampled_from(COLUMNS))}
    if expectation == MATCH_REGEX:
        kwargs["regex"] = draw(st.sampled_from(REGEXES))
    elif expectation == IN_SET:
        kwargs["value_set"] = draw(st.sampled_from(VALUE_SETS))
    elif expectation == BETWEEN:
        # Both None is refused by crmhub's config check and by GX's own model: not a batch either engine sees.
        low, high = draw(st.tuples(BOUNDS, BOUNDS).filter(lambda bounds: bounds != (None, None)))
        kwargs.update(min_value=low, max_value=high)
        kwargs.update({k: True for k in ("strict_min", "strict_max") if draw(st.booleans())})
    mostly = draw(MOSTLY)
    if mostly is not None:
        kwargs["mostly"] = mostly
    return Rule(name, expectation, kwargs, severity="warn")  # warn: every rule's rows show in the scores


@st.composite
def _case(draw: st.DrawFn) -> tuple[list[Rule], list[dict[str, Any]]]:
    rules = [draw(_rule(f"r{i}")) for i in range(draw(st.integers(1, 4)))]
    profiles = {column: draw(st.sampled_from(PROFILES)) for column in COLUMNS}
    size = draw(st.integers(1, 25))
    # Few distinct values so that duplicates are common.
    pools = {column: draw(st.lists(profiles[column], min_size=1, max_size=6)) for column in COLUMNS}
    rows = [{column: draw(st.sampled_from(pools[column])) for column in COLUMNS} for _ in range(size)]
    return rules, rows


class _Engines:
    """A native and a GX checker over one suites mapping, each fuzzed case under an entity name of its own (GX
    builds its suite once per entity), so the GX context is built once for the whole test."""

    def __init__(self) -> None:
        self.suites: dict[str, tuple[Rule, ...]] = {}
        self.native = QualityChecker(self.suites)
        self.gx = QualityChecker(self.suites)
        self.cases = itertools.count()

    def both(self, rules: list[Rule], rows: list[dict[str, Any]]) -> tuple[Any, Any]:
        n = next(self.cases)
        self.suites[f"native{n}"] = tuple(rules)
        self.suites[f"gx{n}"] = tuple(replace(r, engine="gx") for r in rules)
        return _outcome(self.native, f"native{n}", rows), _outcome(self.gx, f"gx{n}", rows)


def _outcome(checker: QualityChecker, entity: str, rows: list[dict[str, Any]]) -> Any:
    """The rules each row broke, or the message that stopped the batch."""
    try:
        verdict = checker.check(entity, rows)
    except QualityFailure as stop:
        return str(stop)
    return [sorted(failed) for _, _, failed in verdict.scores]


@pytest.fixture(scope="module")
def engines() -> _Engines:
    return _Engines()


# No shrinking and 60 examples (~0.2 s of CPU each, a GX validate): the failing example is printed as drawn.
@settings(derandomize=True, max_examples=60, deadline=None, database=None,
          phases=[Phase.explicit, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(case=_case())
def test_native_and_gx_flag_the_same_rows(engines: _Engines, case: tuple[list[Rule], list[dict[str, Any]]]) -> None:
    rules, rows = case
    native, gx = engines.both(rules, rows)
    assert native == gx, f"rules {rules}\nrows {rows}"


def test_the_fuzzed_cases_reach_every_branch(engines: _Engines) -> None:
    """The conformance above means something only if the cases break rules, stop batches and pass rows."""
    rules = [Rule("n", NOT_NULL, {"column": "a"}, "warn"), Rule("u", UNIQUE, {"column": "a"}, "warn"),
             Rule("r", MATCH_REGEX, {"column": "a", "regex": "^[A-Z]{2}$"}, "warn"),
             Rule("s", IN_SET, {"column": "a", "value_set": ["GB", 1]}, "warn"),
             Rule("m", IN_SET, {"column": "a", "value_set": ["GB"], "mostly": 0.5}, "warn")]
    rows = [{"a": "GB"}, {"a": None}, {"a": NAN}, {"a": "GB"}, {"a": "gb"}, {"a": 1}, {"a": ""}]
    native, gx = engines.both(rules, rows)
    assert native == gx == [["u"], ["n"], ["n"], ["u"], ["m", "r", "s"], ["m", "r"], ["m", "r", "s"]]  # m: 2 of 5
    between = [Rule("b", BETWEEN, {"column": "a", "min_value": 0, "max_value": 10, "strict_max": True}, "warn")]
    numbers = [{"a": 0}, {"a": 10}, {"a": None}, {"a": 9.5}, {"a": -1}]
    assert engines.both(between, numbers) == ([[], ["b"], [], [], ["b"]],) * 2
    mixed = [{"a": 1}, {"a": "x"}]
    native, gx = engines.both(between, mixed)
    assert native == gx
    assert native.startswith("rule b (expect_column_values_to_be_between) could not run: Column values, min_value")


@pytest.mark.parametrize(("expectation", "kwargs"), [
    (NOT_NULL, {"column": "a", "row_condition": 'a=="x"', "condition_parser": "great_expectations"}),
    (MATCH_REGEX, {"column": "a", "regex": "x", "catch_exceptions": False}),
    (IN_SET, {"column": "a", "value_set": {"$PARAMETER": "sets"}}),
    (BETWEEN, {"column": "a", "min_value": "2024-01-01"}),
    (BETWEEN, {"column": "a", "min_value": 0, "strict_min": 1}),
    (BETWEEN, {"column": "a", "min_value": True}),
    (UNIQUE, {"column": "a", "mostly": 1.5}),
    (UNIQUE, {"column": "a", "parse_strings_as_datetimes": True}),
    ("expect_column_value_lengths_to_be_between", {"column": "a", "min_value": 2}),
    ("expect_column_values_to_not_match_regex", {"column": "a", "regex": "x"}),
])
def test_what_native_does_not_reproduce_goes_to_gx(expectation: str, kwargs: dict[str, Any]) -> None:
    assert native_check(expectation, kwargs) is None


def test_a_rule_left_to_gx_runs_there_beside_the_native_ones() -> None:
    rules = (Rule("short", "expect_column_value_lengths_to_be_between", {"column": "a", "max_value": 2}, "warn"),
             Rule("cond", NOT_NULL, {"column": "a", "catch_exceptions": True}, "warn"),
             Rule("set", IN_SET, {"column": "a", "value_set": ["ab", "abc"]}, "warn"))
    rows = [{"a": "abc", "b": "y"}, {"a": None, "b": "y"}, {"a": None, "b": "n"}, {"a": "zz", "b": "n"}]
    verdict = QualityChecker({"contact": rules}).check("contact", rows)
    assert [failed for _, _, failed in verdict.scores] == [["short"], ["cond"], ["cond"], ["set"]]
    assert verdict.seconds_in_gx > 0


def test_all_native_rules_skip_gx_and_the_gx_engine_does_not() -> None:
    rules = (Rule("ln", NOT_NULL, {"column": "last_name"}, "warn"),)
    rows = [{"last_name": None}, {"last_name": "Lovelace"}]
    native = QualityChecker({"contact": rules}).check("contact", rows)
    gx = QualityChecker({"contact": tuple(replace(r, engine="gx") for r in rules)}).check("contact", rows)
    assert native.seconds_in_gx == 0.0 < gx.seconds_in_gx
    assert native.warnings == gx.warnings == {"ln": 1}
