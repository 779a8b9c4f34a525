"""What Salesforce computes when a price book entry or an opportunity product is saved.

A line item copies its product, code and list price from its price book entry; the sales price defaults to the
list price; Subtotal = Quantity x UnitPrice and TotalPrice = Subtotal less Discount %. A TotalPrice sent without a
UnitPrice sets the UnitPrice back from it, as Salesforce does. The seeded Opportunity.Amount is the sum of its line
items' TotalPrice (what Salesforce rolls up); this sandbox does not recompute it on later API writes.
"""

from __future__ import annotations

from typing import Any

from sandbox.salesforce.store import Store
from sandbox.salesforce.table import Table

Row = list[Any]


def line_total(quantity: float, unit_price: float, discount: float | None) -> float:
    return round(quantity * unit_price * (1 - (discount or 0.0) / 100.0), 2) + 0.0


def price_entry(store: Store, table: Table, row: Row, old: Row | None, changed: set[str], stamp: str) -> None:
    col = table.columns
    found = store.lookup(row[col["Product2Id"]])
    if found is not None:
        products, product = found
        row[col["Name"]] = product[products.columns["Name"]]
        row[col["ProductCode"]] = product[products.columns["ProductCode"]]


def line_item(store: Store, table: Table, row: Row, old: Row | None, changed: set[str], stamp: str) -> None:
    col = table.columns
    found = store.lookup(row[col["PricebookEntryId"]])
    if found is not None and old is None:
        entries, entry = found
        row[col["Product2Id"]] = entry[entries.columns["Product2Id"]]
        row[col["ProductCode"]] = entry[entries.columns["ProductCode"]]
        row[col["ListPrice"]] = entry[entries.columns["UnitPrice"]]
        opp = store.lookup(row[col["OpportunityId"]])
        product = entry[entries.columns["Name"]] or ""
        row[col["Name"]] = f"{opp[1][opp[0].columns['Name']]} {product}".strip() if opp else product
    quantity, discount = row[col["Quantity"]], row[col["Discount"]]
    if quantity in (None, 0):
        return  # a missing Quantity is refused as a required field after derivation
    if "TotalPrice" in changed and "UnitPrice" not in changed and row[col["TotalPrice"]] is not None:
        gross = row[col["TotalPrice"]] / (1 - (discount or 0.0) / 100.0) if discount != 100 else 0.0
        row[col["UnitPrice"]] = round(gross / quantity, 2) + 0.0
    if row[col["UnitPrice"]] is None:
        row[col["UnitPrice"]] = row[col["ListPrice"]]
    if row[col["UnitPrice"]] is not None:
        row[col["Subtotal"]] = round(quantity * row[col["UnitPrice"]], 2) + 0.0
        row[col["TotalPrice"]] = line_total(quantity, row[col["UnitPrice"]], discount)
