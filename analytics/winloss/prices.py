"""Each closed deal's list value, sold value and discount depth, from its line items.

A line's list value is ``list_price x quantity`` (quantity 1 when empty); its sold value is ``total_price``, else
``unit_price x quantity`` less ``discount_percent`` or ``discount_amount``. A line without a list price or a sold
value cannot say what was given away and is left out. A deal's depth is 1 - Σ sold / Σ list over its usable lines
(negative: sold above list); its discount in currency is Σ list - Σ sold. Deals with no usable line are not priced.
Sums are in the lines' own currency: a store holding several is said so in a note, not converted.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, select

from analytics.winloss.frame import ClosedDeals
from store.tables import line_item

LINE_COLUMNS = ["opportunity_id", "quantity", "unit_price", "list_price", "discount_percent", "discount_amount",
                "total_price", "currency", "product"]


def read_lines(engine: Engine, data: ClosedDeals) -> pd.DataFrame:
    li = line_item.c
    with engine.connect() as conn:
        rows = pd.DataFrame(conn.execute(
            select(li.opportunity_id, li.quantity, li.unit_price, li.list_price, li.discount_percent,
                   li.discount_amount, li.total_price, li.currency, li.name.label("product"))
            .where(li.deleted_at.is_(None))).mappings().all(), columns=LINE_COLUMNS)
    return rows[rows["opportunity_id"].isin(data.deals.index)].reset_index(drop=True)


def line_values(lines: pd.DataFrame) -> pd.DataFrame:
    """Per usable line: opportunity_id, product, list_value, sold_value."""
    num = {c: pd.to_numeric(lines[c], errors="coerce").astype(float)
           for c in ("quantity", "unit_price", "list_price", "discount_percent", "discount_amount", "total_price")}
    qty = num["quantity"].fillna(1.0)
    gross = num["unit_price"] * qty
    net = gross.where(num["discount_percent"].isna(), gross * (1 - num["discount_percent"] / 100))
    net = net.where(num["discount_amount"].isna() | num["discount_percent"].notna(), gross - num["discount_amount"])
    sold = num["total_price"].where(num["total_price"].notna(), net)
    out = pd.DataFrame({"opportunity_id": lines["opportunity_id"], "product": lines["product"],
                        "list_value": num["list_price"] * qty, "sold_value": sold, "currency": lines["currency"]})
    return out[out["list_value"].notna() & out["sold_value"].notna() & (out["list_value"] > 0)]


def deal_prices(data: ClosedDeals, values: pd.DataFrame) -> pd.DataFrame:
    """Per priced closed deal (index: deal id): list_value, sold_value, depth, discount, is_won, rep, close_date."""
    sums = values.groupby("opportunity_id")[["list_value", "sold_value"]].sum()
    sums = sums[sums["list_value"] > 0]
    deals = data.deals.loc[sums.index, ["is_won", "rep", "close_date"]]
    out = sums.join(deals)
    out["depth"] = 1 - out["sold_value"] / out["list_value"]
    out["discount"] = out["list_value"] - out["sold_value"]
    return out
