"""What the web face is given: the store and the services it calls, built once by create_app (no globals)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine

from access import Accounts, SessionRules, SignIn, Tokens, WebSessions
from access.accounts import Clock
from analytics.kpi.catalog import Catalog
from analytics.kpi.registry import KpiRegistry
from config import CrmhubConfig
from config.models.kpi import KpiSettings


@dataclass(frozen=True, slots=True)
class WebServices:
    engine: Engine
    accounts: Accounts
    signin: SignIn
    tokens: Tokens
    sessions: WebSessions
    registry: KpiRegistry
    catalog: Catalog
    kpi_settings: KpiSettings
    rules: SessionRules
    clock: Clock
    secure_cookies: bool  # served over https: the cookie is Secure and HSTS is sent
    # crmhub.yaml, which the admin console's actions need (a replay maps with it, a retry builds its connectors);
    # None: the console's pages show the store, its actions are refused saying why.
    cfg: CrmhubConfig | None = None
    secret_key: str | None = None  # CRMHUB_SECRET_KEY: the token cache of a retry's connectors

    def now(self) -> datetime:
        return self.clock()
