"""Multiple currencies with advanced currency management: the org's currencies and their dated exchange rates.

As Salesforce's object reference lists them: ``CurrencyType`` (one row per currency the org uses: IsoCode,
ConversionRate against the corporate currency, DecimalPlaces, IsActive, IsCorporate) takes create, update, query
and ``updated/`` but never a delete, and has no IsDeleted; ``DatedConversionRate`` (the rates of advanced currency
management: IsoCode, ConversionRate, StartDate, and the read-only NextStartDate, the day after the period ends)
supports delete and ``deleted/`` but has no IsDeleted either, so its deletes skip the Recycle Bin. A conversion rate
is how many units of the currency one unit of the corporate currency buys: an amount in the corporate currency is
``amount / ConversionRate``. ``CurrencyIsoCode`` on an Opportunity is the currency its amounts are in.

The sandbox sets NextStartDate when it seeds the rates; a rate created or deleted later through the API leaves its
neighbours' NextStartDate as it was (Salesforce recomputes it). The key prefixes are Salesforce's (``01L``, ``04w``).
"""

from __future__ import annotations

from sandbox.salesforce.fields import FieldDef, ObjectDef, flag, num, pick, readonly, system_fields

CORPORATE = "USD"
# The org's active currencies and their rate against USD when the seeded history starts (the rates drift by quarter).
CURRENCIES: dict[str, float] = {"USD": 1.0, "EUR": 0.92, "GBP": 0.79, "CAD": 1.36, "AUD": 1.52}
DECIMALS: dict[str, int] = {"USD": 2, "EUR": 2, "GBP": 2, "CAD": 2, "AUD": 2}
ISO_CODES = tuple(CURRENCIES)


def currency_iso_code(label: str = "Currency ISO Code") -> FieldDef:
    """The ``CurrencyIsoCode`` every object with currency fields has in a multicurrency org (default: corporate)."""
    return pick("CurrencyIsoCode", ISO_CODES, label=label, restricted=True, nillable=False, default=CORPORATE)


CURRENCY_TYPE = ObjectDef(
    "CurrencyType", "01L", "Currency Type", "Currency Types",
    (*system_fields(owner=False, hidden=("IsDeleted",)),
     pick("IsoCode", ISO_CODES, label="Currency ISO Code", restricted=True, nillable=False),
     num("ConversionRate", "double", 18, 6, label="Conversion Rate", nillable=False),
     num("DecimalPlaces", "int", 9, 0, label="Decimal Places", nillable=False),
     flag("IsActive", label="Active"), flag("IsCorporate", label="Corporate Currency")),
    deletable=False, searchable=False, recycle_bin=False,
)

DATED_CONVERSION_RATE = ObjectDef(
    "DatedConversionRate", "04w", "Dated Conversion Rate", "Dated Conversion Rates",
    (*system_fields(owner=False, hidden=("IsDeleted",)),
     pick("IsoCode", ISO_CODES, label="Currency ISO Code", restricted=True, nillable=False),
     num("ConversionRate", "double", 18, 6, label="Conversion Rate", nillable=False),
     FieldDef("StartDate", "date", label="Start Date", nillable=False),
     readonly(FieldDef("NextStartDate", "date", label="Next Start Date"))),
    searchable=False, recycle_bin=False,
)
