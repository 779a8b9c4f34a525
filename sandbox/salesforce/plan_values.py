"""The words and money of the planning objects: plan objectives, initiative templates and the currency a plan is
written in (this org is single-currency: its amounts are US dollars, converted at a planning rate where a regional
team plans in its own currency)."""

from __future__ import annotations

# The finance team's planning rates, units of a currency per US dollar (fixed for the plan year, as plans are).
PLANNING_RATES = {"USD": 1.0, "EUR": 0.92, "GBP": 0.79, "JPY": 150.0, "AUD": 1.52}
REGION_CURRENCY = {"North America": "USD", "EMEA": "EUR", "APAC": "USD", "LATAM": "USD", "Global": "USD"}
_COUNTRY_CURRENCY = {"GB": "GBP", "DE": "EUR", "FR": "EUR", "NL": "EUR", "ES": "EUR", "IT": "EUR", "IE": "EUR",
                     "JP": "JPY", "AU": "AUD", "NZ": "AUD"}

OBJECTIVES = (
    "Renew on time with a multi-year term",
    "Expand from one business unit to two",
    "Land the Analytics Add-on with the finance team",
    "Quarterly executive sponsor meeting",
    "Raise adoption above 80 % of licensed seats",
    "Replace the remaining legacy connectors",
    "Move support from Standard to Premium",
    "Run a joint success plan with the customer's operations lead",
    "Reference customer for the next product launch",
    "Consolidate the subsidiaries onto one contract",
)

# (title, objective, target market): {market} is the market's name.
INITIATIVES: tuple[tuple[str, str, str], ...] = (
    ("Enterprise expansion in {market}", "Open ten new enterprise logos in {market} with a dedicated pod.",
     "EMEA"),
    ("Partner-led growth in {market}", "Source a third of new pipeline in {market} through resellers.", "APAC"),
    ("Analytics Add-on launch", "Attach the Analytics Add-on to 25 % of renewals.", "Global"),
    ("Land-and-expand motion", "Grow net revenue retention above 115 % with expansion plays.", "North America"),
    ("Renewals excellence", "Cut late renewals in half with 120-day renewal reviews.", "Global"),
    ("Mid-market velocity in {market}", "Shorten the {market} commercial sales cycle to under 45 days.",
     "North America"),
    ("Market entry: {market}", "Establish a first sales team and five lighthouse customers in {market}.",
     "LATAM"),
    ("Public sector push", "Qualify for two public frameworks and build a public sector pipeline.", "EMEA"),
    ("Customer success coverage", "Give every key account a named CSM and a success plan.", "Global"),
    ("Self-serve to sales handoff", "Route product-qualified accounts to SDRs within a day.", "North America"),
    ("Competitive displacement in {market}", "Win back accounts running a competitor whose contract ends "
     "this year in {market}.", "APAC"),
    ("Pricing and packaging refresh", "Move new deals to the three-tier packaging without discount creep.",
     "Global"),
)


def account_currency(country_code: str) -> str:
    """The currency a key account's plan is written in: its billing country's, where the org plans in it."""
    return _COUNTRY_CURRENCY.get(country_code, "USD")


def in_currency(usd: float, currency: str) -> float:
    return usd * PLANNING_RATES[currency]
