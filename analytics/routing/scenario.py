"""A planted rep x segment skill matrix (the ground truth) to measure routing against: history drawn from it trains
the effects, new leads are routed online, and each assignment is scored by its true conversion probability.

Used by the tests (the acceptance figures) and by ``bench/routing.py``; it touches no store.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np

from analytics.routing.batch import assign
from analytics.routing.decide import choose, frame
from analytics.routing.effects import Effects, Outcome, fit
from analytics.routing.spec import Member, Pool, Strategy

AT = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Scenario:
    reps: list[str]
    segments: list[str]
    skill: np.ndarray  # reps x segments: the true multiplier of a lead's conversion probability
    history: list[Outcome]
    lead_segment: np.ndarray  # per new lead: its segment's index
    lead_probability: np.ndarray  # per new lead: its base conversion probability (what the lead score says)
    caps: list[int]
    # A second draw from the arrivals' distribution: what the recent leads tell of the leads to come.
    forecast_segment: np.ndarray
    forecast_probability: np.ndarray

    def true_rate(self, rep: int, lead: int) -> float:
        return min(float(self.lead_probability[lead] * self.skill[rep, self.lead_segment[lead]]), 1.0)

    def expected_conversions(self, assigned: Sequence[int | None]) -> float:
        return sum(self.true_rate(r, i) for i, r in enumerate(assigned) if r is not None)

    def pool(self, strategy: Strategy, tolerance: float = 0.05) -> Pool:
        return Pool(strategy=strategy, tolerance=tolerance, segment_field="industry",
                    members=tuple(Member(rep=r, cap=c) for r, c in zip(self.reps, self.caps, strict=True)))


def planted(seed: int = 7, *, reps: int = 8, segments: int = 5, history: int = 4000, leads: int = 1000,
            slack: float = 1.25, spread: float = 0.5) -> Scenario:
    """Skill multipliers exp(N(0, spread)) normalised to mean 1 per segment; history leads assigned uniformly at
    random; base probabilities Beta(2, 8) (mean 0.2); caps ``slack`` times an equal share of the new leads."""
    rng = np.random.default_rng(seed)
    skill = np.exp(rng.normal(0.0, spread, size=(reps, segments)))
    skill /= skill.mean(axis=0, keepdims=True)
    names = [f"rep{r:02d}" for r in range(reps)]
    seg_names = [f"seg{s}" for s in range(segments)]
    h_rep = rng.integers(0, reps, history)
    h_seg = rng.integers(0, segments, history)
    h_p = rng.beta(2, 8, history)
    converted = rng.random(history) < np.minimum(h_p * skill[h_rep, h_seg], 1.0)
    outcomes = [Outcome(names[r], seg_names[s], bool(c)) for r, s, c in zip(h_rep, h_seg, converted, strict=True)]
    cap = math.ceil(slack * leads / reps)
    return Scenario(names, seg_names, skill, outcomes, rng.integers(0, segments, leads), rng.beta(2, 8, leads),
                    [cap] * reps, rng.integers(0, segments, leads), rng.beta(2, 8, leads))


def bid_prices(scenario: Scenario, effects: Effects) -> dict[str, float]:
    """Capacity prices from the batch LP over the forecast draw, valued with the learned effects."""
    values = [[min(float(p) * effects.effect(r, scenario.segments[s]), 1.0) for r in scenario.reps]
              for s, p in zip(scenario.forecast_segment, scenario.forecast_probability, strict=True)]
    prices = assign(values, list(scenario.caps)).prices
    return dict(zip(scenario.reps, prices, strict=True))


def route_online(scenario: Scenario, strategy: Strategy, *, effects: Effects | None = None,
                 tolerance: float = 0.05, priced: bool = False) -> list[int | None]:
    """Each new lead in turn through ``frame`` and ``choose``, as ``crmhub route`` decides it; ``priced``: net of
    capacity prices from the forecast (the pool's ``forecast_leads``)."""
    pool = scenario.pool(strategy, tolerance)
    learned = effects if effects is not None else fit(scenario.history)
    prices = bid_prices(scenario, learned) if priced else None
    loads = dict.fromkeys(scenario.reps, 0)
    state: dict[str, float] = {}
    index = {r: i for i, r in enumerate(scenario.reps)}
    out: list[int | None] = []
    for i, (s, p) in enumerate(zip(scenario.lead_segment, scenario.lead_probability, strict=True)):
        lead = {"id": f"L{i}", "industry": scenario.segments[s]}
        choice = choose(frame(lead, pool, rule=None, probability=float(p), probability_source="scenario",
                              deal_value=1.0, effects=learned, loads=loads, now=AT, state=state,
                              prices=prices))
        state = choice.state_after
        if choice.rep is not None:
            loads[choice.rep] += 1
        out.append(None if choice.rep is None else index[choice.rep])
    return out


def oracle(scenario: Scenario) -> list[int | None]:
    """The best assignment within the caps knowing the true skill matrix (the batch solver on true rates)."""
    values = [[scenario.true_rate(r, i) for r in range(len(scenario.reps))]
              for i in range(len(scenario.lead_segment))]
    return assign(values, list(scenario.caps)).reps
