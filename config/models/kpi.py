"""The ``kpi:`` section of crmhub.yaml: the calendar, time zone and reporting currency the KPI engine computes in."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, Field, model_validator

from config.models.base import Loc, StrictModel, problems_error


def _zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {value!r}: use an IANA name such as UTC, Europe/Paris or "
                         "America/New_York") from None
    return value


def _iso_code(value: str) -> str:
    if len(value) != 3 or not value.isalpha() or not value.isupper():
        raise ValueError(f"expected a three-letter ISO 4217 code in capitals (USD, EUR), got {value!r}")
    return value


TimeZoneName = Annotated[str, AfterValidator(_zone)]
IsoCode = Annotated[str, AfterValidator(_iso_code)]


class KpiRate(StrictModel):
    """From ``start_date`` (until the next start_date of the same code), one unit of the reporting currency buys
    ``rate`` units of ``iso_code``: an amount in iso_code divided by rate is in the reporting currency."""

    iso_code: IsoCode
    start_date: date
    rate: float = Field(gt=0)


class KpiSettings(StrictModel):
    """How KPIs are computed: the fiscal calendar, the org's time zone and the reporting currency."""

    # The month the fiscal year starts in; a fiscal year is named by the calendar year it ends in (start month 2:
    # FY2025 runs from 1 February 2024 to 31 January 2025).
    fiscal_year_start_month: int = Field(default=1, ge=1, le=12)
    # Datetimes are UTC in the store; they are moved into this zone before they are cut into days, weeks, months.
    time_zone: TimeZoneName = "UTC"
    currency: IsoCode = "USD"  # the reporting currency every amount is converted into
    # Rates for CRMs that keep none. A row is converted with its own connection's rates (Salesforce
    # DatedConversionRate/CurrencyType, Dataverse transactioncurrencies) when they cover its currency and the
    # reporting one on its date, else with these.
    rates: list[KpiRate] = Field(default_factory=list)
    # Refresh kpi_value after a sync (`crmhub sync`, the scheduler's stream runs) that changed records: only the KPIs
    # reading what changed are recomputed. Off: only `crmhub kpi refresh` does.
    refresh_after_sync: bool = True

    @model_validator(mode="after")
    def _one_rate_per_start(self) -> KpiSettings:
        seen: set[tuple[str, date]] = set()
        problems: list[tuple[Loc, str]] = []
        for i, rate in enumerate(self.rates):
            key = (rate.iso_code, rate.start_date)
            if key in seen:
                problems.append((("rates", i), f"{rate.iso_code} already has a rate from {rate.start_date}"))
            if rate.iso_code == self.currency:
                problems.append((("rates", i, "iso_code"),
                                 f"{rate.iso_code} is the reporting currency (kpi.currency): its rate is 1"))
            seen.add(key)
        if problems:
            raise problems_error("KpiSettings", problems)
        return self
