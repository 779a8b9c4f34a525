"""What the faces call: each function reads the store as of an instant and returns plain rows (JSON-ready)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Engine

from analytics.pipeline import deal_warnings
from analytics.pipeline.conversion import conversion, overall
from analytics.pipeline.cycle import DIMENSIONS, cycle, stage_durations
from analytics.pipeline.load import load_history
from analytics.pipeline.rules import WarningRules
from analytics.pipeline.velocity import coverage, period_bounds, velocity
from analytics.pipeline.waterfall import waterfall


def health(engine: Engine, as_of: datetime, *, cohorts: bool = False) -> dict[str, Any]:
    """Stage conversion (overall, or per monthly entry cohort) and days in each stage."""
    history = load_history(engine, as_of)
    rows = conversion(history)
    return {"as_of": as_of, "deals": len(history.deals),
            "conversion": rows if cohorts else overall(rows), "stage_days": stage_durations(history),
            "velocity": velocity(history), "coverage": coverage(history)}


def sales_cycle(engine: Engine, as_of: datetime, *, by: str | None = None) -> dict[str, Any]:
    """Creation to close, censoring-aware, for all deals or per pipeline, segment or owner."""
    if by is not None and by not in DIMENSIONS:
        raise ValueError(f"--by must be one of {', '.join(DIMENSIONS)}, not {by!r}")
    history = load_history(engine, as_of)
    return {"as_of": as_of, "by": by, "cycle": cycle(history, by)}


def refresh_warnings(engine: Engine, as_of: datetime, *, rules: WarningRules = WarningRules(),
                     save: bool = True) -> dict[str, Any]:
    """Compute every deal warning as of ``as_of``; with ``save``, replace the stored set with it."""
    history = load_history(engine, as_of)
    found = deal_warnings.compute(history, rules)
    stored = deal_warnings.save(engine, history, found, as_of) if save else 0
    open_deals = int((history.deals["outcome"] == "open").sum())
    return {"as_of": as_of, "open_deals": open_deals, "stored": stored,
            "by_kind": {k: int(n) for k, n in found["kind"].value_counts().sort_index().items()},
            "warnings": [{**row, "value": float(row["value"]), "threshold": float(row["threshold"])}
                         for row in found.to_dict("records")]}


def pipeline_waterfall(engine: Engine, as_of: datetime, *, period: str = "quarter",
                       by: str = "owner_id") -> dict[str, Any]:
    """The waterfall of the month or quarter containing ``as_of``, up to ``as_of`` when it is still running."""
    if period not in ("month", "quarter"):
        raise ValueError(f"--period must be month or quarter, not {period!r}")
    if by not in DIMENSIONS:
        raise ValueError(f"--by must be one of {', '.join(DIMENSIONS)}, not {by!r}")
    start, end = period_bounds(as_of, period)
    upto = min(end, as_of)
    history = load_history(engine, upto)
    return {"as_of": as_of, "period": period, "start": start, "end": end, "through": upto, "by": by,
            "rows": waterfall(history, start, upto, period_end=end, by=by)}
