"""Seeded currencies: the organization's base currency (US Dollar, created with the catalogue), the Euro and the
Pound Sterling with their exchange rates, the organization row naming its base currency, and each opportunity's
currency.

Dataverse keeps one exchange rate per currency (units of the currency per one unit of the base currency) and no
history of it. Every opportunity has a currency; those of accounts in the United Kingdom or a euro country are in
their local currency three times in four when Dataverse does not calculate their value from product lines (the
seeded lines are priced in US dollars). Ids and random draws come from streams of their own, so every other seeded
row is as it was.
"""

from __future__ import annotations

import random
from typing import Any

from sandbox.dynamics import seedtools as st
from sandbox.dynamics.guids import GuidFactory
from sandbox.dynamics.schema import type_column
from sandbox.dynamics.store import Ref
from sandbox.dynamics.tables import TABLES

DAY = 86400
# (name, ISO code, symbol, exchange rate against the US dollar)
FOREIGN = (("Euro", "EUR", "€", 0.93), ("Pound Sterling", "GBP", "£", 0.8))
LOCAL = {"United Kingdom": "GBP", "Germany": "EUR", "France": "EUR", "Netherlands": "EUR", "Spain": "EUR"}
LOCAL_SHARE = 0.75
ORGANIZATION_NAME = "crmhubdemo"


class CurrencySeeder:
    def __init__(self, *, seed: int, rows: dict[str, list[list[Any]]], admin: str, organization_id: str,
                 base_currency: str, span: st.SeedSpan) -> None:
        self.seed, self.rows, self.admin, self.span = seed, rows, admin, span
        self.organization_id, self.base_currency = organization_id, base_currency
        self.guids = GuidFactory(seed, "currencies")

    def run(self) -> None:
        start = self.span.end - 400 * DAY
        stamps = {"createdon": start, "modifiedon": start, "createdby": Ref("systemuser", self.admin),
                  "modifiedby": Ref("systemuser", self.admin)}
        by_code = {"USD": self.base_currency}
        for name, code, symbol, rate in FOREIGN:
            by_code[code] = self.guids.new()
            self.rows["transactioncurrency"].append(st.row_for(TABLES["transactioncurrency"], {
                "transactioncurrencyid": by_code[code], "currencyname": name, "isocurrencycode": code,
                "currencysymbol": symbol, "exchangerate": rate, "currencyprecision": 2, **stamps}))
        self.rows["organization"].append(st.row_for(TABLES["organization"], {
            "organizationid": self.organization_id, "name": ORGANIZATION_NAME,
            "basecurrencyid": Ref("transactioncurrency", self.base_currency), **stamps}))
        self._opportunity_currencies(by_code)

    def _opportunity_currencies(self, by_code: dict[str, str]) -> None:
        opps, accounts = TABLES["opportunity"], TABLES["account"]
        country = {row[0]: row[accounts.col["address1_country"]] for row in self.rows["account"]}
        for row in self.rows["opportunity"]:
            code = "USD"
            local = LOCAL.get(country.get(row[opps.col["customerid"]]) or "")
            lined = bool(row[opps.col["isrevenuesystemcalculated"]])
            if local and not lined and random.Random(f"{self.seed}:dynamics:currency:{row[0]}").random() < LOCAL_SHARE:
                code = local
            row[opps.col["transactioncurrencyid"]] = by_code[code]
            row[opps.col[type_column("transactioncurrencyid")]] = "transactioncurrency"
