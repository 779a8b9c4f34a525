"""The trend charts: Vega-Lite specs Altair validated against its schema, of the version the vendored vega-lite
draws, carrying the tile's own numbers (a period without a value stays a gap)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import altair as alt

from analytics.dashboard.charts import trend_spec
from analytics.dashboard.tiles import Tile, TrendPoint

VENDOR = Path(__file__).parents[4] / "web" / "static" / "vendor"


def tile(*points: tuple[date, float | None]) -> Tile:
    return Tile("WIN_RATE_CLOSED", "Win rate", "Win Rate (closed deals)", "percent", 50.0,
                tuple(TrendPoint(d, v) for d, v in points), "compiled", (), None)


def test_the_spec_is_valid_vega_lite_with_the_tiles_numbers() -> None:
    spec = trend_spec(tile((date(2025, 1, 1), 62.5), (date(2025, 2, 1), None)), period_title="month")
    alt.Chart.from_dict(spec, validate=True)  # raises on a spec the schema refuses
    assert spec["data"]["values"] == [{"period": "2025-01-01", "value": 62.5}, {"period": "2025-02-01", "value": None}]
    assert spec["encoding"]["x"]["type"] == "temporal" and spec["encoding"]["y"]["axis"]["format"] == ".1f"


def test_the_vendored_vega_lite_draws_the_specs_major_version() -> None:
    spec = trend_spec(tile(), period_title="month")
    major = re.search(r"vega-lite/v(\d+)\.", spec["$schema"])
    assert major is not None
    script = (VENDOR / "vega-lite.min.js").read_text(encoding="utf-8")
    shipped = re.search(r'"use strict";var \w+="(\d+)\.\d+\.\d+"', script)  # the bundle's version, first
    assert shipped is not None and shipped.group(1) == major.group(1)
    for name in ("vega", "vega-lite", "vega-embed"):
        assert (VENDOR / f"{name}.LICENSE.txt").is_file()
