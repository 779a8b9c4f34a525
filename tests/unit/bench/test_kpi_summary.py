"""The KPI benchmark's summary: percentiles per grain over every call, the source that answered, skips and errors."""

from __future__ import annotations

from typing import Any

from bench.kpi import latency_rows


def test_percentiles_per_grain_and_over_every_grain() -> None:
    timings: list[dict[str, Any]] = [
               {"code": "A", "grain": "rep:month", "seconds": [0.1, 0.2, 0.3], "sources": ["compiled"] * 3},
               {"code": "B", "grain": "rep:month", "seconds": [1.0], "sources": ["kpi_value"]},
               {"code": "B", "grain": "all:all", "seconds": [], "sources": [], "skipped": "cannot be cut"},
               {"code": "C", "grain": "all:all", "seconds": [0.5], "sources": ["kpi_value"], "error": "boom"}]
    rows = {r["grain"]: r for r in latency_rows("sqlite", "served", timings)}
    month = rows["rep:month"]
    assert (month["calls"], month["KPIs"], month["slowest"], month["max ms"]) == (4, 2, "B", 1000.0)
    assert month["p50 ms"] == 250.0 and month["p95 ms"] == 895.0  # linear: 0.3 + 0.85 * (1.0 - 0.3)
    assert month["from kpi_value"] == "25%" and month["p95 target met"] is True
    assert (rows["all:all"]["not at grain"], rows["all:all"]["errors"]) == (1, 1)
    assert rows["every grain"]["calls"] == 5 and "team:quarter" not in rows
