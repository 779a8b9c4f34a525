"""Microsoft Dynamics 365 / Dataverse Web API v9.2: httpx for the API, msal for Entra ID tokens."""

from connectors.dynamics.connector import DynamicsConnector

__all__ = ["DynamicsConnector"]
