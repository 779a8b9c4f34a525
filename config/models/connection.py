"""A connection is one of the CRM kinds, chosen by its ``kind`` key.

``CONNECTION_MODELS`` is config's only list of kinds: the union ``crmhub.yaml`` is validated against and
``CONNECTION_KINDS`` are derived from it. The connector side (``connectors/kinds.py``) references these models; a test
fails when the two disagree. ``connection_union`` builds the union over other models (a CRM not shipped here).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import reduce
from operator import or_
from typing import TYPE_CHECKING, Annotated, Any, TypeAlias, get_args

from pydantic import Field

from config.models.connection_base import ConnectionBase
from config.models.dynamics import DynamicsConnection
from config.models.hubspot import HubSpotConnection
from config.models.marketo import MarketoConnection
from config.models.salesforce import SalesforceConnection

CONNECTION_MODELS: tuple[type[ConnectionBase], ...] = (
    SalesforceConnection, HubSpotConnection, DynamicsConnection, MarketoConnection,
)


def kind_of(model: type[ConnectionBase]) -> str:
    """The value of ``kind`` that selects ``model``: its ``kind: Literal[...]`` field is the one source of the name."""
    field = model.model_fields.get("kind")
    args: tuple[object, ...] = get_args(field.annotation) if field is not None else ()
    if len(args) != 1 or not isinstance(args[0], str):
        raise TypeError(f"{model.__name__} needs a field `kind: Literal[\"<name>\"]` naming its CRM")
    return args[0]


def connection_union(models: Sequence[type[ConnectionBase]]) -> Any:
    """The discriminated union over ``models`` (by ``kind``); duplicate kinds are a programming error."""
    kinds = [kind_of(model) for model in models]
    if not models or len(set(kinds)) != len(kinds):
        raise TypeError(f"connection models need distinct kinds, got {kinds}")
    return Annotated[reduce(or_, models), Field(discriminator="kind")]


CONNECTION_KINDS: tuple[str, ...] = tuple(kind_of(model) for model in CONNECTION_MODELS)

if TYPE_CHECKING:
    # Statically a connection is what every kind has; a builder narrows to its own model (connectors/kinds.py).
    Connection: TypeAlias = ConnectionBase
else:
    Connection = connection_union(CONNECTION_MODELS)
