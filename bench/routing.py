"""Lead routing speed: online decisions (p50/p95 per lead, 20 reps, value routing with capacity prices) and the
10,000-lead batch (the capacitated assignment alone, and ``route(batch=True)`` end to end on a SQLite store).
Also prints the planted-matrix figures (value routing against the oracle and round robin).

``python -m bench.routing [--leads 10000] [--reps 20]``
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
from sqlalchemy import Engine, insert

import store
from analytics.routing.batch import assign
from analytics.routing.decide import choose, frame
from analytics.routing.effects import fit
from analytics.routing.eligibility import available
from analytics.routing.scenario import bid_prices, oracle, planted, route_online
from analytics.routing.service import route
from analytics.routing.spec import Member, Pool, RoutingSpec
from store.tables import lead

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


def _store(path: Path, *, leads: int, reps: int, history: int, seed: int) -> Engine:
    rng = np.random.default_rng(seed)
    engine = store.make_engine(f"sqlite:///{path}")
    store.ensure_schema(engine)
    segments = [f"seg{s}" for s in range(6)]
    rows = []
    for _ in range(history):
        rows.append({"owner_id": f"u{rng.integers(reps)}", "converted": bool(rng.random() < 0.2), "status": "Done",
                     "created_at": NOW - timedelta(days=400)})
    rows += [{"owner_id": None, "converted": False, "status": "Open", "created_at": NOW - timedelta(seconds=i)}
             for i in range(leads)]
    full = [{"id": f"L{i}", "source_connection": "bench", "source_object": "lead", "source_id": f"L{i}",
             "synced_at": NOW, "industry": segments[int(rng.integers(len(segments)))], **r} for i, r in enumerate(rows)]
    with engine.begin() as conn:
        conn.execute(insert(lead), full)
    return engine


def _spec(reps: int, cap: int, strategy: str = "value", forecast: int | None = 2000) -> RoutingSpec:
    members = tuple(Member(rep=f"u{r}", cap=cap) for r in range(reps))
    return RoutingSpec(pools={"inbound": Pool(strategy=strategy, members=members,  # type: ignore[arg-type]
                                              forecast_leads=forecast)})


def online(leads: int, reps: int) -> dict[str, float]:
    """Per-decision latency: a new lead lands, then route() decides it alone, as a webhook on a new lead would."""
    with tempfile.TemporaryDirectory() as tmp:
        engine = _store(Path(tmp) / "bench.db", leads=0, reps=reps, history=20_000, seed=1)
        times = _single_leads(engine, _spec(reps, cap=10_000), leads)
        engine.dispose()
    ordered = sorted(times)
    return {"decisions": len(times), "p50_ms": 1000 * statistics.median(times),
            "p95_ms": 1000 * ordered[int(0.95 * (len(ordered) - 1))]}


def decisions(leads: int, reps: int) -> dict[str, float]:
    """The decision alone (``frame`` + ``choose``), as a long-lived router would make it with the effects and
    capacity prices already in hand: effects fitted on 20,000 history leads, prices from 2,000 forecast leads."""
    scenario = planted(5, reps=reps, segments=6, history=20_000, leads=leads, slack=1.25)
    effects = fit(scenario.history)
    prices = bid_prices(scenario, effects)
    pool = scenario.pool("value")
    loads = dict.fromkeys(scenario.reps, 0)
    state: dict[str, float] = {}
    availability = {m.rep: available(m, NOW) for m in pool.members}
    times = []
    for i, (s, p) in enumerate(zip(scenario.lead_segment, scenario.lead_probability, strict=True)):
        started = time.perf_counter()
        choice = choose(frame({"id": f"L{i}", "industry": scenario.segments[s]}, pool, rule=None,
                              probability=float(p), probability_source="bench", deal_value=1.0, effects=effects,
                              loads=loads, now=NOW, state=state, prices=prices, availability=availability))
        times.append(time.perf_counter() - started)
        state = choice.state_after
        if choice.rep is not None:
            loads[choice.rep] += 1
    ordered = sorted(times)
    return {"decisions": len(times), "p50_ms": 1000 * statistics.median(times),
            "p95_ms": 1000 * ordered[int(0.95 * (len(ordered) - 1))]}


def _single_leads(engine: Engine, spec: RoutingSpec, n: int) -> list[float]:
    times = []
    for i in range(n):
        with engine.begin() as conn:
            conn.execute(insert(lead), [{"id": f"S{i}", "source_connection": "bench", "source_object": "lead",
                                         "source_id": f"S{i}", "synced_at": NOW, "industry": "seg2",
                                         "status": "Open", "created_at": NOW}])
        started = time.perf_counter()
        run = route(engine, spec, now=NOW + timedelta(seconds=i))
        times.append(time.perf_counter() - started)
        assert run.summary()["assigned"] == 1
    return times


def batch(leads: int, reps: int) -> dict[str, float]:
    rng = np.random.default_rng(2)
    values = rng.random((leads, reps))
    eligible = rng.random((leads, reps)) < 0.7
    rows = [[float(v) if ok else None for v, ok in zip(vr, er, strict=True)] for vr, er in zip(values, eligible,
                                                                                                 strict=True)]
    started = time.perf_counter()
    solved = assign(rows, [int(1.1 * leads / reps)] * reps)
    solver = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as tmp:
        engine = _store(Path(tmp) / "bench.db", leads=leads, reps=reps, history=20_000, seed=3)
        started = time.perf_counter()
        run = route(engine, _spec(reps, cap=int(1.1 * leads / reps) + 1000), now=NOW, batch=True)
        end_to_end = time.perf_counter() - started
        engine.dispose()
    return {"leads": leads, "reps": reps, "solver_s": solver, "solver_gap": solved.gap,
            "route_batch_s": end_to_end, "route_gap": run.batches["inbound"]["gap"]}


def quality(seeds: tuple[int, ...] = (1, 2, 3, 7, 11, 13)) -> list[dict[str, float]]:
    out = []
    for seed in seeds:
        for history in (4_000, 20_000):
            sc = planted(seed, history=history)
            best = sc.expected_conversions(oracle(sc))
            out.append({"seed": seed, "history": history, "oracle": best,
                        "value_priced": sc.expected_conversions(route_online(sc, "value", priced=True)) / best,
                        "value_greedy": sc.expected_conversions(route_online(sc, "value")) / best,
                        "round_robin": sc.expected_conversions(route_online(sc, "round_robin")) / best})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--leads", type=int, default=10_000)
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--decisions", type=int, default=200)
    args = parser.parse_args()
    d = decisions(args.leads, args.reps)
    print(f"decision alone (frame + choose, effects and prices in hand): {d['decisions']:,} leads, {args.reps} reps: "
          f"p50 {d['p50_ms']:.2f} ms, p95 {d['p95_ms']:.2f} ms")
    o = online(args.decisions, args.reps)
    print(f"one route() call per new lead (reads history, fits effects, prices capacity each time): "
          f"{o['decisions']} calls, {args.reps} reps, value + capacity prices over "
          f"2,000 recent leads, SQLite: p50 {o['p50_ms']:.1f} ms, p95 {o['p95_ms']:.1f} ms per decision")
    b = batch(args.leads, args.reps)
    print(f"batch: {b['leads']:,} leads x {b['reps']} reps: assignment {b['solver_s']:.2f} s "
          f"(gap {b['solver_gap']:.2%}); route --batch end to end on SQLite {b['route_batch_s']:.2f} s "
          f"(gap {b['route_gap']:.2%})")
    print("planted matrix (share of the oracle's expected conversions):")
    print("seed  history  value+prices  value greedy  round robin")
    for q in quality():
        print(f"{q['seed']:>4}  {q['history']:>7,}  {q['value_priced']:>12.3f}  {q['value_greedy']:>12.3f}  "
              f"{q['round_robin']:>11.3f}")


if __name__ == "__main__":
    main()
