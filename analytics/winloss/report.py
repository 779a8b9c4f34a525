"""The win/loss service the faces call: the table and the controlled model over one period, as plain data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Engine

from analytics.winloss.cells import WinLossTable, parse_dims, win_loss
from analytics.winloss.frame import MULTI, load_closed
from analytics.winloss.model import FACTORS, ModelResult, fit_model
from analytics.winloss.pricing import PricingReport, pricing


@dataclass(frozen=True)
class WinLossReport:
    start: date | None
    end: date | None
    table: WinLossTable
    model: ModelResult | None

    def as_dict(self) -> dict[str, Any]:
        return {"from": self.start, "to": self.end, "table": self.table.as_dict(),
                "model": self.model.as_dict() if self.model else None}


def parse_controls(text: str) -> tuple[str, ...]:
    """The model's factors besides log(size): competitor and any single-valued dimension."""
    factors = parse_dims(text)
    bad = [f for f in factors if f in MULTI and f != "competitor"]
    if bad:
        raise ValueError(f"--controls {text!r}: {', '.join(bad)} can be a cut (--by) but not a model factor "
                         "(a deal may have several)")
    return factors


def winloss_report(engine: Engine, by: str = "competitor", *, start: date | None = None, end: date | None = None,
                   controls: str | None = ",".join(FACTORS)) -> WinLossReport:
    """The table by ``by`` (comma-separated dimensions) and, unless ``controls`` is None, the model."""
    dims = parse_dims(by)
    factors = parse_controls(controls) if controls is not None else None
    data = load_closed(engine, start=start, end=end)
    model = fit_model(data, factors) if factors is not None and len(data.deals) else None
    return WinLossReport(start, end, win_loss(data, dims), model)


def pricing_report(engine: Engine, *, start: date | None = None, end: date | None = None) -> PricingReport:
    """Discount depth against winning, quarter-end discounting, discount without uplift, list-vs-sold spread."""
    return pricing(engine, load_closed(engine, start=start, end=end))
