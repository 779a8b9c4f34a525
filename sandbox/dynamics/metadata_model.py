"""Table definitions as ``EntityMetadata`` / ``AttributeMetadata`` documents, built from the schema once.

Properties specific to an attribute type (``MaxLength`` of a string, ``Targets`` of a lookup, the ``OptionSet`` of a
choice) are only visible after casting ``Attributes`` to that type, as in the real metadata API; the common ones
are on every attribute.
"""

from __future__ import annotations

import uuid
from typing import Any

from sandbox.dynamics.schema import KINDS, Attr, OptionSet, Table

NAMESPACE = uuid.UUID("1f7a3c52-8d4e-4b1a-9e6f-0c2d5b8a7e91")
SCHEMA_NAMES = {
    "account": "Account", "contact": "Contact", "lead": "Lead", "opportunity": "Opportunity",
    "campaign": "Campaign", "systemuser": "SystemUser", "team": "Team", "phonecall": "PhoneCall",
    "email": "Email", "appointment": "Appointment", "task": "Task", "activitypointer": "ActivityPointer",
    "transactioncurrency": "TransactionCurrency", "organization": "Organization", "uom": "UoM", "product": "Product",
    "opportunityproduct": "OpportunityProduct", "competitor": "Competitor",
    "opportunitycompetitors": "OpportunityCompetitors", "quote": "Quote", "metric": "Metric", "goal": "Goal",
    "territory": "Territory", "workflow": "Workflow", "processstage": "ProcessStage", "incident": "Incident",
    "contract": "Contract", "knowledgearticle": "KnowledgeArticle",
}
ENTITY_TYPES: dict[str, str] = {
    "MetadataId": "Edm.Guid", "LogicalName": "Edm.String", "SchemaName": "Edm.String",
    "EntitySetName": "Edm.String", "LogicalCollectionName": "Edm.String", "CollectionSchemaName": "Edm.String",
    "PrimaryIdAttribute": "Edm.String", "PrimaryNameAttribute": "Edm.String", "ObjectTypeCode": "Edm.Int32",
    "ChangeTrackingEnabled": "Edm.Boolean", "IsActivity": "Edm.Boolean", "IsCustomEntity": "Edm.Boolean",
    "IsIntersect": "Edm.Boolean",
    "IsValidForAdvancedFind": "Edm.Boolean", "IsOptimisticConcurrencyEnabled": "Edm.Boolean",
    "OwnershipType": "enum:Microsoft.Dynamics.CRM.OwnershipTypes", "DisplayName": "complex",
    "DisplayCollectionName": "complex", "Description": "complex", "CanChangeTrackingBeEnabled/Value": "Edm.Boolean",
    "CanChangeTrackingBeEnabled": "complex",
}
ATTRIBUTE_TYPES: dict[str, str] = {
    "MetadataId": "Edm.Guid", "LogicalName": "Edm.String", "SchemaName": "Edm.String",
    "EntityLogicalName": "Edm.String", "AttributeOf": "Edm.String",
    "AttributeType": "enum:Microsoft.Dynamics.CRM.AttributeTypeCode", "AttributeTypeName": "complex",
    "AttributeTypeName/Value": "Edm.String", "DisplayName": "complex", "Description": "complex",
    "IsValidForCreate": "Edm.Boolean", "IsValidForUpdate": "Edm.Boolean", "IsValidForRead": "Edm.Boolean",
    "IsPrimaryId": "Edm.Boolean", "IsPrimaryName": "Edm.Boolean", "IsCustomAttribute": "Edm.Boolean",
    "IsValidODataAttribute": "Edm.Boolean", "IsLogical": "Edm.Boolean", "ColumnNumber": "Edm.Int32",
    "RequiredLevel": "complex", "RequiredLevel/Value": "enum:Microsoft.Dynamics.CRM.AttributeRequiredLevel",
}
CAST_TYPES: dict[str, dict[str, str]] = {
    "StringAttributeMetadata": {"MaxLength": "Edm.Int32", "Format": "Edm.String", "FormatName": "complex"},
    "MemoAttributeMetadata": {"MaxLength": "Edm.Int32", "Format": "Edm.String"},
    "IntegerAttributeMetadata": {"MinValue": "Edm.Int32", "MaxValue": "Edm.Int32", "Format": "Edm.String"},
    "BigIntAttributeMetadata": {"MinValue": "Edm.Int64", "MaxValue": "Edm.Int64"},
    "MoneyAttributeMetadata": {"MinValue": "Edm.Double", "MaxValue": "Edm.Double", "Precision": "Edm.Int32"},
    "DecimalAttributeMetadata": {"MinValue": "Edm.Decimal", "MaxValue": "Edm.Decimal", "Precision": "Edm.Int32"},
    "DoubleAttributeMetadata": {"MinValue": "Edm.Double", "MaxValue": "Edm.Double", "Precision": "Edm.Int32"},
    "DateTimeAttributeMetadata": {"Format": "Edm.String", "DateTimeBehavior": "complex"},
    "LookupAttributeMetadata": {"Targets": "collection"},
    "PicklistAttributeMetadata": {"DefaultFormValue": "Edm.Int32"},
    "StateAttributeMetadata": {},
    "StatusAttributeMetadata": {},
    "BooleanAttributeMetadata": {"DefaultValue": "Edm.Boolean"},
    "UniqueIdentifierAttributeMetadata": {},
    "EntityNameAttributeMetadata": {},
}
OPTION_CASTS = frozenset({"PicklistAttributeMetadata", "StateAttributeMetadata", "StatusAttributeMetadata",
                          "BooleanAttributeMetadata"})


def metadata_id(*parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(parts)))


