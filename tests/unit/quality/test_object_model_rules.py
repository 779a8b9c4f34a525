"""The shipped suites of issue 17's entities, and the own expectations that compare columns of one row."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from quality.checker import QualityChecker
from quality.own_rules import BETWEEN_WHEN, EITHER, NOT_LESS, unexpected
from quality.suite import parse_suites

NOW = datetime.fromisoformat("2026-12-08T12:00:00+00:00")


def _quota(i: int, **fields: Any) -> dict[str, Any]:
    return {"id": f"q{i}", "source_id": str(i), "owner_id": "u1", "team_id": None, "period_start": date(2026, 1, 1),
            "period_end": date(2026, 3, 31), "quota_type": "revenue", "amount": 100_000.0, "currency": "EUR",
            **fields}


def _reasons(verdict: Any) -> dict[str, list[str]]:
    return {row["source_id"]: [r["message"] for r in reasons] for row, reasons in verdict.quarantined}


# --- the own row expectations ---
def test_one_of_two_columns_must_be_set() -> None:
    rows = [{"a": 1, "b": None}, {"a": None, "b": 2}, {"a": None, "b": None}, {"a": 0, "b": 0}]
    assert unexpected(EITHER, {"column": "a", "or_column": "b"}, rows, exists=None, now=NOW) == [2]


def test_a_column_is_not_less_than_another_where_both_are_set() -> None:
    rows = [{"end": date(2026, 1, 2), "start": date(2026, 1, 1)}, {"end": date(2026, 1, 1), "start": date(2026, 1, 1)},
            {"end": date(2025, 12, 31), "start": date(2026, 1, 1)}, {"end": None, "start": date(2026, 1, 1)},
            {"end": date(2020, 1, 1), "start": None}]
    assert unexpected(NOT_LESS, {"column": "end", "other_column": "start"}, rows, exists=None, now=NOW) == [2]


def test_a_range_holds_only_where_the_condition_does() -> None:
    rows = [{"t": "nps", "s": 10.0}, {"t": "nps", "s": 11.0}, {"t": "nps", "s": -1.0}, {"t": "csat", "s": 80.0},
            {"t": "nps", "s": None}, {"t": None, "s": 99.0}]
    kwargs = {"column": "s", "min_value": 0, "max_value": 10, "when_column": "t", "when_value": "nps"}
    assert unexpected(BETWEEN_WHEN, kwargs, rows, exists=None, now=NOW) == [1, 2]
    assert unexpected(BETWEEN_WHEN, {**kwargs, "min_value": None}, rows, exists=None, now=NOW) == [1]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"column": "owner_id"}, r"quota\[0\]\.kwargs\.or_column: expect_column_values_or_other_to_not_be_null needs"),
        ({"column": "owner_id", "or_column": "squad_id"}, r"quota\[0\]\.kwargs\.or_column: 'squad_id' is not a field"),
    ],
)
def test_row_rules_are_checked_when_parsed(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_suites({"quota": [{"name": "r", "expectation": EITHER, "kwargs": kwargs}]}, source="s.yaml")


# --- the shipped suites ---
def test_a_quota_without_owner_or_team_is_quarantined_with_its_reason(checker: QualityChecker) -> None:
    rows = [
        _quota(1),
        _quota(2, owner_id=None, team_id="t1"),
        _quota(3, owner_id=None),
        _quota(4, period_end=date(2025, 12, 31)),
        _quota(5, amount=-1.0),
        _quota(6, quota_type="bananas"),
    ]
    verdict = checker.check("quota", rows, exists=lambda _entity, ids: set(ids), now=NOW)
    assert [r["source_id"] for r in verdict.passed] == ["1", "2", "6"]
    reasons = _reasons(verdict)
    assert reasons["3"] == ["owner_id: a quota needs an owner or a team (got None); rule quality.quota.owner_or_team "
                            "in crmhub.yaml"]
    assert reasons["4"][0].startswith("period_end: a quota period cannot end before it starts (got ")
    assert reasons["5"][0].startswith("amount: expected to be between {'min_value': 0} (got -1.0)")
    assert verdict.warnings == {"quota_type_known": 1}


def test_an_nps_score_is_0_to_10_and_other_scores_are_not_held_to_it(checker: QualityChecker) -> None:
    rows = [{"id": f"f{i}", "source_id": str(i), "feedback_type": kind, "score": score, "account_id": None}
            for i, (kind, score) in enumerate([("nps", 9.0), ("nps", 12.0), ("csat", 80.0), ("enablement", 4.0)])]
    verdict = checker.check("feedback", rows, now=NOW)
    assert _reasons(verdict) == {"1": ["score: an NPS score is from 0 to 10 (got 12.0); rule "
                                       "quality.feedback.nps_score_range in crmhub.yaml"]}


def test_a_stage_probability_is_a_percentage_as_on_opportunities(checker: QualityChecker) -> None:
    rows = [{"id": f"s{i}", "source_id": str(i), "stage": f"s{i}", "probability": p}
            for i, p in enumerate([0.0, 35.0, 100.0, 140.0])]
    verdict = checker.check("pipeline_stage", rows, now=NOW)
    assert list(_reasons(verdict)) == ["3"]


def test_case_contract_and_quote_refs_warn_until_they_resolve(checker: QualityChecker) -> None:
    stored = {"a-known", "o-known"}

    def exists(_entity: str, ids: list[str]) -> set[str]:
        return stored & set(ids)

    cases = [{"id": "k1", "source_id": "1", "subject": "Broken", "account_id": "a-known"},
             {"id": "k2", "source_id": "2", "subject": "Broken", "account_id": "a-gone"}]
    verdict = checker.check("case", cases, exists=exists, now=NOW)
    assert len(verdict.passed) == 2 and verdict.warnings == {"account_exists": 1}
    quotes = [{"id": "q1", "source_id": "1", "opportunity_id": "o-gone", "account_id": "a-known", "amount": 5.0}]
    assert checker.check("quote", quotes, exists=exists, now=NOW).warnings == {"opportunity_exists": 1}
    contracts = [{"id": "c1", "source_id": "1", "account_id": "a-known", "start_date": date(2026, 1, 1),
                  "end_date": date(2025, 1, 1)}]
    assert list(_reasons(checker.check("contract", contracts, exists=exists, now=NOW))) == ["1"]
