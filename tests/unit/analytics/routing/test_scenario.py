"""The acceptance figures on the planted skill matrix (ground truth; analytics/routing/scenario.py): value routing
against the oracle (the best assignment within the caps knowing the true matrix) and against plain round robin.

Eight reps, five segments, 1,000 new leads, caps 1.25 x an equal share; six seeds, none chosen after the fact."""

from __future__ import annotations

import pytest

from analytics.routing.scenario import oracle, planted, route_online

SEEDS = (1, 2, 3, 7, 11, 13)


@pytest.mark.parametrize("seed", SEEDS)
def test_value_routing_with_capacity_prices_reaches_95_percent_of_the_oracle(seed: int) -> None:
    # 20,000 history leads: 500 per rep and segment, enough for the effects to find the planted matrix.
    scenario = planted(seed, history=20_000)
    best = scenario.expected_conversions(oracle(scenario))
    value = scenario.expected_conversions(route_online(scenario, "value", priced=True))
    plain = scenario.expected_conversions(route_online(scenario, "round_robin"))
    assert value >= 0.95 * best
    assert value >= 1.15 * plain
    assert best >= value  # the oracle is an upper bound: a check on the scenario itself


@pytest.mark.parametrize("seed", SEEDS)
def test_with_a_short_history_value_routing_still_beats_round_robin_by_far(seed: int) -> None:
    # 4,000 history leads (100 per cell): the shrunk effects are noisier; measured 0.92-0.985 of the oracle.
    scenario = planted(seed, history=4_000)
    best = scenario.expected_conversions(oracle(scenario))
    priced = scenario.expected_conversions(route_online(scenario, "value", priced=True))
    greedy = scenario.expected_conversions(route_online(scenario, "value"))
    plain = scenario.expected_conversions(route_online(scenario, "round_robin"))
    assert priced >= 0.90 * best
    assert priced >= greedy  # capacity prices help when caps bind
    assert priced >= 1.15 * plain


def test_round_robin_shares_are_exact_and_full_reps_queue() -> None:
    scenario = planted(3, leads=1_000, slack=0.9)  # less room than leads: the last 10 % must queue
    picks = route_online(scenario, "round_robin")
    counts = [picks.count(r) for r in range(len(scenario.reps))]
    assert counts == scenario.caps  # every rep filled to its cap, none beyond
    assert picks.count(None) == 1_000 - sum(scenario.caps)
