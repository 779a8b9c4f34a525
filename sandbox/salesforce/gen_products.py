"""Seed the product catalogue (Product2 + standard price book entries) and opportunities' line items.

The catalogue is the same at every scale. Line items go on ``LINE_ITEM_SHARE`` of the opportunities whose amount
is clean (positive); their TotalPrices add up to the opportunity's Amount, which the generator then uses, as
Salesforce rolls line items up into Amount.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import NamedTuple

from sandbox.salesforce.derive_products import line_total
from sandbox.salesforce.seed_context import SeedContext

LINE_ITEM_SHARE = 0.6


class Product(NamedTuple):
    name: str
    code: str
    family: str
    list_price: float
    unit: str


CATALOGUE: tuple[Product, ...] = (
    Product("Platform Subscription", "PLT-SUB", "Software", 12_000.0, "Year"),
    Product("Enterprise Seat", "ENT-SEAT", "Software", 600.0, "Seat"),
    Product("Team Seat", "TEAM-SEAT", "Software", 240.0, "Seat"),
    Product("Analytics Add-on", "ADD-ANL", "Software", 4_800.0, "Year"),
    Product("Data Connector", "ADD-CONN", "Software", 2_400.0, "Each"),
    Product("Sandbox Environment", "ENV-SBX", "Software", 3_600.0, "Year"),
    Product("Implementation Package", "SRV-IMPL", "Services", 15_000.0, "Each"),
    Product("Consulting Hour", "SRV-HOUR", "Services", 220.0, "Hour"),
    Product("Training Day", "SRV-TRN", "Services", 1_800.0, "Each"),
    Product("Premium Support", "SUP-PREM", "Support", 6_000.0, "Year"),
    Product("Standard Support", "SUP-STD", "Support", 2_000.0, "Year"),
    Product("Edge Gateway", "HW-GW", "Hardware", 1_250.0, "Each"),
    Product("Legacy Connector (retired)", "ADD-LEG", "Software", 900.0, "Each"),
)
_DISCOUNTS = (None, None, None, 5.0, 10.0, 15.0, 20.0)


def seed_catalogue(ctx: SeedContext) -> None:
    rnd = ctx.rnd("products")
    start = ctx.end - timedelta(days=1000)
    book = ctx.next_id("Pricebook2")
    admin = ctx.store.integration_user_id
    ctx.add("Pricebook2", {"Id": book, **ctx.audit(start, start, by=admin), "Name": "Standard Price Book",
                           "IsActive": True, "IsStandard": True, "Description": None})
    for n, product in enumerate(CATALOGUE):
        pid = ctx.next_id("Product2")
        created = ctx.later(rnd, start, start + timedelta(days=200))
        active = not product.name.endswith("(retired)")
        ctx.add("Product2", {
            "Id": pid, **ctx.audit(created, ctx.later(rnd, created), by=admin), "Name": product.name,
            "ProductCode": product.code, "Family": product.family, "IsActive": active, "IsArchived": False,
            "Description": f"{product.name} ({product.family.lower()})" if rnd.random() < 0.5 else None,
            "QuantityUnitOfMeasure": product.unit, "StockKeepingUnit": f"SKU-{1000 + n}", "ExternalId": None,
        })
        entry = ctx.next_id("PricebookEntry")
        ctx.add("PricebookEntry", {
            "Id": entry, **ctx.audit(created, created, by=admin), "Pricebook2Id": book, "Product2Id": pid,
            "Name": product.name, "ProductCode": product.code, "UnitPrice": product.list_price, "IsActive": active,
            "UseStandardPrice": False,
        })
        if active:
            ctx.price_entries.append((entry, pid, product))


def seed_line_items(ctx: SeedContext, oid: str, opp_name: str, target: float, created: datetime, owner: str) -> float:
    """Line items worth about ``target`` on ``oid``, or none; returns the Amount Salesforce would show."""
    rnd = ctx.rnd("lines", oid)
    if not ctx.price_entries or rnd.random() >= LINE_ITEM_SHARE:
        return target
    picks = rnd.sample(ctx.price_entries, rnd.choice((1, 1, 2, 2, 3, 4)))
    total = 0.0
    for order, (entry, pid, product) in enumerate(picks, start=1):
        share = target / len(picks)
        quantity = float(max(1, round(share / product.list_price)))
        discount = rnd.choice(_DISCOUNTS)
        line = line_total(quantity, product.list_price, discount)
        total += line
        at = ctx.later(rnd, created, min(ctx.end, created + timedelta(days=20)))
        ctx.add("OpportunityLineItem", {
            "Id": ctx.next_id("OpportunityLineItem"), **ctx.audit(at, ctx.later(rnd, at), by=owner),
            "OpportunityId": oid, "PricebookEntryId": entry, "Product2Id": pid, "ProductCode": product.code,
            "Name": f"{opp_name} {product.name}", "Quantity": quantity, "UnitPrice": product.list_price,
            "ListPrice": product.list_price, "Subtotal": round(quantity * product.list_price, 2) + 0.0,
            "TotalPrice": line, "Discount": discount, "ServiceDate": None, "SortOrder": order,
            "Description": None,
        })
    return round(total, 2) + 0.0
