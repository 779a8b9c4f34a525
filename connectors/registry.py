"""The explicit connector registry: a connection's ``kind`` -> its descriptor's builder (``connectors/kinds.py``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from config.models import ConnectionBase
from connectors.base import Connector
from connectors.kinds import KINDS, Kind, kind_named
from connectors.tuning import Tuning


def build_connector(name: str, conn: ConnectionBase, *, settle_lag: timedelta,
                    clock: Callable[[], datetime] | None = None, options: Tuning | Mapping[str, Any] | None = None,
                    kinds: Sequence[Kind] = KINDS) -> Connector:
    """``conn`` is the connection's validated config model; ``options`` tune the client (benchmarks, tests): a
    ``Tuning``, or its flat keys (``{"reconcile_hours": 0}``), where an unknown key is a ConfigError."""
    return kind_named(conn.kind, kinds, connection=name).connector(name, conn, settle_lag=settle_lag, clock=clock,
                                                                   options=options)
