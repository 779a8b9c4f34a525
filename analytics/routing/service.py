"""``route``: the unassigned leads of the store through their pools, online (one lead at a time, in arrival order)
or as one batch per pool, each decision stored with its inputs (unless a dry run)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine

from analytics.routing import repo
from analytics.routing.decide import choose, frame
from analytics.routing.effects import Effects, fit
from analytics.routing.eligibility import available, field_value
from analytics.routing.match import resolve
from analytics.routing.rebatch import solve
from analytics.routing.spec import Pool, RoutingSpec, Rule


@dataclass(frozen=True, slots=True)
class Labels:
    """Which of a rep's leads are finished (config ``scoring.labels``): they train effects and free capacity."""

    closed_statuses: tuple[str, ...] = ("Closed - Not Converted", "Unqualified", "Disqualified", "Lost", "Junk")
    after_days: int | None = 180


@dataclass(slots=True)
class RouteRun:
    run_id: str
    mode: str
    dry_run: bool
    decisions: list[dict[str, Any]] = field(default_factory=list)
    batches: dict[str, dict[str, Any]] = field(default_factory=dict)  # per pool: value, bound, gap, method
    seconds: float = 0.0

    def summary(self) -> dict[str, Any]:
        per_rep: dict[str, int] = {}
        for d in self.decisions:
            if d["rep_id"] is not None:
                per_rep[d["rep_id"]] = per_rep.get(d["rep_id"], 0) + 1
        return {"run_id": self.run_id, "mode": self.mode, "dry_run": self.dry_run, "leads": len(self.decisions),
                "assigned": sum(per_rep.values()), "queued": sum(1 for d in self.decisions if d["rep_id"] is None),
                "per_rep": dict(sorted(per_rep.items())), "batches": self.batches, "seconds": round(self.seconds, 3)}


@dataclass(slots=True)
class _PoolContext:
    pool: Pool
    effects: Effects
    deal_values: dict[str | None, float]
    state: dict[str, float]
    prices: dict[str, float] = field(default_factory=dict)
    availability: dict[str, str | None] = field(default_factory=dict)  # per member, at the run's time


def route(engine: Engine, spec: RoutingSpec, *, now: datetime, pool: str | None = None, batch: bool = False,
          dry_run: bool = False, labels: Labels | None = None,
          probabilities: Mapping[str, float] | None = None) -> RouteRun:
    """Route every unassigned lead (only those ``pool`` receives, when given). ``probabilities``: conversion
    probabilities to use instead of the store's lead scores. Leads with neither get the pool's default."""
    if now.tzinfo is None:
        raise ValueError("route(now=...) must be timezone-aware (UTC)")
    if pool is not None and pool not in spec.pools:
        raise KeyError(f"--pool {pool!r} is not a pool of the routing file (pools: {sorted(spec.pools)})")
    labels = labels or Labels()
    started = time.perf_counter()
    run = RouteRun(str(uuid.uuid4()), "batch" if batch else "online", dry_run)
    with engine.begin() as conn:
        leads = repo.unassigned_leads(conn, closed_statuses=labels.closed_statuses)
        routed = [(lead, *resolve(spec, lead)) for lead in leads]
        routed = [r for r in routed if pool is None or r[1] == pool]
        scores = repo.probabilities(conn, [str(r[0]["id"]) for r in routed])
        pools = {name for _, name, _ in routed}
        reps = {m.rep for name in pools for m in spec.pools[name].members}
        loads = repo.open_loads(conn, reps, closed_statuses=labels.closed_statuses)
        contexts = {name: _context(conn, spec.pools[name], name, labels, now) for name in sorted(pools)}
        for name, ctx in contexts.items():
            if ctx.pool.strategy == "value" and ctx.pool.forecast_leads and not batch:
                ctx.prices = _bid_prices(conn, spec, name, ctx, loads, probabilities or {}, now)
        by_pool: dict[str, list[tuple[dict[str, Any], Rule | None]]] = {}
        for lead, name, rule in routed:
            by_pool.setdefault(name, []).append((lead, rule))
        for name, items in by_pool.items():
            step = _batch if batch else _online
            step(run, name, contexts[name], items, loads, scores, probabilities or {}, now)
        if not dry_run:
            repo.save(conn, run.decisions)
    run.seconds = time.perf_counter() - started
    return run


def _context(conn: Connection, pool: Pool, name: str, labels: Labels, now: datetime) -> _PoolContext:
    reps = [m.rep for m in pool.members]
    outcomes = repo.history(conn, reps, segment_field=pool.segment_field, closed_statuses=labels.closed_statuses,
                            after_days=labels.after_days, now=now)
    return _PoolContext(pool, fit(outcomes), repo.deal_values(conn, segment_field=pool.segment_field),
                        repo.last_state(conn, name), availability={m.rep: available(m, now) for m in pool.members})


