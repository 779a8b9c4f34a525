"""The explicit connector registry: a connection's ``kind`` -> how to build its connector. No import magic."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from connectors.base import Connector
from connectors.errors import ConfigError


def _hubspot(name: str, conn: Any, settle_lag: timedelta, clock: Callable[[], datetime] | None,
             options: dict[str, Any]) -> Connector:
    from connectors.hubspot.config import build_client
    from connectors.hubspot.connector import HubSpotConnector

    client, _ = build_client(name, conn, clock=clock, search_per_second=int(options.get("search_per_second", 5)),
                             token_cache=options.get("token_cache"), retry_options=options)
    # ``reconcile_hours`` as an option overrides the connection's (tests force a listing on every read with 0).
    every = timedelta(hours=float(options.get("reconcile_hours", conn.reconcile_hours)))
    return HubSpotConnector(name=name, client=client, settle_lag=settle_lag, clock=clock, reconcile_every=every)


def _salesforce(name: str, conn: Any, settle_lag: timedelta, clock: Callable[[], datetime] | None,
                options: dict[str, Any]) -> Connector:
    from connectors.salesforce.config import build_connector as build

    return build(name, conn, settle_lag=settle_lag, clock=clock, options=options)


def _dynamics(name: str, conn: Any, settle_lag: timedelta, clock: Callable[[], datetime] | None,
              options: dict[str, Any]) -> Connector:
    from connectors.dynamics.config import build_connector as build

    return build(name, conn, settle_lag=settle_lag, clock=clock, options=options)


def _marketo(name: str, conn: Any, settle_lag: timedelta, clock: Callable[[], datetime] | None,
             options: dict[str, Any]) -> Connector:
    from connectors.marketo.config import build_connector as build

    return build(name, conn, settle_lag=settle_lag, clock=clock, options=options)


BUILDERS: dict[str, Callable[..., Connector]] = {"hubspot": _hubspot, "salesforce": _salesforce,
                                                 "dynamics": _dynamics, "marketo": _marketo}


def build_connector(name: str, conn: Any, *, settle_lag: timedelta, clock: Callable[[], datetime] | None = None,
                    options: dict[str, Any] | None = None) -> Connector:
    """``conn`` is the connection's validated config model; ``options`` tune the client (benchmarks, tests)."""
    try:
        builder = BUILDERS[conn.kind]
    except KeyError:
        raise ConfigError(f"no connector is available for kind {conn.kind!r} yet; available: "
                          f"{', '.join(sorted(BUILDERS))}", connection=name) from None
    return builder(name, conn, settle_lag, clock, options or {})
