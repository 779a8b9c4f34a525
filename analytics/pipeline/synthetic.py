"""A synthetic pipeline with planted stalls, as canonical rows: the ground truth the stalled-deal detector is scored on.

Deals move through four open stages; each stay lasts a log-normal number of days whose median depends on the
segment (enterprise deals are slower). At each stage a deal advances, is disqualified quickly, or (the planted
stalls) stops moving: the buyer goes quiet, the rep keeps sending follow-ups and pushing the close date, and after
several times the usual stay the deal is lost. What is planted is returned with the rows, so an evaluation knows
which deals stalled, where and when they were lost.

The behaviour is an assumption written down here, not learnt from data: reps keep following up stalled deals (so
"idle for 30 days" misses them) and slow segments have quiet weeks while healthy (so it flags those).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np

PIPELINE = "sales"
STAGES = ("Discovery", "Qualification", "Proposal", "Negotiation")
WON_STAGE, LOST_STAGE = "Closed Won", "Closed Lost"
# Segment: (median days per stage, mean days between rep activities, mean days between buyer activities, share)
SEGMENTS: dict[str, tuple[float, float, float, float]] = {
    "SMB": (7.0, 6.0, 5.0, 0.5),
    "Mid-Market": (12.0, 12.0, 8.0, 0.3),
    "Enterprise": (20.0, 22.0, 12.0, 0.2),
}
ROLES = ("Decision Maker", "Economic Buyer", "Influencer", "Technical Evaluator", "User")
TITLES = ("VP Sales", "Chief Financial Officer", "IT Manager", "Analyst", "Engineer", "Operations Lead")


@dataclass(frozen=True, slots=True)
class Knobs:
    """``deals`` over ``days`` of history ending at ``end``; ``advance``: chance of moving on at each stage;
    ``stall``: chance a deal stalls at a stage (instead of advancing or being disqualified); ``stall_factor``: how
    many usual stays a stall lasts before the loss (uniform); ``sigma``: spread of the log-normal stays."""

    deals: int = 1500
    days: int = 540
    end: datetime = datetime(2026, 6, 30, tzinfo=UTC)
    advance: float = 0.78
    stall: float = 0.05
    stall_factor: tuple[float, float] = (4.0, 9.0)
    sigma: float = 0.4
    owners: int = 8
    seed: int = 0


@dataclass(slots=True)
class Planted:
    """The ground truth: stalled deals with the stage they stalled in, when the stall began and when they were lost."""

    stalls: dict[str, tuple[str, datetime, datetime]] = field(default_factory=dict)


def _ids(prefix: str, n: int) -> list[str]:
    base = uuid.uuid5(uuid.NAMESPACE_URL, f"crmhub-pipeline-{prefix}")
    return [str(uuid.UUID(int=(base.int + i) % (1 << 128))) for i in range(n)]


def generate(knobs: Knobs = Knobs()) -> tuple[dict[str, list[dict[str, Any]]], Planted]:
    """Canonical rows per table (``pipeline_stage``, ``account``, ``crm_user``, ``contact``, ``opportunity``,
    ``opportunity_stage``, ``activity``, ``opportunity_contact_role``, ``quota``) and what was planted."""
    rng = np.random.default_rng(knobs.seed)
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in (
        "pipeline_stage", "account", "crm_user", "contact", "opportunity", "opportunity_stage", "activity",
        "opportunity_contact_role", "quota")}
    for order, stage in enumerate((*STAGES, WON_STAGE, LOST_STAGE), start=1):
        rows["pipeline_stage"].append({"id": f"stage-{order}", "pipeline": PIPELINE, "stage": stage, "label": stage,
                                       "display_order": order, "is_closed": order > len(STAGES),
                                       "is_won": stage == WON_STAGE})
    owners = [f"rep-{i + 1}" for i in range(knobs.owners)]
    rows["crm_user"] = [{"id": o, "first_name": o, "team": "east" if i % 2 else "west"} for i, o in enumerate(owners)]
    start = knobs.end - timedelta(days=knobs.days)
    names = list(SEGMENTS)
    shares = np.array([SEGMENTS[s][3] for s in names])
    planted = Planted()
    for i, deal_id in enumerate(_ids("deal", knobs.deals)):
        segment = names[int(rng.choice(len(names), p=shares / shares.sum()))]
        created = start + timedelta(days=float(rng.uniform(0, knobs.days)))
        _deal(rows, planted, rng, knobs, deal_id, i, segment, owners[i % len(owners)], created)
    for owner in owners:
        for quarter in range(4):
            begin = datetime(2026, 1 + 3 * quarter, 1, tzinfo=UTC).date()
            finish = (datetime(2026 + (quarter == 3), (4 + 3 * quarter - 1) % 12 + 1, 1, tzinfo=UTC)
                      - timedelta(days=1)).date()
            rows["quota"].append({"id": f"quota-{owner}-{quarter}", "owner_id": owner, "period_start": begin,
                                  "period_end": finish, "quota_type": "revenue", "amount": 700_000.0})
    _cut(rows, knobs.end)
    return rows, planted


def _deal(rows: dict[str, list[dict[str, Any]]], planted: Planted, rng: np.random.Generator, knobs: Knobs,
          deal_id: str, i: int, segment: str, owner: str, created: datetime) -> None:
    median, rep_gap, buyer_gap, _ = SEGMENTS[segment]
    account_id, when = f"acct-{i}", created
    rows["account"].append({"id": account_id, "name": f"Account {i}", "tier": segment})
    close = created + timedelta(days=median * len(STAGES) * 1.2)
    history: list[tuple[str, datetime, datetime]] = []
    outcome, quiet_from = WON_STAGE, None
    for stage in STAGES:
        history.append((stage, when, close))
        draw = rng.uniform()
        stay = median * float(np.exp(rng.normal(0, knobs.sigma)))
        if draw < knobs.stall:
            entered = when
            quiet_from = when + timedelta(days=stay * float(rng.uniform(0.2, 0.6)))
            when += timedelta(days=stay * float(rng.uniform(*knobs.stall_factor)))
            for push in range(int(rng.integers(1, 4))):  # the rep keeps pushing the date out
                close = close + timedelta(days=median * 1.5)
                at = quiet_from + (when - quiet_from) * (push + 1) / 4
                history.append((stage, at, close))
            planted.stalls[deal_id] = (stage, entered, when)
            outcome = LOST_STAGE
            break
        if draw < knobs.stall + (1 - knobs.stall) * (1 - knobs.advance):
            when += timedelta(days=stay * float(rng.uniform(0.3, 1.0)))  # disqualified, usually quickly
            outcome = LOST_STAGE
            break
        when += timedelta(days=stay)
    history.append((outcome, when, close))
    amount = float(np.round(rng.lognormal(np.log({"SMB": 8e3, "Mid-Market": 3e4, "Enterprise": 1.2e5}[segment]),
                                          0.5), -2))
    for k, (stage, at, expected) in enumerate(history):
        rows["opportunity_stage"].append({"id": f"{deal_id}-h{k}", "opportunity_id": deal_id, "stage": stage,
                                          "changed_at": at, "close_date": expected.date(), "amount": amount})
    rows["opportunity"].append({"id": deal_id, "name": f"Deal {i}", "account_id": account_id, "owner_id": owner,
                                "amount": amount, "stage": outcome, "pipeline": PIPELINE, "close_date": when.date(),
                                "is_closed": True, "is_won": outcome == WON_STAGE, "created_at": created})
    _activities(rows, rng, deal_id, owner, created, when, rep_gap, "outbound", None)
    _activities(rows, rng, deal_id, owner, created, when, buyer_gap, "inbound", quiet_from)
    _roles(rows, rng, deal_id, i)


def _activities(rows: dict[str, list[dict[str, Any]]], rng: np.random.Generator, deal_id: str, owner: str,
                start: datetime, end: datetime, gap: float, direction: str, quiet_from: datetime | None) -> None:
    at = start
    while True:
        at += timedelta(days=float(rng.exponential(gap)))
        if at >= end or (quiet_from is not None and at >= quiet_from):
            return
        rows["activity"].append({"id": f"{deal_id}-{direction}-{len(rows['activity'])}", "opportunity_id": deal_id,
                                 "owner_id": owner, "occurred_at": at, "direction": direction,
                                 "type": "email_sent" if direction == "outbound" else "call"})


def _roles(rows: dict[str, list[dict[str, Any]]], rng: np.random.Generator, deal_id: str, i: int) -> None:
    for k in range(int(rng.integers(1, 5))):
        contact_id = f"contact-{i}-{k}"
        rows["contact"].append({"id": contact_id, "first_name": f"C{k}", "last_name": f"D{i}",
                                "title": TITLES[int(rng.integers(len(TITLES)))]})
        rows["opportunity_contact_role"].append({"id": f"{deal_id}-r{k}", "opportunity_id": deal_id,
                                                 "contact_id": contact_id, "role": ROLES[int(rng.integers(len(ROLES)))],
                                                 "is_primary": k == 0})


def _cut(rows: dict[str, list[dict[str, Any]]], end: datetime) -> None:
    """Leave out what happens after ``end``: deals still running then are open, in the stage they had reached."""
    moves = [r for r in rows["opportunity_stage"] if r["changed_at"] <= end]
    rows["opportunity_stage"] = moves
    rows["activity"] = [r for r in rows["activity"] if r["occurred_at"] <= end]
    last: dict[str, dict[str, Any]] = {}
    for move in moves:
        last[move["opportunity_id"]] = move
    for deal in rows["opportunity"]:
        move = last[deal["id"]]
        if move["stage"] not in (WON_STAGE, LOST_STAGE):
            deal.update(stage=move["stage"], is_closed=False, is_won=False, close_date=move["close_date"])
