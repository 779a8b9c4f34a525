"""The online decision: eligibility, rules, the value band, the queue, caps (a property) and replay."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time

from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.routing.decide import choose, frame, replay
from analytics.routing.effects import Effects, Outcome, fit
from analytics.routing.spec import Absence, Member, Pool, Rule

MONDAY_NOON = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


def _frame(pool: Pool, lead: dict[str, object], *, loads: dict[str, int] | None = None, rule: Rule | None = None,
           effects: Effects | None = None, now: datetime = MONDAY_NOON, state: dict[str, float] | None = None,
           probability: float = 0.2) -> dict[str, object]:
    return frame({"id": "L1", **lead}, pool, rule=rule, probability=probability, probability_source="test",
                 deal_value=1000.0, effects=effects or Effects(), loads=loads or {}, now=now, state=state or {})


def test_territory_skill_language_hours_and_absence_exclude() -> None:
    pool = Pool(members=(
        Member(rep="de", territories=frozenset({"DE"})),
        Member(rep="saas", skills=frozenset({"SaaS"})),
        Member(rep="fr", languages=frozenset({"fr"})),
        Member(rep="tokyo", timezone="Asia/Tokyo", hours=(time(9), time(17))),  # 21:00 in Tokyo
        Member(rep="away", out_of_office=(Absence(start=date(2026, 12, 7), end=date(2026, 12, 11)),)),
        Member(rep="ok"),
    ))
    inputs = _frame(pool, {"country": "de", "industry": "Retail", "custom": {"language": "de"}})
    why = {m["rep"]: m["why_not"] for m in inputs["members"]}  # type: ignore[attr-defined]
    assert why["de"] is None
    assert why["saas"].startswith("skill 'retail'")
    assert why["fr"].startswith("language 'de'")
    assert why["tokyo"].startswith("outside working hours 09:00-17:00 Asia/Tokyo")
    assert why["away"].startswith("out of office")
    assert why["ok"] is None
    assert choose(inputs).rep == "de"  # round robin among de and ok starts with the first


def test_a_rule_rep_wins_when_eligible_and_falls_back_when_full() -> None:
    pool = Pool(members=(Member(rep="a"), Member(rep="b", cap=1)))
    rule = Rule(name="vip", when={"industry": ["Banking"]}, rep="b")
    assert choose(_frame(pool, {"industry": "banking"}, rule=rule)).fired == "rule vip: rep b"
    full = choose(_frame(pool, {"industry": "banking"}, rule=rule, loads={"b": 1}))
    assert full.rep == "a" and full.fired.startswith("rule vip: rep b skipped (at cap (1/1 open leads))")


def test_everyone_full_queues_the_lead() -> None:
    pool = Pool(members=(Member(rep="a", cap=2), Member(rep="b", cap=0)))
    choice = choose(_frame(pool, {}, loads={"a": 2}))
    assert choice.rep is None and choice.fired == "queue: none of 2 members eligible (2 at cap)"


def test_value_routes_to_the_rep_whose_segment_effect_is_best_and_round_robins_within_the_band() -> None:
    history = ([Outcome("a", "saas", i < 40) for i in range(100)] + [Outcome("b", "saas", i < 10) for i in range(100)]
               + [Outcome("c", "saas", i < 41) for i in range(100)])
    effects = fit(history)
    pool = Pool(strategy="value", tolerance=0.05, members=(Member(rep="a"), Member(rep="b"), Member(rep="c")))
    state: dict[str, float] = {}
    picks = []
    for _ in range(4):
        choice = choose(_frame(pool, {"industry": "SaaS"}, effects=effects, state=state))
        state = choice.state_after
        picks.append(choice.rep)
    assert sorted(picks) == ["a", "a", "c", "c"]  # b is far below; a and c are within 5 % of each other


def test_replay_from_the_stored_json_gives_the_same_rep() -> None:
    pool = Pool(strategy="weighted", members=(Member(rep="a", weight=3), Member(rep="b")))
    state: dict[str, float] = {}
    for _ in range(10):
        inputs = _frame(pool, {}, state=state)
        choice = choose(inputs)
        stored = json.loads(json.dumps(inputs))
        assert replay(stored) == choice.rep
        state = choice.state_after


@settings(max_examples=100, deadline=None)
@given(caps=st.lists(st.integers(0, 5), min_size=1, max_size=5), leads=st.integers(1, 40),
       strategy=st.sampled_from(["round_robin", "weighted", "value"]))
def test_online_routing_never_goes_over_a_cap_and_queues_only_when_all_are_full(caps: list[int], leads: int,
                                                                                 strategy: str) -> None:
    pool = Pool(strategy=strategy,  # type: ignore[arg-type]
                members=tuple(Member(rep=f"r{i}", cap=c, weight=i + 1) for i, c in enumerate(caps)))
    loads: dict[str, int] = {}
    state: dict[str, float] = {}
    for n in range(leads):
        choice = choose(_frame(pool, {}, loads=loads, state=state, probability=(n % 7) / 7))
        state = choice.state_after
        if choice.rep is None:
            assert all(loads.get(f"r{i}", 0) >= c for i, c in enumerate(caps))
        else:
            loads[choice.rep] = loads.get(choice.rep, 0) + 1
        assert all(loads.get(f"r{i}", 0) <= c for i, c in enumerate(caps))
    assert sum(loads.values()) == min(leads, sum(caps))
