"""A tile's trend as a Vega-Lite spec built with Altair (``to_dict`` validates it against Vega-Lite's schema), drawn
in the browser by the vendored vega-embed. The spec carries its data inline, so the page, and later an export, draw
the same chart from the same numbers."""

from __future__ import annotations

from typing import Any

import altair as alt
import vl_convert as vlc

from analytics.dashboard.tiles import Tile

# How each KPI unit is labelled on the y axis (definitions as data; a unit not here shows its own name).
AXIS_FORMAT: dict[str, str] = {"currency": ",.0f", "percent": ".1f", "count": ",.0f"}


def trend_spec(tile: Tile, *, period_title: str) -> dict[str, Any]:
    """A line with a point per period; a period without a value is a gap, never 0."""
    values = [{"period": p.period_start.isoformat(), "value": p.value} for p in tile.trend]
    unit = f" ({tile.unit})" if tile.unit else ""
    chart = (alt.Chart(alt.Data(values=values),  # type: ignore[no-untyped-call]  # Altair's generated classes
                       title=alt.Title(tile.label, anchor="start"))
             .mark_line(point=True)
             .encode(x=alt.X("period:T", title=period_title),
                     y=alt.Y("value:Q", title=f"{tile.label}{unit}",
                             axis=alt.Axis(format=AXIS_FORMAT.get(tile.unit, ",.2f"))))
             .properties(width="container", height=140,
                         description=f"{tile.label} by {period_title}: {len(values)} periods"))
    spec: dict[str, Any] = chart.to_dict()
    return spec


PRINT_WIDTH = 520  # px: a tile's chart on an A4 landscape page (the page's charts fill their container instead)


def trend_svg(tile: Tile, *, period_title: str) -> str:
    """The tile's trend as SVG, drawn by vl-convert (Vega itself, embedded: no browser) from the spec the page
    draws, so the PDF shows the page's chart. The spec's width only: "container" needs a browser's layout."""
    spec = {**trend_spec(tile, period_title=period_title), "width": PRINT_WIDTH}
    svg: str = vlc.vegalite_to_svg(spec)
    return svg
