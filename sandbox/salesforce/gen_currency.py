"""Seed the org's currencies, their dated exchange rates, and the currency each deal is in.

The corporate currency is USD. Every active currency has a CurrencyType row (its rate today) and dated rates: an
opening one from 0001-01-01 (as Salesforce creates when advanced currency management is turned on), then one per
calendar quarter over the seeded history and the quarter after it, drifting a few percent a quarter; USD has its
opening 1.0 only. Deals of companies in the United Kingdom, the euro countries, Canada and Australia are in the local
currency four times in five, when they carry no product lines (seeded line items are priced from the standard price
book, in USD). Each draws from a random stream of its own, so every other seeded row is as it was.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sandbox.salesforce.derive_service import add_months
from sandbox.salesforce.objects_currency import CORPORATE, CURRENCIES, DECIMALS
from sandbox.salesforce.seed_context import SeedContext

OPENING = date(1, 1, 1)
HISTORY_QUARTERS = 14  # about the seeded history (1,000 days) and the quarter after its end
LOCAL_CURRENCY = {"GB": "GBP", "DE": "EUR", "FR": "EUR", "NL": "EUR", "ES": "EUR", "CA": "CAD", "AU": "AUD"}
LOCAL_SHARE = 0.8


def deal_currency(ctx: SeedContext, oid: str, company_key: int, *, has_lines: bool) -> str:
    """The currency a seeded deal's amounts are in."""
    local = LOCAL_CURRENCY.get(ctx.population.companies[company_key].country_code)
    if local is None or has_lines or ctx.rnd("currency", oid).random() >= LOCAL_SHARE:
        return CORPORATE
    return local


def quarter_starts(end: date) -> list[date]:
    """The first days of the HISTORY_QUARTERS quarters up to and including the one after ``end``'s."""
    current = date(end.year, 3 * ((end.month - 1) // 3) + 1, 1)
    return [add_months(current, 3 * k) for k in range(2 - HISTORY_QUARTERS, 2)]


def seed_currencies(ctx: SeedContext) -> None:
    admin = ctx.users[0]
    setup = ctx.end - timedelta(days=1100)
    for code, opening in CURRENCIES.items():
        rates = _dated_rates(ctx, code, opening)
        current = [rate for start, rate in rates if start <= ctx.end.date()][-1]
        ctx.add("CurrencyType", {
            "Id": ctx.next_id("CurrencyType"), **ctx.audit(setup, setup, by=admin), "IsoCode": code,
            "ConversionRate": current, "DecimalPlaces": DECIMALS[code], "IsActive": True,
            "IsCorporate": code == CORPORATE})
        for n, (start, rate) in enumerate(rates):
            following = rates[n + 1][0] if n + 1 < len(rates) else None
            at = setup if start == OPENING else max(setup, datetime.combine(start, datetime.min.time(), UTC)
                                                    - timedelta(days=3))
            ctx.add("DatedConversionRate", {
                "Id": ctx.next_id("DatedConversionRate"), **ctx.audit(min(at, ctx.end), min(at, ctx.end), by=admin),
                "IsoCode": code, "ConversionRate": rate, "StartDate": start.isoformat(),
                "NextStartDate": following.isoformat() if following else None})


def _dated_rates(ctx: SeedContext, code: str, opening: float) -> list[tuple[date, float]]:
    if code == CORPORATE:
        return [(OPENING, 1.0)]
    rnd = ctx.rnd("rates", code)
    rates, rate = [(OPENING, opening)], opening
    for start in quarter_starts(ctx.end.date()):
        rate = round(rate * rnd.uniform(0.97, 1.03), 6)
        rates.append((start, rate))
    return rates
