"""Custom rules: the first rule whose every ``when`` field matches sends the lead to its pool (and rep)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from analytics.routing.eligibility import field_value
from analytics.routing.spec import RoutingSpec, Rule


def matches(rule: Rule, lead: Mapping[str, Any]) -> bool:
    return all(field_value(lead, name) in {v.casefold() for v in values} for name, values in rule.when.items())


def resolve(spec: RoutingSpec, lead: Mapping[str, Any]) -> tuple[str, Rule | None]:
    """The pool ``lead`` goes to and the rule that sent it there (None: no rule matched, the default pool)."""
    for rule in spec.rules:
        if matches(rule, lead):
            return spec.pool_of_rule(rule), rule
    return spec.fallback_pool, None
