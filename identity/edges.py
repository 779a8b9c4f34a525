"""A link between two records: the evidence that they are the same person or company, and how sure we are."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Edge:
    a: int  # indices into the resolve's record list, a < b
    b: int
    rule: str  # email | crm_id | converted | domain | probabilistic
    confidence: float
    evidence: dict[str, Any] = field(default_factory=dict, compare=False)

    @staticmethod
    def of(i: int, j: int, rule: str, confidence: float, evidence: dict[str, Any]) -> Edge:
        return Edge(min(i, j), max(i, j), rule, confidence, evidence)


# Deterministic rules join first, in this order; probabilistic links follow by falling confidence.
RULE_ORDER = {"crm_id": 0, "converted": 1, "email": 2, "domain": 3, "probabilistic": 4}


def ordered(edges: list[Edge]) -> list[Edge]:
    return sorted(edges, key=lambda e: (RULE_ORDER.get(e.rule, 9), -e.confidence, e.a, e.b))
