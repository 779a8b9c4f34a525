"""HubSpot CRM v3: hubspot-api-client as the transport, raw JSON in, per-object facts as data."""

from connectors.hubspot.connector import HubSpotConnector

__all__ = ["HubSpotConnector"]
