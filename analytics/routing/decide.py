"""The online decision for one lead, in two halves: ``frame`` gathers what it depends on (eligibility, load, cap,
effect and expected value of every member, the round-robin state) into plain JSON-able inputs; ``choose`` picks
from those inputs alone. A stored decision keeps the inputs, so ``replay`` is ``choose`` again."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from analytics.routing import swrr
from analytics.routing.effects import Effects
from analytics.routing.eligibility import available, ineligible, routing_fields
from analytics.routing.spec import Pool, Rule


@dataclass(frozen=True, slots=True)
class Choice:
    rep: str | None  # None: queued
    fired: str
    expected_value: float | None
    state_after: dict[str, float]


def frame(lead: Mapping[str, Any], pool: Pool, *, rule: Rule | None, probability: float, probability_source: str,
          deal_value: float, effects: Effects, loads: Mapping[str, int], now: datetime,
          state: Mapping[str, float], check_cap: bool = True,
          prices: Mapping[str, float] | None = None,
          availability: Mapping[str, str | None] | None = None) -> dict[str, Any]:
    """Everything ``choose`` needs for ``lead`` in ``pool`` at ``now`` (UTC-aware); ``check_cap`` False for a
    batch, whose solver keeps every rep within its cap. ``prices``: each rep's capacity price (bid price) in
    expected-value units, subtracted before the value band, so a scarce rep is kept for the leads only they
    convert well (``service`` takes them from the batch LP over a forecast of the leads to come).
    ``availability``: each member's ``available(member, now)``, computed once for many leads decided at ``now``."""
    fields = routing_fields(lead, pool)
    members = []
    for m in pool.members:
        load = loads.get(m.rep, 0)
        effect = effects.effect(m.rep, fields["segment"])
        members.append({"rep": m.rep, "weight": m.weight, "load": load, "cap": m.cap, "effect": effect,
                        "ev": min(probability * effect, 1.0) * deal_value, "price": (prices or {}).get(m.rep, 0.0),
                        "why_not": ineligible(m, fields, available_now=(availability[m.rep] if availability is not None
                                                              else available(m, now)),
                                               load=load if check_cap else None)})
    return {"lead_id": str(lead["id"]), "fields": fields, "probability": probability,
            "probability_source": probability_source, "deal_value": deal_value, "strategy": pool.strategy,
            "tolerance": pool.tolerance, "rule": None if rule is None else {"name": rule.name, "rep": rule.rep},
            "members": members, "state_before": dict(state), "at": now.isoformat()}


def choose(inputs: Mapping[str, Any]) -> Choice:
    """The rep for a framed lead: a rule's rep when eligible, else the pool's strategy among eligible members, else
    the queue."""
    state = {k: float(v) for k, v in inputs["state_before"].items()}
    members = inputs["members"]
    eligible = [m for m in members if m["why_not"] is None]
    rule = inputs["rule"]
    prefix = ""
    if rule is not None and rule["rep"] is not None:
        target = next(m for m in members if m["rep"] == rule["rep"])
        if target["why_not"] is None:
            return Choice(target["rep"], f"rule {rule['name']}: rep {target['rep']}", target["ev"], state)
        prefix = f"rule {rule['name']}: rep {target['rep']} skipped ({target['why_not']}); "
    elif rule is not None:
        prefix = f"rule {rule['name']}; "
    if not eligible:
        full = sum(1 for m in members if str(m["why_not"]).startswith("at cap"))
        return Choice(None, f"{prefix}queue: none of {len(members)} members eligible ({full} at cap)", None, state)
    strategy = inputs["strategy"]
    if strategy == "value":
        net = {m["rep"]: m["ev"] - m["price"] for m in eligible}
        best = max(net.values())
        band = [m for m in eligible if net[m["rep"]] >= best - inputs["tolerance"] * abs(best)]
        priced = " net of capacity prices" if any(m["price"] for m in eligible) else ""
        why = f"value: {len(band)} of {len(eligible)} eligible within {inputs['tolerance']:.0%} of the best{priced}"
    else:
        band = eligible
        why = f"{strategy}: {len(eligible)} of {len(members)} members eligible"
    weights = {m["rep"]: (1.0 if strategy == "round_robin" else float(m["weight"])) for m in band}
    rep, after = swrr.pick(weights, state)
    chosen = next(m for m in band if m["rep"] == rep)
    return Choice(rep, prefix + why, chosen["ev"], after)


def replay(inputs: Mapping[str, Any]) -> str | None:
    """The rep a stored decision's inputs give (None: queued)."""
    return choose(inputs).rep
