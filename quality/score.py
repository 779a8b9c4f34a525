"""A record's data-quality score: the share of its entity's expectations it passed, weighted by severity.

A broken ``fail`` rule weighs 3, ``quarantine`` 2, ``warn`` 1 (a rule's own ``weight`` in the YAML overrides it);
1.0 is a record that broke nothing, 0.0 one that broke every rule. An entity with no rules scores 1.0.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache

from quality.suite import Rule

SEVERITY_WEIGHT: Mapping[str, float] = {"warn": 1.0, "quarantine": 2.0, "fail": 3.0}


def rule_weight(rule: Rule) -> float:
    return rule.weight or SEVERITY_WEIGHT[rule.severity]


def record_score(rules: Sequence[Rule], failed: Sequence[str]) -> float:
    if not failed:  # most records: nothing lost, whatever the weights (and an entity with no rules scores 1.0 too)
        return 1.0
    if isinstance(rules, tuple):  # a suite's rules (quality/suite.py): immutable, so its scores can be kept
        return _scorer(_Same(rules)).score(failed)
    return _score(rules, frozenset(failed))


def _score(rules: Sequence[Rule], broken: frozenset[str]) -> float:
    total = sum(rule_weight(r) for r in rules)
    if not total:
        return 1.0
    lost = sum(rule_weight(r) for r in rules if r.name in broken)
    return round(1.0 - lost / total, 4)


class _Same:
    """A rule tuple as a cache key by identity: hashing the rules themselves costs more than scoring (and their
    kwargs are dicts). The cache holds the tuple, so its id cannot be reused while the entry lives."""

    __slots__ = ("rules",)

    def __init__(self, rules: tuple[Rule, ...]) -> None:
        self.rules = rules

    def __hash__(self) -> int:
        return id(self.rules)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Same) and other.rules is self.rules


class _Scorer:
    """One suite's scores by the set of rules broken: a score depends on nothing else, and a unit of thousands of
    records breaks a handful of distinct sets, so each is summed once instead of once per record."""

    __slots__ = ("known", "rules")
    LIMIT = 4096  # distinct sets kept; past it (a suite of many rules broken every which way) scores are summed

    def __init__(self, rules: tuple[Rule, ...]) -> None:
        self.rules = rules
        self.known: dict[frozenset[str], float] = {}

    def score(self, failed: Sequence[str]) -> float:
        broken = frozenset(failed)
        found = self.known.get(broken)
        if found is None:
            found = _score(self.rules, broken)
            if len(self.known) < self.LIMIT:
                self.known[broken] = found
        return found


@lru_cache(maxsize=64)  # suites are loaded once per process; reloading them makes new tuples, so old entries age out
def _scorer(rules: _Same) -> _Scorer:
    return _Scorer(rules.rules)


def mean_score(scores: Sequence[float]) -> float | None:
    return round(sum(scores) / len(scores), 4) if scores else None