def label(text: str, *owner: str) -> dict[str, Any]:
    localized = {"Label": text, "LanguageCode": 1033, "IsManaged": True, "MetadataId": metadata_id("label", *owner),
                 "HasChanged": None}
    return {"LocalizedLabels": [localized], "UserLocalizedLabel": localized}


def entity(table: Table, *, tracked: bool) -> dict[str, Any]:
    schema = table.schema_name or SCHEMA_NAMES[table.logical]
    return {
        "MetadataId": metadata_id("entity", table.logical), "LogicalName": table.logical, "SchemaName": schema,
        "EntitySetName": table.entity_set, "LogicalCollectionName": table.entity_set,
        "CollectionSchemaName": f"{schema}s" if not schema.endswith("y") else f"{schema[:-1]}ies",
        "PrimaryIdAttribute": table.primary_id, "PrimaryNameAttribute": table.primary_name,
        "ObjectTypeCode": table.type_code, "ChangeTrackingEnabled": tracked, "IsActivity": table.is_activity,
        "IsCustomEntity": table.custom, "IsIntersect": table.intersect, "IsValidForAdvancedFind": True,
        "IsOptimisticConcurrencyEnabled": True,
        "OwnershipType": table.ownership, "DisplayName": label(table.display, table.logical),
        "DisplayCollectionName": label(table.display_plural, table.logical, "plural"),
        "Description": label(f"{table.display} records.", table.logical, "description"),
        "CanChangeTrackingBeEnabled": {"Value": table.trackable, "CanBeChanged": table.trackable,
                                       "ManagedPropertyLogicalName": "canchangetrackingbeenabled"},
    }


def cast_name(attr: Attr) -> str:
    if attr.kind == "date":
        return "DateTimeAttributeMetadata"
    return KINDS[attr.kind][2]


def attribute(table: Table, attr: Attr, column: int) -> dict[str, Any]:
    attribute_type = KINDS[attr.kind][0]
    doc: dict[str, Any] = {
        "@odata.type": f"#Microsoft.Dynamics.CRM.{cast_name(attr)}",
        "MetadataId": metadata_id("attribute", table.logical, attr.name), "LogicalName": attr.name,
        "SchemaName": attr.schema_name or attr.name, "EntityLogicalName": table.logical, "AttributeOf": None,
        "AttributeType": attribute_type, "AttributeTypeName": {"Value": f"{attribute_type}Type"},
        "DisplayName": label(attr.label, table.logical, attr.name), "Description": label("", table.logical, attr.name,
                                                                                          "d"),
        "IsValidForCreate": attr.create, "IsValidForUpdate": attr.update, "IsValidForRead": True,
        "IsPrimaryId": attr.name == table.primary_id, "IsPrimaryName": attr.name == table.primary_name,
        "IsCustomAttribute": attr.custom or attr.name.startswith("crmhub_"), "IsValidODataAttribute": True,
        "IsLogical": False,
        "ColumnNumber": column,
        "RequiredLevel": {"Value": attr.required, "CanBeChanged": attr.required != "SystemRequired",
                          "ManagedPropertyLogicalName": "canmodifyrequirementlevelsettings"},
    }
    if attr.kind in ("string", "memo"):
        doc.update({"MaxLength": attr.max_length, "Format": attr.fmt or "Text"})
        if attr.kind == "string":
            doc["FormatName"] = {"Value": attr.fmt or "Text"}
    elif attr.kind in ("int", "bigint", "money", "decimal", "double"):
        doc.update({"MinValue": attr.min_value, "MaxValue": attr.max_value})
        if attr.kind in ("int", "bigint") and attr.min_value is not None:
            doc.update({"MinValue": int(attr.min_value), "MaxValue": int(attr.max_value or 0)})
        if attr.kind == "int":
            doc["Format"] = "None"
        if attr.kind in ("money", "decimal", "double"):
            doc["Precision"] = 2
    elif attr.kind in ("datetime", "date"):
        doc.update({"Format": "DateOnly" if attr.kind == "date" else "DateAndTime",
                    "DateTimeBehavior": {"Value": "DateOnly" if attr.kind == "date" else "UserLocal"}})
    elif attr.is_lookup:
        doc["Targets"] = list(attr.targets)
    elif attr.kind == "picklist":
        doc["DefaultFormValue"] = -1
    elif attr.kind == "bool":
        doc["DefaultValue"] = False
    return doc


def option_set(table: Table, attr: Attr) -> dict[str, Any] | None:
    options: OptionSet | None = attr.options
    if options is None:
        return None
    owner = (table.logical, attr.name)
    base = {"MetadataId": metadata_id("optionset", *owner), "Name": f"{table.logical}_{attr.name}",
            "IsGlobal": False, "IsCustomOptionSet": False, "IsManaged": True,
            "DisplayName": label(attr.label, *owner, "os")}
    if attr.kind == "bool":
        true_label = options.label(1) or "Yes"
        false_label = options.label(0) or "No"
        return {**base, "OptionSetType": "Boolean",
                "TrueOption": {"Value": 1, "Label": label(true_label, *owner, "1"), "Color": None},
                "FalseOption": {"Value": 0, "Label": label(false_label, *owner, "0"), "Color": None}}
    kind = {"picklist": "Picklist", "state": "State", "status": "Status"}[attr.kind]
    rendered = []
    for option in options.options:
        item: dict[str, Any] = {"Value": option.value, "Label": label(option.label, *owner, str(option.value)),
                                "Color": None, "IsManaged": True}
        if attr.kind == "status":
            item["State"] = option.state
        if attr.kind == "state":
            item["InvariantName"] = option.label.replace(" ", "")
        rendered.append(item)
    return {**base, "OptionSetType": kind, "Options": rendered}
