"""The expectations a rule may use — in the shipped suites or in ``quality:`` of crmhub.yaml — with the kind of
value each parameter takes (config.ExpectationFacts), so a rule is checked before a run rather than failing in one.

Great Expectations has many more; these are the column-value expectations the checker sorts rows by (each names the
rows that break it), plus crmhub's own (quality/own_rules.py).
"""

from __future__ import annotations

from collections.abc import Mapping

from config import ExpectationFacts
from quality.own_rules import BETWEEN_WHEN, EITHER, FRESH, NOT_LESS, REFERENCE

_MOSTLY = {"mostly": "share"}  # GX: the rule holds when at least this share of the rows pass it
_RANGE = ("min_value", "max_value")

EXPECTATIONS: Mapping[str, ExpectationFacts] = {
    "expect_column_values_to_not_be_null": ExpectationFacts({"column": "column", **_MOSTLY}),
    "expect_column_values_to_be_unique": ExpectationFacts({"column": "column", **_MOSTLY}),
    "expect_column_values_to_match_regex": ExpectationFacts(
        {"column": "column", "regex": "regex", **_MOSTLY}, ("column", "regex")),
    "expect_column_values_to_not_match_regex": ExpectationFacts(
        {"column": "column", "regex": "regex", **_MOSTLY}, ("column", "regex")),
    "expect_column_values_to_be_in_set": ExpectationFacts(
        {"column": "column", "value_set": "list", **_MOSTLY}, ("column", "value_set")),
    "expect_column_values_to_not_be_in_set": ExpectationFacts(
        {"column": "column", "value_set": "list", **_MOSTLY}, ("column", "value_set")),
    "expect_column_values_to_be_between": ExpectationFacts(
        {"column": "column", "min_value": "number", "max_value": "number", **_MOSTLY}, any_of=_RANGE),
    "expect_column_value_lengths_to_be_between": ExpectationFacts(
        {"column": "column", "min_value": "number", "max_value": "number", **_MOSTLY}, any_of=_RANGE),
    REFERENCE: ExpectationFacts({"column": "column", "entity": "entity"}, ("column", "entity")),
    FRESH: ExpectationFacts({"column": "column", "max_age_days": "number", "future_minutes": "number"}),
    EITHER: ExpectationFacts({"column": "column", "or_column": "column"}, ("column", "or_column")),
    NOT_LESS: ExpectationFacts({"column": "column", "other_column": "column"}, ("column", "other_column")),
    BETWEEN_WHEN: ExpectationFacts(
        {"column": "column", "min_value": "number", "max_value": "number", "when_column": "column",
         "when_value": "text"}, ("column", "when_column", "when_value"), any_of=_RANGE),
}
