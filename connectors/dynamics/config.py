"""Building a Dynamics connector from its ``crmhub.yaml`` connection."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from config.models import DynamicsConnection
from connectors.base import ObjectSpec
from connectors.dynamics.auth import MsalTokens
from connectors.dynamics.client import DYNAMICS_TABLE, DynamicsClient
from connectors.dynamics.connector import DynamicsConnector
from connectors.dynamics.objects import MAX_CONCURRENCY, MAX_PAGE, OBJECTS, custom_spec, is_custom_table
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
    return DynamicsConnector(name=name, client=client, settle_lag=settle_lag, clock=clock, objects=object_specs(conn),
                             page_size=conn.page_size or MAX_PAGE, batch_size=given(opts.batch_size, 1000))


def object_specs(conn: DynamicsConnection) -> tuple[ObjectSpec, ...]:
    """The fixed table list, plus a spec for each custom table (a logical name with a publisher prefix) the
    connection names. Any other unknown name stays unknown: the runner's error names it and lists what is. A custom
    table's entity is the one its config mapping names (``mapping.<table>.entity``), when there is one."""
    known = {spec.name for spec in OBJECTS}
    custom = []
    for obj in conn.objects:
        if obj not in known and is_custom_table(obj):
            override = conn.mapping.get(obj)
            entity = getattr(override, "entity", None) if override is not None else None
            custom.append(custom_spec(obj, str(entity or "")))
    return (*OBJECTS, *custom)
