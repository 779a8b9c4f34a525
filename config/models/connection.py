"""A connection is one of the four CRM kinds, chosen by its ``kind`` key."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from config.models.dynamics import DynamicsConnection
from config.models.hubspot import HubSpotConnection
from config.models.marketo import MarketoConnection
from config.models.salesforce import SalesforceConnection

Connection = Annotated[
    HubSpotConnection | SalesforceConnection | DynamicsConnection | MarketoConnection,
    Field(discriminator="kind"),
]

CONNECTION_KINDS = ("hubspot", "salesforce", "dynamics", "marketo")
