"""Building a Marketo connector from its ``crmhub.yaml`` connection."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import httpx

from config.models import MarketoConnection
from connectors.http.budget import Budget
from connectors.http.redact import Redactor
from connectors.http.retry import retry_settings
from connectors.marketo.auth import IdentityTokens
from connectors.marketo.client import MARKETO_TABLE, MarketoClient
from connectors.marketo.connector import MarketoConnector
from connectors.marketo.objects import OBJECTS
from connectors.tuning import Tuning, given


def build_connector(name: str, conn: MarketoConnection, *, settle_lag: timedelta,
                    clock: Callable[[], datetime] | None = None,
                    tuning: Tuning | None = None) -> MarketoConnector:
    """``conn`` is a ``config.MarketoConnection``; the secret leaves its SecretStr only here, into the transport.

    ``tuning`` (benchmarks, tests): ``marketo.rate_limit``/``rate_window_s`` (the limiter, 100 / 20 s by default),
    ``marketo.bulk`` ("auto" | "always" | "never"), ``retry`` (``rate_limit_wait``: seconds after a 606; ``base_wait``:
    the first backoff), ``reconcile_hours`` (how often the complete lead, program and custom object listings run;
    24 by default, the connection's ``custom_reconcile_hours`` for custom objects).
    """
    tuning = tuning or Tuning()
    opts = tuning.marketo
    secret = conn.auth.client_secret.get_secret_value()
    redactor = Redactor([secret])
    verify: str | bool = str(conn.ca_bundle) if conn.ca_bundle else True
    # A pool as wide as Marketo's concurrency limit; TLS verification against the connection's CA when given.
    http = httpx.Client(verify=verify, timeout=float(conn.timeout_seconds),
                        limits=httpx.Limits(max_connections=10, max_keepalive_connections=10))
    tokens = IdentityTokens(connection=name, identity_url=str(conn.identity_url), client_id=conn.auth.client_id,
                            client_secret=secret, http=http, redactor=redactor, cache=tuning.token_cache)
    window = given(opts.rate_window_s, 20)
    retry = retry_settings(tuning.retry.given(), table=MARKETO_TABLE, rate_limit_wait=float(window))
    budget = Budget(connection=name, max_daily_share=conn.budget.max_daily_share if conn.budget else None)
    client = MarketoClient(connection=name, base_url=str(conn.base_url), http=http, tokens=tokens, budget=budget,
                           redactor=redactor, daily_quota=int(conn.daily_quota), retry=retry,
                           rate_limit=given(opts.rate_limit, 100), rate_window_s=window,
                           ca_bundle=str(conn.ca_bundle) if conn.ca_bundle else None)
    return MarketoConnector(name=name, client=client, settle_lag=settle_lag, clock=clock, page_size=conn.page_size,
                            bulk=given(opts.bulk, "auto"), custom=custom_objects(conn),
                            custom_reconcile_every=timedelta(hours=given(tuning.reconcile_hours,
                                                                         conn.custom_reconcile_hours)),
                            reconcile_every=timedelta(hours=tuning.reconcile_hours)
                            if tuning.reconcile_hours is not None else None)


def custom_objects(conn: MarketoConnection) -> dict[str, str]:
    """The connection's objects that are not Marketo standard objects: custom objects by API name, each with the
    canonical entity its crmhub.yaml mapping names ("" until a mapping names one)."""
    standard = {spec.name for spec in OBJECTS}
    out = {}
    for name in conn.objects:
        if name not in standard:
            override = conn.mapping.get(name)
            out[name] = str(getattr(override, "entity", None) or "")
    return out
