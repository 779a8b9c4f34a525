"""Salesforce REST and Bulk API 2.0: simple-salesforce as the transport, raw JSON/CSV in, per-object facts as data."""

from connectors.salesforce.connector import SalesforceConnector

__all__ = ["SalesforceConnector"]
