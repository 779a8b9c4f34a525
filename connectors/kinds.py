"""One descriptor per CRM: everything crmhub needs to know about a kind of connection, in one place.

Every list of kinds derives from ``KINDS``: the connector registry, the write-back field hints, the contract-test
list; the config union and the field table's labels derive from each descriptor's config model
(``config.models.connection.CONNECTION_MODELS``, which config keeps because it may import no connector; a test
checks that both name the same kinds). A new CRM is its own package, its config model and one line in ``KINDS``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Generic, Protocol, TypeVar

from config.models import (
    ConnectionBase,
    DynamicsConnection,
    HubSpotConnection,
    MarketoConnection,
    SalesforceConnection,
)
from config.models.connection import kind_of
from connectors.base import Connector, ObjectSpec
from connectors.dynamics.objects import OBJECTS as DYNAMICS_OBJECTS
from connectors.errors import ConfigError
from connectors.hubspot.objects import OBJECTS as HUBSPOT_OBJECTS
from connectors.marketo.objects import OBJECTS as MARKETO_OBJECTS
from connectors.salesforce.objects import OBJECTS as SALESFORCE_OBJECTS
from connectors.tuning import Tuning, given, tuning_of

Clock = Callable[[], datetime]
C = TypeVar("C", bound=ConnectionBase)
C_contra = TypeVar("C_contra", bound=ConnectionBase, contravariant=True)


class Builder(Protocol[C_contra]):
    """Builds a kind's connector from its validated connection (secrets leave their SecretStr only in there)."""

    def __call__(self, name: str, conn: C_contra, *, settle_lag: timedelta, clock: Clock | None,
                 tuning: Tuning) -> Connector: ...


class Kind(Protocol):
    """What the rest of crmhub reads of a descriptor, whatever its config model."""

    @property
    def name(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def config_model(self) -> type[ConnectionBase]: ...
    @property
    def objects(self) -> tuple[ObjectSpec, ...]: ...
    @property
    def writeback_hint(self) -> str: ...
    @property
    def state(self) -> type | None: ...

    def connector(self, name: str, conn: ConnectionBase, *, settle_lag: timedelta, clock: Clock | None = None,
                  options: Tuning | Mapping[str, Any] | None = None) -> Connector: ...


@dataclass(frozen=True, slots=True)
class ConnectorKind(Generic[C]):
    config_model: type[C]  # the pydantic model of its crmhub.yaml connection: the kind's name and label come from it
    build: Builder[C]
    objects: tuple[ObjectSpec, ...]  # the streams it can read, as data
    # Where a person creates a missing write-back field, with {object} and {field}; a connector that can create the
    # field itself (HubSpot's properties API) does so and never shows it.
    writeback_hint: str
    # The kind's cursor state type (per-CRM state dataclasses, issue 16); None while the cursor state is a plain dict.
    state: type | None = None

    @property
    def name(self) -> str:
        return kind_of(self.config_model)

    @property
    def label(self) -> str:
        return self.config_model.CRM_LABEL

    def connector(self, name: str, conn: ConnectionBase, *, settle_lag: timedelta, clock: Clock | None = None,
                  options: Tuning | Mapping[str, Any] | None = None) -> Connector:
        """``options``: a Tuning, or flat keys ``Tuning.from_mapping`` accepts (an unknown key is a ConfigError)."""
        tuning = tuning_of(options)  # before the model check: a misspelt option fails the same way for every kind
        if not isinstance(conn, self.config_model):
            raise ConfigError(f"a {self.label} connector needs a {self.config_model.__name__}, "
                              f"got a {type(conn).__name__}", connection=name)
        return self.build(name, conn, settle_lag=settle_lag, clock=clock, tuning=tuning)


def _hubspot(name: str, conn: HubSpotConnection, *, settle_lag: timedelta, clock: Clock | None,
             tuning: Tuning) -> Connector:
    # Imported when used: building one kind's connector loads no other kind's client libraries.
    from connectors.hubspot.config import build_client, object_specs
    from connectors.hubspot.connector import HubSpotConnector

    client, _ = build_client(name, conn, clock=clock, search_per_second=given(tuning.hubspot.search_per_second, 5),
                             token_cache=tuning.token_cache, retry=tuning.retry)
    # ``reconcile_hours`` as an option overrides the connection's (tests force a listing on every read with 0).
    every = timedelta(hours=given(tuning.reconcile_hours, float(conn.reconcile_hours)))
    return HubSpotConnector(name=name, client=client, settle_lag=settle_lag, clock=clock, reconcile_every=every,
                            objects=object_specs(conn))


def _salesforce(name: str, conn: SalesforceConnection, *, settle_lag: timedelta, clock: Clock | None,
                tuning: Tuning) -> Connector:
    from connectors.salesforce.config import build_connector

    return build_connector(name, conn, settle_lag=settle_lag, clock=clock, tuning=tuning)


def _dynamics(name: str, conn: DynamicsConnection, *, settle_lag: timedelta, clock: Clock | None,
              tuning: Tuning) -> Connector:
    from connectors.dynamics.config import build_connector

    return build_connector(name, conn, settle_lag=settle_lag, clock=clock, tuning=tuning)


def _marketo(name: str, conn: MarketoConnection, *, settle_lag: timedelta, clock: Clock | None,
             tuning: Tuning) -> Connector:
    from connectors.marketo.config import build_connector

    return build_connector(name, conn, settle_lag=settle_lag, clock=clock, tuning=tuning)


HUBSPOT = ConnectorKind(
    HubSpotConnection, _hubspot, HUBSPOT_OBJECTS,
    "Settings → Properties → {object} → Create property (internal name {field})",
)
SALESFORCE = ConnectorKind(
    SalesforceConnection, _salesforce, SALESFORCE_OBJECTS,
    "Setup → Object Manager → {object} → Fields & Relationships → New (API name {field})",
)
DYNAMICS = ConnectorKind(
    DynamicsConnection, _dynamics, DYNAMICS_OBJECTS,
    "Power Apps → Tables → {object} → Columns → New column (logical name {field})",
)
MARKETO = ConnectorKind(
    MarketoConnection, _marketo, MARKETO_OBJECTS,
    "Admin → Field Management → New Custom Field on the lead (REST API name {field})",
)

# The CRMs crmhub ships, in the order of config's union. A new CRM: one line here.
KINDS: tuple[Kind, ...] = (SALESFORCE, HUBSPOT, DYNAMICS, MARKETO)


def kind_named(name: str, kinds: Sequence[Kind] = KINDS, *, connection: str | None = None) -> Kind:
    """The descriptor of ``name``; a ConfigError naming the available kinds otherwise."""
    for kind in kinds:
        if kind.name == name:
            return kind
    raise ConfigError(f"no connector is available for kind {name!r} yet; available: "
                      f"{', '.join(sorted(k.name for k in kinds))}", connection=connection)


def connection_models(kinds: Sequence[Kind] = KINDS) -> tuple[type[ConnectionBase], ...]:
    """The config models of ``kinds``: what ``config.load_config(models=...)`` validates connections against."""
    return tuple(kind.config_model for kind in kinds)


def labels(kinds: Sequence[Kind] = KINDS) -> dict[str, str]:
    return {kind.name: kind.label for kind in kinds}
