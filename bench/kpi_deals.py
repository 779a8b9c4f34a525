"""The KPI benchmark's deals, their stage history and line items, leads, quotas and activities (kpi_data.py says
the shape); each a generator of (entity, DataFrame) chunks so 5,000,000 activities never sit in memory at once."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

from bench.kpi_shape import (
    ACTIVITY_SHARES,
    ACTIVITY_TYPES,
    CHUNK,
    CLOSED_BEFORE,
    END,
    STAGES,
    START,
    Pick,
    base,
    ids,
    instants,
)

Chunks = Iterator[tuple[str, pd.DataFrame]]


def _days(values: np.ndarray) -> np.ndarray:
    return values.astype("datetime64[D]")


def deals(rng: np.random.Generator, n: dict[str, int], pick: Pick) -> Chunks:
    yield "product", base(pd.DataFrame({"id": ids("p", 0, 50), "name": [f"Product {i}" for i in range(50)],
                                         "family": [f"Family {i % 5}" for i in range(50)],
                                         "unit_price": rng.lognormal(8, 1, 50), "active": True}),
                           "products", instants(rng, 50))
    for lo in range(0, n["opportunity"], CHUNK):
        size = min(CHUNK, n["opportunity"] - lo)
        created = instants(rng, size)
        close = _days(created + rng.integers(5, 181, size).astype("timedelta64[D]"))
        closed = close < CLOSED_BEFORE
        won = closed & (rng.random(size) < 1 / 3)
        stage_no = rng.integers(0, len(STAGES), size)
        stage = np.where(won, "Closed Won", np.where(closed, "Closed Lost", np.array(STAGES)[stage_no]))
        opp = pd.DataFrame({"id": ids("o", lo, lo + size), "name": [f"Deal {i}" for i in range(lo, lo + size)],
                            "account_id": pick("a", n["account"], size), "owner_id": pick("u", n["reps"], size),
                            "amount": np.round(rng.lognormal(9.5, 1.0, size), 2),
                            "currency": rng.choice(["USD", "EUR", "GBP"], size, p=[0.85, 0.10, 0.05]),
                            "stage": stage, "pipeline": "default",
                            "probability": np.where(won, 100.0, np.where(closed, 0.0, 10.0 + 20 * stage_no)),
                            "close_date": close, "is_closed": closed, "is_won": won,
                            "forecast_category": np.where(closed, "closed", "pipeline"),
                            "loss_reason": pd.Series(rng.choice(["price", "timing", "competitor"], size))
                            .where(closed & ~won, None)})
        yield "opportunity", base(opp, "opportunities", created)
        yield "opportunity_stage", _history(rng, opp, created)
        yield "line_item", _lines(rng, opp, created)


def _history(rng: np.random.Generator, opp: pd.DataFrame, created: np.ndarray) -> pd.DataFrame:
    """The first stage at creation, a middle stage half-way, the closing stage at the close date (closed deals)."""
    close = opp["close_date"].to_numpy().astype("datetime64[s]")
    mid = created + (close - created) // 2
    final = opp["probability"].to_numpy()
    parts = [(created, "Prospecting", 10.0, np.ones(len(opp), bool)),
             (mid, "Proposal", 50.0, rng.random(len(opp)) < 0.7),
             (close, opp["stage"].to_numpy(), final, opp["is_closed"].to_numpy())]
    frames = []
    for k, (at, stage, probability, keep) in enumerate(parts):
        rows = pd.DataFrame({"id": opp["id"] + f":{k}", "opportunity_id": opp["id"], "stage": stage,
                             "amount": opp["amount"], "probability": probability,
                             "close_date": opp["close_date"], "changed_at": at})
        frames.append(rows[keep].assign(created_at=at[keep]))
    out = pd.concat(frames, ignore_index=True)
    return base(out.drop(columns="created_at"), "stage_history", out["created_at"].to_numpy())


def _lines(rng: np.random.Generator, opp: pd.DataFrame, created: np.ndarray) -> pd.DataFrame:
    chosen = np.flatnonzero(rng.random(len(opp)) < 0.3)
    count = rng.integers(1, 3, len(chosen))
    which = np.repeat(chosen, count)
    k = len(which)
    quantity = rng.integers(1, 20, k).astype(float)
    unit = np.round(rng.lognormal(7, 1, k), 2)
    lines = pd.DataFrame({"id": opp["id"].to_numpy()[which] + ":" + pd.Series(range(k)).astype(str),
                          "opportunity_id": opp["id"].to_numpy()[which], "product_id": pick_products(rng, k),
                          "quantity": quantity, "unit_price": unit, "list_price": np.round(unit * 1.1, 2),
                          "discount_percent": np.round(rng.uniform(0, 20, k), 1),
                          "total_price": np.round(quantity * unit, 2),
                          "currency": opp["currency"].to_numpy()[which]})
    return base(lines, "line_items", created[which])


def pick_products(rng: np.random.Generator, k: int) -> list[str]:
    return [f"p{i:08d}" for i in rng.integers(0, 50, k)]


def leads_and_quotas(rng: np.random.Generator, n: dict[str, int], pick: Pick) -> Chunks:
    k = n["lead"]
    created = instants(rng, k)
    converted = rng.random(k) < 0.15
    at = np.where(converted, created + rng.integers(1, 90, k).astype("timedelta64[D]"), np.datetime64("NaT"))
    leads = pd.DataFrame({"id": ids("l", 0, k), "last_name": [f"Lead {i}" for i in range(k)],
                          "status": np.where(converted, "converted", rng.choice(["open", "working", "nurture"], k)),
                          "lead_source": rng.choice(["web", "referral", "event", "outbound"], k),
                          "owner_id": pick("u", n["reps"], k), "converted": converted, "converted_at": at,
                          "converted_opportunity_id": pick("o", n["opportunity"], k).where(converted, None)})
    yield "lead", base(leads, "leads", created)
    months = np.arange(START.astype("datetime64[M]"), END.astype("datetime64[M]")).astype("datetime64[D]")
    reps = np.repeat(np.arange(n["reps"]), len(months))
    start = np.tile(months, n["reps"])
    quota = pd.DataFrame({"id": [f"q{r:05d}:{i % len(months):02d}" for i, r in enumerate(reps)],
                          "owner_id": [f"u{r:08d}" for r in reps], "period_start": start,
                          "period_end": (start.astype("datetime64[M]") + 1).astype("datetime64[D]") - 1,
                          "quota_type": "revenue", "amount": 60_000.0, "currency": "USD"})
    yield "quota", base(quota, "quotas", start.astype("datetime64[s]"))


def activities(rng: np.random.Generator, n: dict[str, int], pick: Pick) -> Chunks:
    for lo in range(0, n["activity"], CHUNK):
        size = min(CHUNK, n["activity"] - lo)
        at = instants(rng, size)
        kind = rng.choice(ACTIVITY_TYPES, size, p=ACTIVITY_SHARES)
        timed = (kind == "call") | (kind == "meeting")
        acts = pd.DataFrame({"id": ids("x", lo, lo + size), "type": kind, "occurred_at": at,
                             "owner_id": pick("u", n["reps"], size),
                             "account_id": pick("a", n["account"], size).where(rng.random(size) < 0.9, None),
                             "opportunity_id": pick("o", n["opportunity"], size).where(rng.random(size) < 0.5, None),
                             "contact_id": pick("c", n["contact"], size).where(rng.random(size) < 0.6, None),
                             "lead_id": pick("l", n["lead"], size).where(rng.random(size) < 0.2, None),
                             "duration_minutes": np.where(timed, rng.integers(5, 90, size), np.nan),
                             "status": "completed", "direction": rng.choice(["outbound", "inbound"], size)})
        yield "activity", base(acts, "activities", at)
