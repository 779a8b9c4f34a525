"""bench.report: the side-by-side ratios pair crmhub with an alternative only on the same object, volume and store;
the API-call targets flag runs over 5 % of the minimum and unchanged syncs that cost more than a few calls."""

from __future__ import annotations

from typing import Any

from bench.report import side_by_side, targets


def _crmhub(store: str, rate: int, **extra: Any) -> dict[str, Any]:
    return {"tool": "crmhub", "object": "contacts", "store": store, "records": 10_000, "initial_rec_per_s": rate,
            "peak_rss_mb": 290, "api_calls": 100, "api_calls_minimum": 100, "unchanged_calls": 2,
            "unchanged_minimum": 2, **extra}


def _alt(store: str, rate: int, records: int = 10_000) -> dict[str, Any]:
    return {"tool": "naive", "object": "contacts", "store": store, "records": records, "initial_rec_per_s": rate,
            "peak_rss_mb": 160}


def test_ratio_pairs_same_object_volume_and_store() -> None:
    rows = [_crmhub("sqlite", 3000), _crmhub("postgresql", 1000), _alt("sqlite", 1000), _alt("postgresql", 800),
            _alt("sqlite", 10, records=99)]
    out = {(r["store"], r["alternative_rec_per_s"]): r for r in side_by_side(rows)}
    assert set(out) == {("sqlite", 1000), ("postgresql", 800)}
    assert out[("sqlite", 1000)]["ratio"] == 3.0 and out[("sqlite", 1000)]["target_2x_met"] is True
    assert out[("postgresql", 800)]["ratio"] == 1.25 and out[("postgresql", 800)]["target_2x_met"] is False


def test_failed_runs_are_not_compared() -> None:
    rows = [{"tool": "crmhub", "object": "contacts", "store": "sqlite", "records": 10_000, "error": "boom"},
            _alt("sqlite", 1000)]
    assert side_by_side(rows) == []


def test_api_call_targets() -> None:
    rows = [_crmhub("sqlite", 1, api_calls=105), _crmhub("postgresql", 1, api_calls=106, unchanged_calls=9),
            _alt("sqlite", 1)]
    out = targets(rows)
    assert [(r["within_5pct"], r["unchanged_few"]) for r in out] == [(True, True), (False, False)]
    assert out[1]["over_minimum"] == "+6.0%"
