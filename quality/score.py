"""A record's data-quality score: the share of its entity's expectations it passed, weighted by severity.

A broken ``fail`` rule weighs 3, ``quarantine`` 2, ``warn`` 1 (a rule's own ``weight`` in the YAML overrides it);
1.0 is a record that broke nothing, 0.0 one that broke every rule. An entity with no rules scores 1.0.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from quality.suite import Rule

SEVERITY_WEIGHT: Mapping[str, float] = {"warn": 1.0, "quarantine": 2.0, "fail": 3.0}


def rule_weight(rule: Rule) -> float:
    return rule.weight or SEVERITY_WEIGHT[rule.severity]


def record_score(rules: Sequence[Rule], failed: Sequence[str]) -> float:
    total = sum(rule_weight(r) for r in rules)
    if not total:
        return 1.0
    broken = set(failed)
    lost = sum(rule_weight(r) for r in rules if r.name in broken)
    return round(1.0 - lost / total, 4)


def mean_score(scores: Sequence[float]) -> float | None:
    return round(sum(scores) / len(scores), 4) if scores else None
