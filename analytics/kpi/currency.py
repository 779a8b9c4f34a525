"""``currency_rate``, rebuilt from what the CRMs keep (analytics/kpi/rate_sources.py) and from ``kpi.rates``.

``refresh_rates`` replaces the whole table in one transaction: rates are derived from the raw tables and the config,
so a rate deleted in the CRM or removed from crmhub.yaml goes too. Each source gets its corporate currency at 1 from
the beginning (Salesforce keeps such a row, Dataverse's base currency has rate 1; config rates are quoted against
the reporting currency). Which source converts a row is analytics/kpi/conversion.py's precedence: the row's own
connection first, then config.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, delete, insert

from analytics.kpi.conversion import CONFIG_SOURCE
from analytics.kpi.rate_sources import OPENING, Rate, crm_rates
from config import KpiSettings
from store.tables import currency_rate


@dataclass(slots=True)
class RatesReport:
    rows: dict[str, int] = field(default_factory=dict)  # per source
    corporate: dict[str, str] = field(default_factory=dict)  # per source
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"rows": self.rows, "corporate": self.corporate, "warnings": self.warnings}


def config_rates(settings: KpiSettings) -> list[Rate]:
    """``kpi.rates``: one unit of the reporting currency buys ``rate`` units of ``iso_code`` from ``start_date``."""
    return [Rate(CONFIG_SOURCE, r.iso_code, r.start_date, r.rate, settings.currency) for r in settings.rates]


def with_openings(rates: Sequence[Rate], config_corporate: str) -> list[Rate]:
    """The rates, plus each source's corporate currency at 1 from OPENING where the source does not say so."""
    corporates = {r.source: r.corporate for r in rates} | {CONFIG_SOURCE: config_corporate}
    have = {(r.source, r.iso_code, r.start_date) for r in rates}
    extra = [Rate(source, code, OPENING, 1.0, code) for source, code in sorted(corporates.items())
             if (source, code, OPENING) not in have]
    return [*rates, *extra]


def refresh_rates(engine: Engine, settings: KpiSettings, *,
                  clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> RatesReport:
    """Rebuild currency_rate from every connection's raw rate tables and from ``kpi.rates``."""
    now = clock()
    with engine.begin() as conn:
        found, warnings = crm_rates(conn)
        rates = with_openings([*found, *config_rates(settings)], settings.currency)
        conn.execute(delete(currency_rate))
        if rates:
            conn.execute(insert(currency_rate), [
                {"source": r.source, "iso_code": r.iso_code, "start_date": r.start_date, "rate": r.rate,
                 "corporate": r.corporate, "synced_at": now} for r in rates])
    return RatesReport(dict(sorted(Counter(r.source for r in rates).items())),
                       {r.source: r.corporate for r in rates}, warnings)
