"""What the KPI benchmark's store looks like (kpi_data.py describes it): sizes per scale, the time span, and the
helpers every generated table shares (ids, provenance columns, random instants and references)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import numpy as np
import pandas as pd

# Three years of data up to the first day of this month (UTC): as-of KPIs run from the first deal to today, so a
# store whose data stopped long ago would give them empty periods to compute.
END = np.datetime64(datetime.now(UTC).strftime("%Y-%m-01T00:00:00"), "s")
START = END.astype("datetime64[M]").astype("datetime64[s]") - np.timedelta64(3 * 365 + 1, "D").astype("timedelta64[s]")
CLOSED_BEFORE = (END.astype("datetime64[M]") - 1).astype("datetime64[D]")  # open deals: those closing from last month
SPAN = int((END - START) / np.timedelta64(1, "s"))
CHUNK = 250_000
ACTIVITY_TYPES = ("call", "email_sent", "email_open", "email_click", "meeting", "task", "note")
ACTIVITY_SHARES = (0.30, 0.25, 0.15, 0.05, 0.10, 0.10, 0.05)
STAGES = ("Prospecting", "Qualification", "Proposal", "Negotiation")


def sizes(scale: float) -> dict[str, int]:
    reps = max(20, round(500 * scale))
    return {"opportunity": round(500_000 * scale), "activity": round(5_000_000 * scale), "reps": reps,
            "teams": max(2, reps // 10), "account": max(100, round(50_000 * scale)),
            "contact": max(200, round(100_000 * scale)), "lead": max(200, round(200_000 * scale))}


def ids(prefix: str, lo: int, hi: int) -> pd.Series:
    return pd.Series([f"{prefix}{i:08d}" for i in range(lo, hi)])


def base(frame: pd.DataFrame, obj: str, created: np.ndarray) -> pd.DataFrame:
    frame.insert(1, "source_connection", "bench")
    frame.insert(2, "source_object", obj)
    frame.insert(3, "source_id", frame["id"])
    frame["created_at"] = created
    frame["updated_at"] = created
    frame["synced_at"] = np.datetime64(datetime.now(UTC).replace(tzinfo=None), "us")
    return frame


def instants(rng: np.random.Generator, n: int) -> np.ndarray:
    offsets: np.ndarray = rng.integers(0, SPAN, n).astype("timedelta64[s]")
    return np.asarray(START + offsets)


Pick = Callable[[str, int, int], pd.Series]


def picker(rng: np.random.Generator) -> Pick:
    return lambda prefix, high, size: pd.Series([f"{prefix}{i:08d}" for i in rng.integers(0, high, size)])
