"""Seeded product catalogue (with its currency and units) and opportunities' product lines.

The catalogue is the same at every scale: published (Active) products, one Retired and one still in Draft, none of
those two on any line. ``LINE_SHARE`` of the opportunities with a clean (positive) estimated value get 1-4 lines of
existing products whose extended amounts add up to the opportunity's ``estimatedvalue`` — what Dataverse shows
when the opportunity's revenue is system calculated (``isrevenuesystemcalculated``). Lines draw from a random
stream of their own, so the rest of the seeded org does not depend on this part.
"""

from __future__ import annotations

import random
from typing import Any, NamedTuple

from sandbox.dynamics import seedtools as st
from sandbox.dynamics.guids import GuidFactory
from sandbox.dynamics.store import Ref
from sandbox.dynamics.tables import TABLES

LINE_SHARE = 0.6
DAY = 86400
CATALOGUE_DAYS = 1000  # the catalogue was set up this long before the data's end
UNITS = ("Primary Unit", "Day", "Year")
_DISCOUNT_PERCENTS = (None, None, None, 5, 10, 15)


class Product(NamedTuple):
    name: str
    number: str
    type_code: int  # producttypecode: 1 Sales Inventory, 3 Services, 4 Flat Fees
    price: float
    unit: str
    state: int = 0  # 0 Active, 1 Retired, 2 Draft


CATALOGUE: tuple[Product, ...] = (
    Product("Sales Cloud Licence", "LIC-SALES", 4, 1_140.0, "Year"),
    Product("Customer Insights Licence", "LIC-CI", 4, 18_000.0, "Year"),
    Product("Field Service Licence", "LIC-FS", 4, 1_140.0, "Year"),
    Product("Additional Storage (10 GB)", "ADD-STOR", 4, 480.0, "Year"),
    Product("Automation Flow Pack", "ADD-FLOW", 4, 1_200.0, "Year"),
    Product("Implementation Services", "SRV-IMPL", 3, 20_000.0, "Primary Unit"),
    Product("Solution Architect Day", "SRV-ARCH", 3, 1_600.0, "Day"),
    Product("End-user Training Day", "SRV-TRN", 3, 1_200.0, "Day"),
    Product("Premier Support", "SUP-PREM", 4, 9_000.0, "Year"),
    Product("Barcode Scanner", "HW-SCAN", 1, 420.0, "Primary Unit"),
    Product("Legacy On-premises Connector", "ADD-LEGACY", 4, 750.0, "Year", state=1),
    Product("Copilot Add-on", "ADD-AI", 4, 3_600.0, "Year", state=2),
)
_STATUS = {0: 1, 1: 2, 2: 0}  # product statuscode per statecode


def _audit(created: int, modified: int, by: str) -> dict[str, Any]:
    """Stamps of an organisation-owned row (no owner)."""
    return {"createdon": created, "modifiedon": modified, "createdby": Ref("systemuser", by),
            "modifiedby": Ref("systemuser", by)}


class ProductSeeder:
    def __init__(self, *, seed: int, rows: dict[str, list[list[Any]]], guids: GuidFactory, admin: str,
                 span: st.SeedSpan) -> None:
        self.seed = seed
        self.span = span
        self.rows = rows
        self.guids = guids
        self.admin = admin
        self.currency = ""
        self.units: dict[str, str] = {}
        self.sold: list[tuple[str, Product]] = []  # (productid, product) of the Active products

    def catalogue(self) -> None:
        rnd = random.Random(f"{self.seed}:dynamics:products")
        start = self.span.end - CATALOGUE_DAYS * DAY
        self.currency = self.guids.new()
        self.rows["transactioncurrency"].append(st.row_for(TABLES["transactioncurrency"], {
            "transactioncurrencyid": self.currency, "currencyname": "US Dollar", "isocurrencycode": "USD",
            "currencysymbol": "$", "exchangerate": 1.0, "currencyprecision": 2,
            **_audit(start, start, self.admin),
        }))
        for name in UNITS:
            self.units[name] = self.guids.new()
            self.rows["uom"].append(st.row_for(TABLES["uom"], {
                "uomid": self.units[name], "name": name, "quantity": 1.0, "isschedulebaseuom": name == UNITS[0],
                **_audit(start, start, self.admin),
            }))
        for product in CATALOGUE:
            pid = self.guids.new()
            created = start + rnd.randrange(200 * DAY)
            cost = round(product.price * rnd.uniform(0.3, 0.6), 2)
            self.rows["product"].append(st.row_for(TABLES["product"], {
                "productid": pid, "name": product.name, "productnumber": product.number,
                "description": f"{product.name}." if rnd.random() < 0.5 else None,
                "producttypecode": product.type_code, "productstructure": 1, "quantitydecimal": 0,
                "price": product.price, "standardcost": cost, "currentcost": cost,
                "defaultuomid": Ref("uom", self.units[product.unit]),
                "transactioncurrencyid": Ref("transactioncurrency", self.currency),
                "statecode": product.state, "statuscode": _STATUS[product.state],
                **_audit(created, self.span.modified_after(created, rnd), self.admin),
            }))
            if product.state == 0:
                self.sold.append((pid, product))

    def lines_for(self, opportunity_id: str, target: float, created: int, owner: str) -> float | None:
        """Product lines worth about ``target`` on the opportunity, or none; their total extended amount."""
        rnd = random.Random(f"{self.seed}:dynamics:lines:{opportunity_id}")
        if target <= 0 or not self.sold or rnd.random() >= LINE_SHARE:
            return None
        table = TABLES["opportunityproduct"]
        picks = rnd.sample(self.sold, rnd.choice((1, 1, 2, 2, 3, 4)))
        total = 0.0
        for number, (pid, product) in enumerate(picks, start=1):
            quantity = float(max(1, round(target / len(picks) / product.price)))
            overridden = rnd.random() < 0.1
            price = round(product.price * rnd.uniform(0.85, 0.98), 2) if overridden else product.price
            percent = rnd.choice(_DISCOUNT_PERCENTS)
            discount = round(quantity * price * percent / 100, 2) if percent else None
            at = self.span.clamp(created + rnd.randrange(20 * DAY))
            row = st.row_for(table, {
                "opportunityproductid": self.guids.new(), "opportunityproductname": product.name,
                "opportunityid": Ref("opportunity", opportunity_id), "productid": Ref("product", pid),
                "isproductoverridden": False, "ispriceoverridden": overridden, "quantity": quantity,
                "priceperunit": price, "manualdiscountamount": discount, "lineitemnumber": number,
                "uomid": Ref("uom", self.units[product.unit]),
                "transactioncurrencyid": Ref("transactioncurrency", self.currency),
                **st.stamps(at, self.span.modified_after(at, rnd), owner),
            })
            self.rows["opportunityproduct"].append(row)
            total += row[table.col["extendedamount"]]
        return round(total, 2) + 0.0
