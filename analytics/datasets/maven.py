"""Maven Analytics' "CRM + Sales + Opportunities" landed in the canonical store through ``maven.yaml``.

What a CRM would have done itself happens in pandas before the mapping:

- "GTXPro" (the pipeline) and "GTX Pro" (the catalogue) name one product: names are matched without spaces.
- A deal's amount is its booked ``close_value`` once won; before that (and for lost deals) its product's list price.
- ``created_at`` is the engage date. A Prospecting deal has none (it was never engaged) and the file says nothing of
  when it was created, so it is dated at the extract: the last date the file records (2017-12-31), the latest day it
  is known to have existed. "All deals created" then counts it, as every published win rate over all deals does,
  and no earlier period changes. ``custom.engage_date`` keeps the file's own value (empty for those deals).
- The stage history: an Engaging row at the engage date, a Won or Lost row at the close date.
- The regional office belongs to the sales agent: one territory per office, each agent assigned to theirs (the
  manager stays the agent's team). Each deal's product is one line item, quantity 1, at the deal's amount.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sqlalchemy import Engine

from analytics.datasets.load import iso_utc, land, read_csv, require, spec

FOLDER = "maven_crm"
CONNECTION = "maven"


def _key(names: pd.Series) -> pd.Series:
    return names.str.replace(" ", "", regex=False)


def extract_day(deals: pd.DataFrame) -> str:
    """The last date the pipeline file records (engage or close): the day its extract was taken, at the latest."""
    dates = pd.concat([deals["engage_date"], deals["close_date"]]).dropna()
    return str(dates.max())


def prepare_deals(deals: pd.DataFrame, products: pd.DataFrame) -> pd.DataFrame:
    """The pipeline rows with what the mapping reads besides the file's own columns (see the module docstring)."""
    catalogue = dict(zip(_key(products["product"]), products["product"], strict=True))
    price = dict(zip(_key(products["product"]), products["sales_price"], strict=True))
    out = deals.copy()
    out["catalogue_product"] = _key(out["product"]).map(catalogue)
    out["list_price"] = _key(out["product"]).map(price)
    out["amount"] = out["close_value"].where(out["deal_stage"] == "Won", out["list_price"])
    out["created"] = iso_utc(out["engage_date"].fillna(extract_day(deals)), "%Y-%m-%d")
    return out


def stage_history(deals: pd.DataFrame) -> pd.DataFrame:
    """One row per stage a deal entered that the file dates: Engaging (engage date), Won or Lost (close date)."""
    engaged = iso_utc(deals["engage_date"], "%Y-%m-%d")
    closed = iso_utc(deals["close_date"], "%Y-%m-%d")
    ids = deals["opportunity_id"]
    return pd.concat([
        pd.DataFrame({"id": ids + ":engaged", "opportunity_id": ids, "stage": "Engaging",
                      "amount": deals["list_price"], "changed_at": engaged})[engaged.notna()],
        pd.DataFrame({"id": ids + ":closed", "opportunity_id": ids, "stage": deals["deal_stage"],
                      "amount": deals["amount"], "changed_at": closed})[closed.notna()],
    ])


def load_maven(engine: Engine, root: Path) -> dict[str, int]:
    """Land the dataset under ``root/maven_crm``; the counts of rows landed, by kind."""
    mapping = spec("maven")
    teams = read_csv(require(root, FOLDER, "sales_teams.csv"))
    accounts = read_csv(require(root, FOLDER, "accounts.csv"))
    products = read_csv(require(root, FOLDER, "products.csv"))
    deals = prepare_deals(read_csv(require(root, FOLDER, "sales_pipeline.csv")), products)
    offices = teams[["regional_office"]].drop_duplicates()
    unknown = deals.loc[deals["catalogue_product"].isna(), "product"].unique()
    if len(unknown):
        raise ValueError(f"{FOLDER}/sales_pipeline.csv: products not in products.csv: {sorted(unknown)}")

    def put(name: str, frame: pd.DataFrame, key: str) -> int:
        return land(engine, mapping[name], frame, connection=CONNECTION, primary_key=key)

    return {
        "users": put("sales_teams", teams, "sales_agent"),
        "territories": put("regional_offices", offices, "regional_office"),
        "territory_assignments": put("office_assignments", teams, "sales_agent"),
        "accounts": put("accounts", accounts, "account"),
        "products": put("products", products, "product"),
        "opportunities": put("deals", deals, "opportunity_id"),
        "line_items": put("deal_products", deals, "opportunity_id"),
        "stage_history": put("deal_history", stage_history(deals), "id"),
    }
