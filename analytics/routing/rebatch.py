"""A batch's assignment problem from its decisions' stored inputs: what the batch solved, and its replay."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from analytics.routing.batch import Assignment, assign


def values_of(inputs: Mapping[str, Any]) -> list[float | None]:
    """One lead's row: each member's expected value where eligible; only the rule's rep when a rule names one
    who is eligible."""
    rule = inputs["rule"]
    members = inputs["members"]
    if rule is not None and rule["rep"] is not None:
        target = next(m for m in members if m["rep"] == rule["rep"])
        if target["why_not"] is None:
            return [m["ev"] if m["rep"] == rule["rep"] else None for m in members]
    return [m["ev"] if m["why_not"] is None else None for m in members]


def solve(framed: Sequence[Mapping[str, Any]], capacity: Mapping[str, int | None]) -> Assignment:
    """Assign the framed leads of one pool (members in the same order in every frame) within ``capacity``."""
    reps = [m["rep"] for m in framed[0]["members"]] if framed else []
    return assign([values_of(f) for f in framed], [capacity[r] for r in reps])


def replay_batch(inputs: Sequence[Mapping[str, Any]]) -> list[str | None]:
    """The reps a stored batch's decisions (one pool, in stored order) give when solved again."""
    if not inputs:
        return []
    capacity = inputs[0]["batch"]["capacity"]
    reps = [m["rep"] for m in inputs[0]["members"]]
    return [None if j is None else reps[j] for j in solve(inputs, capacity).reps]
