"""Building a Dynamics connector from its ``crmhub.yaml`` connection."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from config.models import DynamicsConnection
from connectors.dynamics.auth import MsalTokens
from connectors.dynamics.client import DYNAMICS_TABLE, DynamicsClient
from connectors.dynamics.connector import DynamicsConnector
from connectors.dynamics.objects import MAX_CONCURRENCY, MAX_PAGE
from connectors.http.budget import Budget
from connectors.http.redact import Redactor
from connectors.http.retry import retry_settings
from connectors.tuning import Tuning, given


def build_connector(name: str, conn: DynamicsConnection, *, settle_lag: timedelta,
                    clock: Callable[[], datetime] | None = None,
                    tuning: Tuning | None = None) -> DynamicsConnector:
    """``conn`` is a ``config.DynamicsConnection``; the secret leaves its SecretStr only here, into msal.

    ``tuning.dynamics`` (tests, benchmarks): ``max_concurrency`` overrides the connection's, ``batch_size`` the $batch
    size, ``low_requests`` / ``pause_s`` how the client slows down when the service protection headers run low.
    """
    tuning = tuning or Tuning()
    opts = tuning.dynamics
    auth = conn.auth
    secret = auth.client_secret.get_secret_value()
    redactor = Redactor([secret])
    verify: str | bool = str(conn.ca_bundle) if conn.ca_bundle else True
    tokens = MsalTokens(connection=name, authority_url=str(conn.authority_url), tenant_id=auth.tenant_id,
                        client_id=auth.client_id, client_secret=secret, scope=conn.token_scope, verify=verify,
                        redactor=redactor, timeout=float(conn.timeout_seconds), cache=tuning.token_cache)
    budget = Budget(connection=name, max_daily_share=conn.budget.max_daily_share if conn.budget else None)
    concurrency = min(given(opts.max_concurrency, conn.max_concurrency), MAX_CONCURRENCY)
    pacing: dict[str, Any] = {k: v for k, v in (("low_requests", opts.low_requests), ("pause_s", opts.pause_s))
                              if v is not None}
    client = DynamicsClient(connection=name, base_url=str(conn.base_url), verify=verify, tokens=tokens, budget=budget,
                            redactor=redactor, timeout=float(conn.timeout_seconds), max_concurrency=concurrency,
                            retry=retry_settings(tuning.retry.given(), table=DYNAMICS_TABLE), **pacing)
    return DynamicsConnector(name=name, client=client, settle_lag=settle_lag, clock=clock,
                             page_size=conn.page_size or MAX_PAGE, batch_size=given(opts.batch_size, 1000))