def _bid_prices(conn: Connection, spec: RoutingSpec, name: str, ctx: _PoolContext, loads: Mapping[str, int],
                passed: Mapping[str, float], now: datetime) -> dict[str, float]:
    """Each member's capacity price: the dual of its cap in the batch LP over the pool's recent leads."""
    assert ctx.pool.forecast_leads is not None
    recent = [(lead, rule) for lead in repo.recent_leads(conn, ctx.pool.forecast_leads)
              for pool, rule in [resolve(spec, lead)] if pool == name]
    if not recent:
        return {}
    scores = repo.probabilities(conn, [str(lead["id"]) for lead, _ in recent])
    framed = [_framed(ctx, lead, rule, loads, scores, passed, now, check_cap=False) for lead, rule in recent]
    capacity = {m.rep: None if m.cap is None else max(m.cap - loads.get(m.rep, 0), 0) for m in ctx.pool.members}
    prices = solve(framed, capacity).prices
    return {m.rep: p for m, p in zip(ctx.pool.members, prices, strict=True)}


def _probability(lead_id: str, passed: Mapping[str, float], scores: Mapping[str, tuple[float, str]],
                 pool: Pool) -> tuple[float, str]:
    if lead_id in passed:
        return float(passed[lead_id]), "passed in"
    return scores.get(lead_id, (pool.default_probability, "pool default_probability (lead not scored)"))


def _framed(ctx: _PoolContext, lead: dict[str, Any], rule: Rule | None, loads: Mapping[str, int],
            scores: Mapping[str, tuple[float, str]], passed: Mapping[str, float], now: datetime,
            check_cap: bool) -> dict[str, Any]:
    p, source = _probability(str(lead["id"]), passed, scores, ctx.pool)
    segment_value = ctx.deal_values.get(field_value(lead, ctx.pool.segment_field), ctx.pool.deal_value)
    return frame(lead, ctx.pool, rule=rule, probability=p, probability_source=source, deal_value=segment_value,
                 effects=ctx.effects, loads=loads, now=now, state=ctx.state if check_cap else {},
                 check_cap=check_cap, prices=ctx.prices, availability=ctx.availability)


def _row(run: RouteRun, name: str, pool: Pool, now: datetime, inputs: dict[str, Any], rep: str | None, fired: str,
         ev: float | None, state_after: dict[str, float] | None) -> dict[str, Any]:
    return {"run_id": run.run_id, "decided_at": now, "pool": name, "mode": run.mode, "strategy": pool.strategy,
            "lead_id": inputs["lead_id"], "rep_id": rep, "fired": fired[:255], "expected_value": ev,
            "inputs": inputs, "state_after": state_after}


def _online(run: RouteRun, name: str, ctx: _PoolContext, items: list[tuple[dict[str, Any], Rule | None]],
            loads: dict[str, int], scores: Mapping[str, tuple[float, str]], passed: Mapping[str, float],
            now: datetime) -> None:
    for lead, rule in items:
        inputs = _framed(ctx, lead, rule, loads, scores, passed, now, check_cap=True)
        choice = choose(inputs)
        if choice.rep is not None:
            loads[choice.rep] = loads.get(choice.rep, 0) + 1
        ctx.state = choice.state_after
        run.decisions.append(_row(run, name, ctx.pool, now, inputs, choice.rep, choice.fired,
                                  choice.expected_value, choice.state_after))


def _batch(run: RouteRun, name: str, ctx: _PoolContext, items: list[tuple[dict[str, Any], Rule | None]],
           loads: dict[str, int], scores: Mapping[str, tuple[float, str]], passed: Mapping[str, float],
           now: datetime) -> None:
    framed = [_framed(ctx, lead, rule, loads, scores, passed, now, check_cap=False) for lead, rule in items]
    capacity = {m.rep: None if m.cap is None else max(m.cap - loads.get(m.rep, 0), 0) for m in ctx.pool.members}
    solved = solve(framed, capacity)
    run.batches[name] = {"leads": len(framed), "value": solved.value, "bound": solved.bound, "gap": solved.gap,
                         "method": solved.method}
    reps = [m.rep for m in ctx.pool.members]
    for inputs, j in zip(framed, solved.reps, strict=True):
        inputs["batch"] = {"capacity": capacity}
        rep = None if j is None else reps[j]
        ev = None if j is None else inputs["members"][j]["ev"]
        rule = inputs["rule"]
        if rep is None:
            fired = f"batch queue: no eligible member with room ({solved.method})"
        elif rule is not None and rule["rep"] == rep:
            fired = f"rule {rule['name']}: rep {rep} (batch)"
        else:
            fired = f"batch: max expected value within caps, gap {solved.gap:.2%} ({solved.method})"
        if rep is not None:
            loads[rep] = loads.get(rep, 0) + 1
        run.decisions.append(_row(run, name, ctx.pool, now, inputs, rep, fired, ev, None))
