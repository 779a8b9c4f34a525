"""Sales territories, quotas and the stage definitions: setup objects with the gaps their real APIs have.

What each lacks is what Salesforce's object reference lists: ``OpportunityStage`` has no IsDeleted and is not
replicateable (describe, query, retrieve only; no ``updated/``/``deleted/``); ``Territory2`` and
``UserTerritory2Association`` have no IsDeleted, CreatedDate or CreatedById and no ``getDeleted`` (the association
lists create, delete, describe, query, retrieve; this sandbox treats Territory2 the same way);
``ObjectTerritory2Association`` has IsDeleted but no CreatedDate, and its deletes bypass the Recycle Bin (Salesforce
keeps them queryable for 12 hours; this sandbox drops them from queryAll at once, ``deleted/`` lists them);
``ForecastingQuota`` has no IsDeleted but supports ``deleted/`` (its deletes skip the Recycle Bin here). A connector
sees deletes of the first three only by listing their ids.
"""

from __future__ import annotations

from sandbox.salesforce import picklists as pl
from sandbox.salesforce.fields import (
    FieldDef,
    ObjectDef,
    flag,
    num,
    pick,
    readonly,
    ref,
    system_fields,
    text,
)

TERRITORY2_MODEL = ObjectDef(
    "Territory2Model", "0MA", "Territory Model", "Territory Models",
    (*system_fields(),
     text("Name", 80, label="Label", nillable=False, name_field=True), text("DeveloperName", 80, nillable=False),
     readonly(text("State", 40)), text("Description", 1000)),
)

TERRITORY2_TYPE = ObjectDef(
    "Territory2Type", "0M5", "Territory Type", "Territory Types",
    (*system_fields(owner=False),
     text("MasterLabel", 80, label="Label", nillable=False, name_field=True),
     text("DeveloperName", 80, nillable=False), num("Priority", "int", 5, 0), text("Description", 255)),
    replicateable=False,
)

TERRITORY2 = ObjectDef(
    "Territory2", "0MI", "Territory", "Territories",
    (*system_fields(owner=False, hidden=("IsDeleted", "CreatedDate", "CreatedById")),
     text("Name", 80, label="Label", nillable=False, name_field=True),
     text("DeveloperName", 80, label="Territory Name", nillable=False),
     text("Description", 1000, label="Territory Description"),
     ref("ParentTerritory2Id", "Territory2", rel="ParentTerritory2", child="ChildTerritories"),
     ref("Territory2ModelId", "Territory2Model", rel="Territory2Model", child="Territories", nillable=False,
         updateable=False),
     ref("Territory2TypeId", "Territory2Type", rel="Territory2Type", child="Territories", nillable=False),
     ref("ForecastUserId", "User", rel="ForecastUser"),
     pick("AccountAccessLevel", pl.ACCESS_LEVEL, restricted=True),
     pick("OpportunityAccessLevel", pl.ACCESS_LEVEL[:2], restricted=True),
     pick("CaseAccessLevel", pl.CASE_ACCESS, restricted=True)),
    replicateable=False, recycle_bin=False,
)

USER_TERRITORY2_ASSOCIATION = ObjectDef(
    "UserTerritory2Association", "0R0", "User Territory Association", "User Territory Associations",
    (*system_fields(owner=False, hidden=("IsDeleted", "CreatedDate", "CreatedById")),
     ref("Territory2Id", "Territory2", rel="Territory2", child="UserTerritory2AssociationList", nillable=False,
         updateable=False, cascade_delete=True),
     ref("UserId", "User", rel="User", child="UserTerritory2Associations", nillable=False, updateable=False),
     readonly(flag("IsActive", label="Active")),
     pick("RoleInTerritory2", pl.ROLE_IN_TERRITORY, label="Role in Territory")),
    replicateable=False, recycle_bin=False, searchable=False,
)

OBJECT_TERRITORY2_ASSOCIATION = ObjectDef(
    "ObjectTerritory2Association", "0R1", "Object Territory Association", "Object Territory Associations",
    (*system_fields(owner=False, hidden=("CreatedDate", "CreatedById")),
     ref("ObjectId", "Account", "Lead", rel="Object", child="ObjectTerritory2Associations", nillable=False,
         updateable=False, cascade_delete=True),
     ref("Territory2Id", "Territory2", rel="Territory2", child="ObjectTerritory2AssociationList", nillable=False,
         updateable=False, cascade_delete=True),
     readonly(pick("SobjectType", ("Account", "Lead"), label="Object Type", restricted=True)),
     pick("AssociationCause", pl.ASSOCIATION_CAUSE, nillable=False, restricted=True, updateable=False)),
    recycle_bin=False, searchable=False,
)

FORECASTING_TYPE = ObjectDef(
    "ForecastingType", "0Db", "Forecasting Type", "Forecasting Types",
    (*system_fields(owner=False),
     text("DeveloperName", 80, label="API Name", nillable=False, name_field=True), text("MasterLabel", 80),
     readonly(flag("IsActive", label="Is Active")), readonly(flag("IsAmount", label="Is Amount")),
     readonly(flag("IsQuantity", label="Is Quantity"))),
    createable=False, updateable=False, deletable=False, replicateable=False,
)

FORECASTING_QUOTA = ObjectDef(
    "ForecastingQuota", "0J9", "Forecasting Quota", "Forecasting Quotas",
    (*system_fields(owner=False, hidden=("IsDeleted",)),
     ref("QuotaOwnerId", "User", rel="QuotaOwner", child="ForecastingQuotas", nillable=False),
     FieldDef("StartDate", "date", nillable=False),
     num("QuotaAmount", "currency", 18, 2, label="Quota Amount"),
     num("QuotaQuantity", "double", 18, 2, label="Quota Quantity"),
     ref("ForecastingTypeId", "ForecastingType", rel="ForecastingType", nillable=False, updateable=False),
     flag("IsAmount", label="Is Amount"), flag("IsQuantity", label="Is Quantity"),
     ref("Territory2Id", "Territory2", rel="Territory2", child="ForecastingQuotas", updateable=False)),
    recycle_bin=False, searchable=False,
)

OPPORTUNITY_STAGE = ObjectDef(
    "OpportunityStage", "01J", "Opportunity Stage", "Opportunity Stages",
    tuple(readonly(f) for f in (
        *system_fields(owner=False, hidden=("IsDeleted",)),
        text("ApiName", 255, label="API Name", id_lookup=True),
        text("MasterLabel", 255, label="Master Label", name_field=True),
        num("DefaultProbability", "percent", 3, 0, label="Probability (%)"),
        text("Description", 255),
        pick("ForecastCategory", pl.FORECAST_CATEGORY_API, restricted=True),
        pick("ForecastCategoryName", pl.FORECAST_CATEGORY, label="Forecast Category Name", restricted=True),
        flag("IsActive", label="Is Active"), flag("IsClosed", label="Closed"), flag("IsWon", label="Won"),
        num("SortOrder", "int", 9, 0, label="Sort Order"),
    )),
    createable=False, updateable=False, deletable=False, replicateable=False, searchable=False, recycle_bin=False,
)
