"""Small KPI definition folders for the registry's tests: valid KPIs of each status, written as the shipped ones are."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


def computed(code: str = "WIN_RATE", **changes: Any) -> dict[str, Any]:
    return {"code": code, "name": code.replace("_", " ").title(), "description": "Deals won over deals closed.",
            "modules": ["BUS_DEV", "INSIDE_SALES"], "object_models": ["OPPORTUNITY", "SALE"], "type": "ratio",
            "status": "computed", "unit": "percent", "direction": "higher", "numerator": "opportunity.won_count",
            "denominator": "opportunity.closed_count", "scale": 100, **changes}


def needs_data(code: str = "DEMO_TO_CLOSE_RATE", **changes: Any) -> dict[str, Any]:
    return {"code": code, "name": code.replace("_", " ").title(), "description": "Deals closed after a demo.",
            "modules": ["INSIDE_SALES"], "object_models": ["DEMO"], "type": "ratio", "status": "needs_data",
            "unit": "percent", "direction": "higher",
            "needs": {"model": "DEMO", "fill": "a Demo custom object mapped to the DEMO model"}, **changes}


def not_computable(code: str = "NET_PROMOTER_SCORE", **changes: Any) -> dict[str, Any]:
    return {"code": code, "name": code.replace("_", " ").title(), "description": "Promoters minus detractors.",
            "modules": ["CUST_SUCCESS", "CUST_RETENTION", "INSIDE_SALES"], "object_models": ["CUSTOMER"],
            "type": "simple", "status": "not_computable", "unit": "score", "direction": "higher",
            "reason": "survey answers no CRM keeps", **changes}


def write(folder: Path, *kpis: dict[str, Any], names: dict[str, str] | None = None) -> Path:
    """One file per KPI, named ``<code lowercased>.yaml`` unless ``names`` says otherwise."""
    folder.mkdir(parents=True, exist_ok=True)
    for kpi in kpis:
        name = (names or {}).get(kpi["code"], f"{kpi['code'].lower()}.yaml")
        (folder / name).write_text(yaml.safe_dump(kpi, sort_keys=False))
    return folder
