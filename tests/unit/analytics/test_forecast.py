"""Revenue forecast: hazards from history, intervals, levels, backtest against baselines, audited adjustments."""

from __future__ import annotations

from datetime import UTC, date, datetime

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import Engine, select

from analytics import forecast
from analytics.deals import load
from store.tables import forecast as forecast_table
from tests.support.canonical_rows import add_many


def _pipeline(engine: Engine, months: int = 10, seed: int = 0) -> None:
    """Every month 40 deals are created; about half win 1-2 months later; two reps in two teams."""
    rng = np.random.default_rng(seed)
    rows = []
    start = pd.Timestamp("2025-01-01", tz="UTC")
    for m in range(months):
        for i in range(40):
            created = start + pd.DateOffset(months=m) + pd.Timedelta(days=int(rng.integers(0, 28)))
            closes = created + pd.Timedelta(days=int(rng.integers(20, 60)))
            closed = closes < pd.Timestamp("2025-10-15", tz="UTC")
            won = bool(rng.random() < 0.5)
            rows.append({"id": f"d{m}-{i}", "owner_id": "u1" if i % 2 else "u2", "amount": 1000.0,
                         "created_at": created.to_pydatetime(), "close_date": closes.date() if closed else None,
                         "is_closed": closed, "is_won": closed and won, "stage": "Won" if closed and won else "Open"})
    add_many(engine, "opportunity", rows)
    add_many(engine, "crm_user", [{"id": "u1", "team": "east"}, {"id": "u2", "team": "west"}])


def test_backtest_scores_model_and_both_baselines_on_the_same_months(sqlite_store: Engine) -> None:
    _pipeline(sqlite_store)
    with sqlite_store.connect() as conn:
        result = forecast.backtest(load(conn), first="2025-03", last="2025-09")
    assert [m["month"] for m in result["months"]] == [f"2025-{k:02d}" for k in range(3, 10)]
    for name in ("model", "stage_weighted", "last_period"):
        assert set(result[name]) == {"mape", "mae", "bias"}
    assert result["model"]["mape"] < 1.0


def test_forecast_hides_outcomes_after_its_origin(sqlite_store: Engine) -> None:
    _pipeline(sqlite_store)
    with sqlite_store.connect() as conn:
        deals = forecast.prepare(load(conn))
    fc = forecast.forecast_period(deals, pd.DataFrame(columns=["opportunity_id", "amount", "changed_at"]),
                                  pd.Period("2025-06", "M"))
    origin = pd.Timestamp("2025-06-01")
    assert (fc.deals["created"] < origin).all()
    assert ((fc.deals["closed"] >= origin) | fc.deals["closed"].isna()).all()
    assert ((fc.deals["probability"] >= 0) & (fc.deals["probability"] <= 1)).all() and fc.expected > 0


def test_forecast_levels_intervals_and_storage(sqlite_store: Engine) -> None:
    _pipeline(sqlite_store)
    result = forecast.run_forecast(sqlite_store, period_kind="quarter", periods=1,
                                   as_of=datetime(2025, 10, 1, tzinfo=UTC))
    rows = result["rows"]
    assert {r["level"] for r in rows} == {"rep", "team", "company"}
    assert {r["key"] for r in rows if r["level"] == "team"} == {"east", "west"}
    company = next(r for r in rows if r["level"] == "company")
    assert company["p10"] <= company["p50"] <= company["p90"]
    reps = sum(r["expected"] for r in rows if r["level"] == "rep")
    assert reps == pytest.approx(company["expected"])
    with sqlite_store.connect() as conn:
        stored = conn.execute(select(forecast_table.c.model_version)).scalars().all()
    assert len(stored) == len(rows) and set(stored) == {forecast.VERSION}


def test_adjustments_keep_an_audit_trail(sqlite_store: Engine) -> None:
    _pipeline(sqlite_store)
    forecast.run_forecast(sqlite_store, period_kind="month", periods=1, as_of=datetime(2025, 10, 1, tzinfo=UTC))
    first = forecast.adjust(sqlite_store, period_kind="month", period_start=date(2025, 10, 1), level="company",
                            key="company", value=50_000, reason="big renewal", author="cfo@example.com")
    second = forecast.adjust(sqlite_store, period_kind="month", period_start=date(2025, 10, 1), level="company",
                             key="company", value=45_000, reason="renewal slips", author="vp@example.com")
    assert first["previous_value"] is not None and second["previous_value"] == 50_000
    trail = forecast.adjustments(sqlite_store)
    assert [a["value"] for a in trail] == [50_000, 45_000] and trail[1]["author"] == "vp@example.com"
    with pytest.raises(ValueError, match="reason and an author"):
        forecast.adjust(sqlite_store, period_kind="month", period_start=date(2025, 10, 1), level="company",
                        key="company", value=1, reason=" ", author="x")


def test_metrics() -> None:
    m = forecast.metrics([110, 90], [100, 100])
    assert m == {"mape": pytest.approx(0.1), "mae": pytest.approx(10), "bias": pytest.approx(0.0)}
