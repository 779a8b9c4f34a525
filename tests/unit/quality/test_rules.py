"""crmhub's own expectations (references, freshness), the record quality score, and what the checker reports."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

import quality.score
from quality.checker import QualityChecker
from quality.own_rules import FRESH, REFERENCE, unexpected
from quality.score import record_score
from quality.suite import Rule, load_suites, parse_suites

NOW = datetime(2026, 11, 21, 12, tzinfo=UTC)


def _opp(i: int, account: str | None, **extra: Any) -> dict[str, Any]:
    return {"id": f"o{i}", "source_id": str(i), "name": f"Deal {i}", "account_id": account, "amount": 10.0, **extra}


def test_a_reference_exists_in_the_store_or_in_the_batch() -> None:
    rows = [_opp(1, "a-stored"), _opp(2, "a-missing"), _opp(3, None), {"id": "a-in-batch"}, _opp(4, "a-in-batch")]
    asked: list[tuple[str, list[str]]] = []

    def exists(entity: str, ids: list[str]) -> set[str]:
        asked.append((entity, list(ids)))
        return {"a-stored"} & set(ids)

    kwargs = {"column": "account_id", "entity": "account"}
    assert unexpected(REFERENCE, kwargs, rows, exists=exists, now=NOW) == [1]
    assert asked == [("account", ["a-missing", "a-stored"])]  # the batch's own ids are not asked for
    assert unexpected(REFERENCE, kwargs, rows, exists=None, now=NOW) == [0, 1]


def test_freshness_refuses_the_future_and_with_max_age_the_too_old() -> None:
    rows = [{"updated_at": NOW - timedelta(days=1)}, {"updated_at": NOW + timedelta(minutes=4)},
            {"updated_at": NOW + timedelta(minutes=6)}, {"updated_at": NOW - timedelta(days=40)}, {"updated_at": None}]
    assert unexpected(FRESH, {"column": "updated_at"}, rows, exists=None, now=NOW) == [2]
    assert unexpected(FRESH, {"column": "updated_at", "max_age_days": 30}, rows, exists=None, now=NOW) == [2, 3]


def test_own_rules_are_checked_when_parsed() -> None:
    with pytest.raises(ValueError, match=r"opportunity\[0\]\.kwargs\.entity: the referenced canonical entity"):
        parse_suites({"opportunity": [{"name": "r", "expectation": REFERENCE,
                                       "kwargs": {"column": "account_id", "entity": "firm"}}]}, source="s.yaml")
    shipped = {r.name: r for r in load_suites()["opportunity"]}
    assert shipped["account_exists"].own and shipped["account_exists"].severity == "warn"


def test_the_score_is_the_severity_weighted_share_of_rules_passed() -> None:
    rules = [Rule("w", "expect_x", {}, "warn"), Rule("q", "expect_x", {}, "quarantine"),
             Rule("f", "expect_x", {}, "fail"), Rule("heavy", "expect_x", {}, "warn", weight=4.0)]
    assert record_score(rules, []) == 1.0
    assert record_score(rules, ["w"]) == pytest.approx(1 - 1 / 10)
    assert record_score(rules, ["q", "heavy"]) == pytest.approx(1 - 6 / 10)
    assert record_score(rules, ["w", "q", "f", "heavy"]) == 0.0
    assert record_score([], ["anything"]) == 1.0


def test_a_suites_score_is_summed_once_per_set_of_rules_broken(monkeypatch: pytest.MonkeyPatch) -> None:
    rules = (Rule("w", "expect_x", {}, "warn"), Rule("q", "expect_x", {}, "quarantine"),
             Rule("f", "expect_x", {}, "fail", weight=0.7), Rule("heavy", "expect_x", {}, "warn", weight=4.0))
    subsets = [[], ["w"], ["q", "w"], ["w", "q"], ["heavy", "f"], ["w", "q", "f", "heavy"], ["w", "w"], ["x"]]
    expected = [record_score(list(rules), failed) for failed in subsets]  # a list: never kept, always summed
    summed: list[frozenset[str]] = []
    real = quality.score._score

    def counted(rules: Any, broken: frozenset[str]) -> float:
        summed.append(broken)
        return real(rules, broken)

    monkeypatch.setattr(quality.score, "_score", counted)
    for _ in range(3):  # a unit's records break the same few sets over and over
        assert [record_score(rules, failed) for failed in subsets] == expected
    # Each distinct non-empty set once; nothing broken is 1.0 without a sum.
    assert sorted(map(sorted, summed)) == [["f", "heavy"], ["f", "heavy", "q", "w"], ["q", "w"], ["w"], ["x"]]
    # Another suite (a new tuple of the same rules) is scored on its own.
    assert record_score(tuple(list(rules)), ["w"]) == expected[1] and len(summed) == 6


def test_the_checker_scores_every_row_and_warns_on_references(checker: QualityChecker) -> None:
    rows = [_opp(1, "acc-1", currency="EUR", updated_at=NOW), _opp(2, "acc-x", currency="euro", updated_at=NOW),
            _opp(3, "acc-1", amount=-5.0, updated_at=NOW)]
    verdict = checker.check("opportunity", rows, exists=lambda entity, ids: {"acc-1"} & set(ids), now=NOW)
    assert [r["id"] for r in verdict.passed] == ["o1", "o2"]
    assert [row["id"] for row, _ in verdict.quarantined] == ["o3"]
    assert verdict.warnings == {"currency_code": 1, "account_exists": 1}
    scores = {rid: (score, failed) for rid, score, failed in verdict.scores}
    assert scores["o1"] == (1.0, [])
    # shipped opportunity weights: 2 quarantine rules (2 each), 1 fail (3), 5 warn (1 each) = 12
    assert scores["o2"] == (pytest.approx(1 - 2 / 12, abs=1e-4), ["currency_code", "account_exists"])
    assert scores["o3"] == (pytest.approx(1 - 2 / 12, abs=1e-4), ["amount_non_negative"])
