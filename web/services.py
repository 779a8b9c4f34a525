"""What the web face is given: the store and the services it calls, built once by create_app (no globals)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine

from access import Accounts, SessionRules, SignIn, Tokens, WebSessions
from access.accounts import Clock
from analytics.kpi.catalog import Catalog
from analytics.kpi.registry import KpiRegistry
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

    def now(self) -> datetime:
        return self.clock()
