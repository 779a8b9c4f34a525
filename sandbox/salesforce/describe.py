"""Describe results built from the field definitions: what ``sobjects/`` and ``sobjects/{name}/describe`` return."""

from __future__ import annotations

from typing import Any

from sandbox.salesforce.catalog import Catalog
from sandbox.salesforce.fields import FieldDef, ObjectDef
from sandbox.salesforce.formulas import Formulas

_MERGEABLE = {"Account", "Contact", "Lead"}
_SYSTEM_DEFAULTED = {"Id", "IsDeleted", "CreatedDate", "CreatedById", "LastModifiedDate", "LastModifiedById",
                     "SystemModstamp", "OwnerId"}


def object_urls(obj: ObjectDef, version: str) -> dict[str, str]:
    base = f"/services/data/v{version}/sobjects/{obj.name}"
    return {"sobject": base, "describe": f"{base}/describe", "rowTemplate": f"{base}/{{ID}}"}


def global_entry(obj: ObjectDef, version: str) -> dict[str, Any]:
    return {
        "activateable": False, "associateEntityType": None, "associateParentEntity": None,
        "createable": obj.createable, "custom": obj.custom, "customSetting": False, "deepCloneable": False,
        "deletable": obj.deletable, "deprecatedAndHidden": False, "feedEnabled": False, "hasSubtypes": False,
        "isInterface": False, "isSubtype": False, "keyPrefix": obj.key_prefix, "label": obj.label,
        "labelPlural": obj.label_plural, "layoutable": obj.createable, "mergeable": obj.name in _MERGEABLE,
        "mruEnabled": obj.createable, "name": obj.name, "queryable": True, "replicateable": obj.replicateable,
        "retrieveable": True, "searchable": obj.searchable, "triggerable": True, "undeletable": obj.deletable,
        "updateable": obj.updateable, "urls": object_urls(obj, version),
    }


def field_entry(obj: ObjectDef, f: FieldDef, formulas: Formulas) -> dict[str, Any]:
    stringy = f.type not in ("boolean", "double", "currency", "percent", "int", "date", "datetime")
    is_int = f.type == "int"
    return {
        "aggregatable": f.filterable and f.type != "boolean", "aiPredictionField": False, "autoNumber": False,
        "byteLength": f.length * 3 if stringy else 0, "calculated": f.calculated,
        "calculatedFormula": formulas.text(obj.name, f.name) if f.calculated else None,
        "cascadeDelete": False, "caseSensitive": False, "compoundFieldName": None, "controllerName": None,
        "createable": f.createable, "custom": f.custom, "defaultValue": f.default if f.type == "boolean" else None,
        "defaultValueFormula": None,
        "defaultedOnCreate": f.default is not None or f.name in _SYSTEM_DEFAULTED or f.type == "boolean",
        "dependentPicklist": False, "deprecatedAndHidden": False, "digits": f.precision if is_int else 0,
        "displayLocationInDecimal": False, "encrypted": False, "externalId": f.external_id, "extraTypeInfo": None,
        "filterable": f.filterable, "filteredLookupInfo": None, "formulaTreatNullNumberAsZero": False,
        "groupable": f.filterable and f.type not in ("double", "currency", "percent", "datetime"),
        "highScaleNumber": False, "htmlFormatted": False, "idLookup": f.id_lookup, "inlineHelpText": None,
        "label": f.api_label, "length": f.length if stringy else 0, "mask": None, "maskType": None, "name": f.name,
        "nameField": f.name_field, "namePointing": f.polymorphic, "nillable": f.nillable,
        "permissionable": f.custom and f.nillable and not f.calculated,
        "picklistValues": [{"active": True, "defaultValue": v == f.default, "label": v, "validFor": None, "value": v}
                           for v in f.picklist],
        "polymorphicForeignKey": f.polymorphic, "precision": 0 if is_int else f.precision,
        "queryByDistance": False, "referenceTargetField": None, "referenceTo": list(f.reference_to),
        "relationshipName": f.relationship_name, "relationshipOrder": None, "restrictedDelete": False,
        "restrictedPicklist": f.restricted, "scale": f.scale, "searchPrefilterable": False, "soapType": f.soap_type,
        "sortable": f.filterable, "type": f.type, "unique": f.unique, "updateable": f.updateable,
        "writeRequiresMasterRead": False,
    }


def describe_object(obj: ObjectDef, *, catalog: Catalog, formulas: Formulas, version: str) -> dict[str, Any]:
    children = [{
        "cascadeDelete": rel.field.cascade_delete, "childSObject": rel.child.name, "deprecatedAndHidden": False,
        "field": rel.field.name, "junctionIdListNames": [], "junctionReferenceTo": [],
        "relationshipName": rel.name, "restrictedDelete": False,
    } for rel in catalog.children_of(obj.name)]
    out = global_entry(obj, version)
    out.update({
        "actionOverrides": [], "childRelationships": children, "compactLayoutable": obj.createable,
        "defaultImplementation": None, "extendedBy": None, "extendsInterfaces": None,
        "fields": [field_entry(obj, f, formulas) for f in obj.api_fields], "implementedBy": None,
        "implementsInterfaces": None, "listviewable": None, "lookupLayoutable": None, "namedLayoutInfos": [],
        "networkScopeFieldName": None,
        "recordTypeInfos": [{"active": True, "available": True, "defaultRecordTypeMapping": True,
                             "developerName": "Master", "master": True, "name": "Master",
                             "recordTypeId": "012000000000000AAA", "urls": {}}],
        "searchLayoutable": obj.searchable, "sobjectDescribeOption": "FULL",
        "supportedScopes": [{"label": "All records", "name": "everything"}, {"label": "My records", "name": "mine"}],
    })
    return dict(sorted(out.items()))
