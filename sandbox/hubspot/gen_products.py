"""Seeded product library and deals' line items.

The library is the same at every scale. ``LINE_ITEM_SHARE`` of the deals with a clean (positive) amount get line
items whose net prices add up to the deal's amount, which the seed then uses (what HubSpot's deal editor does when
line items are added). Own random stream, so the rest of the seeded data does not depend on this part.
"""

from __future__ import annotations

import random
from typing import NamedTuple

from sandbox.hubspot.gen_deals import Deal
from sandbox.hubspot.ids import FIRST_ID, IdSequence
from sandbox.hubspot.records import Rec
from sandbox.hubspot.store import Store
from sandbox.hubspot.timefmt import DAY_MS

LINE_ITEM_SHARE = 0.6


class Product(NamedTuple):
    name: str
    sku: str
    kind: str
    price: float
    frequency: str | None


LIBRARY: tuple[Product, ...] = (
    Product("Professional Hub Seat", "PRO-SEAT", "non_inventory", 90.0, "monthly"),
    Product("Enterprise Hub Seat", "ENT-SEAT", "non_inventory", 150.0, "monthly"),
    Product("Platform License", "PLT-LIC", "non_inventory", 9_600.0, "annually"),
    Product("Reporting Add-on", "ADD-RPT", "non_inventory", 2_400.0, "annually"),
    Product("Onboarding", "SRV-ONB", "service", 3_000.0, None),
    Product("Professional Services Day", "SRV-DAY", "service", 1_400.0, None),
    Product("Priority Support", "SUP-PRI", "service", 4_800.0, "annually"),
    Product("Conference Kit", "HW-KIT", "inventory", 350.0, None),
    Product("Legacy Starter Seat", "OLD-SEAT", "non_inventory", 45.0, "monthly"),  # no longer sold
)
_NOT_SOLD = {"OLD-SEAT"}
_DISCOUNTS = (None, None, None, "5", "10", "15")


def _text(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def seed_products(store: Store, rnd: random.Random, deals: list[tuple[int, Deal]], end: int) -> None:
    """Load the library and line items, adjusting ``deals``' amounts before they are loaded."""
    schema = store.schemas["products"]
    ids = IdSequence(FIRST_ID["products"], rnd)
    library: list[tuple[int, Product]] = []
    recs: list[Rec] = []
    start = end - 1000 * DAY_MS
    for p in LIBRARY:
        rid, created = ids.take(), start + rnd.randrange(200 * DAY_MS)
        props = {"name": p.name, "hs_sku": p.sku, "price": _text(p.price), "hs_product_type": p.kind,
                 "recurringbillingfrequency": p.frequency, "description": f"{p.name}." if rnd.random() < 0.5 else None,
                 "hs_recurring_billing_period": "P12M" if p.frequency else None}
        recs.append(Rec(rid, _aligned(props, schema.columns), created, created + rnd.randrange(end - created)))
        if p.sku not in _NOT_SOLD:
            library.append((rid, p))
    store.tables["products"].load(recs)
    store.tables["line_items"].load(_line_items(store, rnd, library, deals, end))


def _line_items(store: Store, rnd: random.Random, library: list[tuple[int, Product]],
                deals: list[tuple[int, Deal]], end: int) -> list[Rec]:
    columns = store.schemas["line_items"].columns
    made: list[tuple[int, int, dict[str, str | None], int]] = []  # (created, deal id, props, modified)
    for deal_id, deal in deals:
        target = float(deal.props["amount"] or 0)
        if target <= 0 or rnd.random() >= LINE_ITEM_SHARE:
            continue
        picks = rnd.sample(library, rnd.choice((1, 1, 2, 2, 3)))
        total = 0.0
        for position, (pid, p) in enumerate(picks, start=1):
            quantity = max(1, round(target / len(picks) / p.price))
            pct = rnd.choice(_DISCOUNTS)
            net = round(quantity * p.price * (1 - float(pct or 0) / 100), 2)
            total += net
            created = min(end, deal.created + rnd.randrange(10 * DAY_MS))
            made.append((created, deal_id, {
                "name": p.name, "hs_product_id": str(pid), "quantity": str(quantity), "price": _text(p.price),
                "hs_discount_percentage": pct, "hs_sku": p.sku, "hs_position_on_quote": str(position),
                "hs_line_item_currency_code": deal.props.get("deal_currency_code"),
            }, created + rnd.randrange(max(1, end - created))))
        deal.props["amount"] = _text(round(total, 2))
    made.sort(key=lambda m: m[0])
    ids = IdSequence(FIRST_ID["line_items"], rnd)
    return [Rec(ids.take(), _aligned(props, columns), created, modified, links=(deal_id,))
            for created, deal_id, props, modified in made]


def _aligned(props: dict[str, str | None], columns: dict[str, int]) -> tuple[str | None, ...]:
    values: list[str | None] = [None] * len(columns)
    for name, value in props.items():
        values[columns[name]] = value
    return tuple(values)
