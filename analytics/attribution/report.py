"""The services the faces call: one model's (or every model's) credits per channel, and the ROI tables."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine

from analytics.attribution.credit import MODELS, ModelCredit, ModelSettings, attribute
from analytics.attribution.journey import Journey
from analytics.attribution.load import JourneyOptions, load_journeys, person_keys
from analytics.attribution.roi import attributed, campaign_roi, campaigns, source_rows


def attribution_report(engine: Engine, *, model: str, options: JourneyOptions,
                       settings: ModelSettings | None = None) -> dict[str, Any]:
    """Per channel: attributed conversions and value under ``model`` (or, with ``all``, every model side by side)."""
    if model != "all" and model not in MODELS:
        raise ValueError(f"--model must be one of {', '.join((*MODELS, 'all'))}, not {model!r}")
    with engine.connect() as conn:
        types = {c.id: c.type for c in campaigns(conn)}
        journeys = load_journeys(conn, options, types)
    names = MODELS if model == "all" else (model,)
    results = [attribute(name, journeys, settings) for name in names]
    channels = sorted({c for r in results for c in (*r.conversions, *r.value)})
    return {"window": options.window, "channel_by": options.channel_by, **_counts(journeys),
            "models": [_model_doc(r) for r in results],
            "channels": [{"channel": c, **{r.model: {"conversions": r.conversions.get(c, 0.0),
                                                      "value": r.value.get(c, 0.0)} for r in results}}
                         for c in channels]}


def roi_report(engine: Engine, *, model: str = "linear", channel_by: str = "kind", lookback_days: int = 365,
               settings: ModelSettings | None = None, confidence: float = 0.95) -> dict[str, Any]:
    """Per campaign and per lead source: pipeline (pipeline window) and revenue (revenue window) attributed under
    ``model``, cost, ROI, and conversion rates with Wilson intervals."""
    if model not in MODELS:
        raise ValueError(f"--model must be one of {', '.join(MODELS)}, not {model!r}")
    with engine.connect() as conn:
        rows = campaigns(conn)
        types = {c.id: c.type for c in rows}
        credit: dict[str, ModelCredit] = {}
        journeys: dict[str, list[Journey]] = {}
        for window in ("pipeline", "revenue"):
            options = JourneyOptions(window=window, channel_by=channel_by, lookback_days=lookback_days)
            journeys[window] = load_journeys(conn, options, types)
            credit[window] = attribute(model, journeys[window], settings)
        converted_people = {p for j in journeys["pipeline"] if j.converted for p in j.people}
        by_campaign = campaign_roi(conn, rows, attributed(credit["pipeline"].touch_credits, "campaign"),
                                   attributed(credit["revenue"].touch_credits, "campaign"), converted_people,
                                   person_keys(conn), confidence)
        by_source = source_rows(conn, attributed(credit["pipeline"].touch_credits, "source"),
                                attributed(credit["revenue"].touch_credits, "source"), confidence)
    costs = [c["actual_cost"] for c in by_campaign if c["actual_cost"]]
    return {"model": model, "channel_by": channel_by, "campaigns": by_campaign, "sources": by_source,
            "total_cost": sum(costs), "campaigns_with_cost": len(costs),
            "pipeline": {"journeys": _counts(journeys["pipeline"])},
            "revenue": {"journeys": _counts(journeys["revenue"])},
            "note": "cost is campaign.actual_cost; lead sources carry no cost in the store, so they have no ROI"}


def _counts(journeys: list[Journey]) -> dict[str, Any]:
    converting = [j for j in journeys if j.converted]
    return {"journeys": len(journeys), "converting": len(converting),
            "touches": sum(len(j.touches) for j in journeys), "value": sum(j.value for j in converting)}


def _model_doc(result: ModelCredit) -> dict[str, Any]:
    return {"model": result.model, "conversions": sum(result.conversions.values()),
            "value": sum(result.value.values()), "details": result.details}
