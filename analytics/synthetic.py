"""Synthetic canonical leads and activities, written straight into a store: for the speed benchmark and the tests.

A hidden propensity drives both behaviour and conversion, so a trained model has something real to find. Rows go in
as plain tuples (executemany), the only way to land millions of rows in seconds.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import numpy as np
from sqlalchemy import Engine

from analytics.timeutil import utc_now
from store.rawsql import db_time

TITLES = np.array(["CEO", "VP Sales", "Director of IT", "Marketing Manager", "Analyst", "Engineer", None],
                  dtype=object)
INDUSTRIES = np.array(["software", "finance", "retail", "health", None], dtype=object)
COUNTRIES = np.array(["US", "GB", "DE", "FR", "IN", None], dtype=object)
SOURCES = np.array(["organic", "paid_search", "referral", "event", None], dtype=object)
ACTIVITY_TYPES = np.array(["email_open", "email_click", "web_visit", "form_fill"], dtype=object)
URLS = np.array(["https://acme.test/blog/post", "https://acme.test/pricing", "https://acme.test/demo",
                 "https://acme.test/docs"], dtype=object)


def _ids(prefix: str, n: int) -> list[str]:
    base = uuid.uuid5(uuid.NAMESPACE_URL, prefix)
    return [str(uuid.UUID(int=(base.int + i) % (1 << 128))) for i in range(n)]


def populate(engine: Engine, *, leads: int, activities_per_lead: float = 2.0, seed: int = 0,
             now: datetime | None = None, labelled: bool = True) -> dict[str, int]:
    """Add ``leads`` leads and about ``activities_per_lead`` activities each (last 120 days) to a migrated store."""
    rng = np.random.default_rng(seed)
    now = now or utc_now()
    propensity = rng.beta(1.2, 3.0, leads)
    lead_ids = _ids(f"lead-{seed}", leads)
    employees = np.where(rng.random(leads) < 0.8, (10 ** rng.uniform(0.5, 4.5, leads)).astype(int), -1)
    converted = rng.random(leads) < propensity * 0.9 if labelled else np.zeros(leads, dtype=bool)
    counts = rng.poisson(activities_per_lead * (0.3 + 1.4 * propensity))
    owner = np.repeat(np.arange(leads), counts)
    n_act = int(counts.sum())
    kinds = rng.choice(ACTIVITY_TYPES, n_act, p=[0.45, 0.15, 0.3, 0.1])
    urls = np.where(np.isin(kinds, ["web_visit", "form_fill"]),
                    rng.choice(URLS, n_act, p=[0.5, 0.2, 0.1, 0.2]), np.asarray(None))  # None: an object array
    ages = rng.exponential(20 + 40 * (1 - propensity[owner]), n_act).clip(0, 120)
    durations = np.where(kinds == "web_visit", rng.exponential(90, n_act).round(), 0)
    synced = db_time_any(engine, now)
    with engine.begin() as conn:
        cursor = conn.connection.cursor()
        mark = "?" if conn.dialect.name == "sqlite" else "%s"
        created = [db_time(conn, now - timedelta(days=float(d))) for d in rng.uniform(1, 400, leads)]
        lead_rows = zip(lead_ids, ["synthetic"] * leads, ["leads"] * leads, map(str, range(leads)),
                        TITLES[rng.integers(0, len(TITLES), leads)].tolist(),
                        [int(e) if e >= 0 else None for e in employees.tolist()],
                        INDUSTRIES[rng.integers(0, len(INDUSTRIES), leads)].tolist(),
                        COUNTRIES[rng.integers(0, len(COUNTRIES), leads)].tolist(),
                        SOURCES[rng.integers(0, len(SOURCES), leads)].tolist(),
                        [bool(c) if labelled else None for c in converted.tolist()], created, [synced] * leads,
                        strict=True)
        cursor.executemany(
            "INSERT INTO lead (id, source_connection, source_object, source_id, title, employees, industry, country, "
            f"lead_source, converted, created_at, synced_at) VALUES ({', '.join([mark] * 12)})", list(lead_rows))
        act_ids = _ids(f"activity-{seed}", n_act)
        occurred = [db_time(conn, now - timedelta(days=float(a))) for a in ages.tolist()]
        custom = [f'{{"duration_seconds": {int(d)}}}' if d else None for d in durations.tolist()]
        owners = [lead_ids[i] for i in owner.tolist()]
        act_rows = zip(act_ids, ["synthetic"] * n_act, ["activities"] * n_act, map(str, range(n_act)), kinds.tolist(),
                       urls.tolist(), owners, occurred, custom, [synced] * n_act, strict=True)
        cursor.executemany(
            "INSERT INTO activity (id, source_connection, source_object, source_id, type, url, lead_id, occurred_at, "
            f"custom, synced_at) VALUES ({', '.join([mark] * 10)})", list(act_rows))
        cursor.close()
    return {"leads": leads, "activities": n_act, "converted": int(converted.sum())}


def db_time_any(engine: Engine, value: datetime) -> object:
    with engine.connect() as conn:
        return db_time(conn, value)
