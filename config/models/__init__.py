"""The typed schema of ``crmhub.yaml``."""

from config.models.connection import CONNECTION_KINDS, Connection
from config.models.connection_base import ConnectionBase
from config.models.dynamics import DynamicsClientCredentialsAuth, DynamicsConnection
from config.models.hubspot import (
    HubSpotAuth,
    HubSpotConnection,
    HubSpotOAuthRefreshAuth,
    HubSpotPrivateAppAuth,
)
from config.models.kpi import KpiRate, KpiSettings
from config.models.marketo import MarketoClientCredentialsAuth, MarketoConnection
from config.models.object_mapping import FieldSource, MappingEntry, ObjectDefinition
from config.models.quality import QualityEngine, QualityRuleSettings, QualitySettings
from config.models.root import CrmhubConfig
from config.models.salesforce import (
    SalesforceAuth,
    SalesforceClientCredentialsAuth,
    SalesforceConnection,
    SalesforceJwtBearerAuth,
    SalesforcePasswordAuth,
    SalesforceRefreshTokenAuth,
)
from config.models.schedule import Schedule
from config.models.sections import (
    Defaults,
    IdentitySettings,
    SchedulerSettings,
    ScoringSettings,
    StoreSettings,
    SyncSettings,
)
from config.models.settings_parts import BudgetSettings, MappingOverride, ObjectSettings, WritebackSettings
from config.models.types import redact_url

__all__ = [
    "CONNECTION_KINDS",
    "BudgetSettings",
    "Connection",
    "ConnectionBase",
    "CrmhubConfig",
    "Defaults",
    "DynamicsClientCredentialsAuth",
    "DynamicsConnection",
    "FieldSource",
    "HubSpotAuth",
    "HubSpotConnection",
    "HubSpotOAuthRefreshAuth",
    "HubSpotPrivateAppAuth",
    "IdentitySettings",
    "KpiRate",
    "KpiSettings",
    "MappingEntry",
    "MappingOverride",
    "MarketoClientCredentialsAuth",
    "MarketoConnection",
    "ObjectDefinition",
    "ObjectSettings",
    "QualityEngine",
    "QualityRuleSettings",
    "QualitySettings",
    "SalesforceAuth",
    "SalesforceClientCredentialsAuth",
    "SalesforceConnection",
    "SalesforceJwtBearerAuth",
    "SalesforcePasswordAuth",
    "SalesforceRefreshTokenAuth",
    "Schedule",
    "SchedulerSettings",
    "ScoringSettings",
    "StoreSettings",
    "SyncSettings",
    "WritebackSettings",
    "redact_url",
]
