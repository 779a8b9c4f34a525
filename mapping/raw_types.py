"""Each CRM's native field types, as discover() reports them (``FieldInfo.type``), and the store type of the raw-table
column that holds them. Data, per CRM; a type missing here is kept as ``text`` and the run's notes say so.

Sources (the names exactly as each API spells them):

- Salesforce: the describe ``type`` of a field (SOAP API "Field Types"; Apex ``Schema.DisplayType``, lower-cased).
  Compound and structured values (address, location, complexvalue, json, anyType) are kept as JSON text.
- HubSpot: a property's ``type`` (CRM properties API): string, number, date, datetime, enumeration, bool,
  phone_number, plus currency_number, json and object_coordinates. Values arrive as strings; a multi-select
  enumeration is ``a;b;c`` and a string may be a 65,536-character text area, so both are text.
- Dataverse: ``AttributeMetadata.AttributeType`` (the ``AttributeTypeCode`` enum). A choice (Picklist, State, Status)
  arrives as its integer value (its label is a separate ``<name>@label`` String field the connector adds); a lookup
  as the GUID of ``_<name>_value``; a DateOnly DateTime as ``YYYY-MM-DD`` (kept as its midnight UTC); a String may
  be up to 4,000 characters. ``ETag`` is the connector's own row-version field.
- Marketo: the ``dataType`` of a custom object's (or lead's) describe: string (at most 255 characters), text, email,
  phone, url, integer, float, currency, boolean, date, datetime, reference, link; lead fields add score, percent,
  formula and textarea.
"""

from __future__ import annotations

from collections.abc import Mapping

# The store types a raw column can have (store/raw.py gives each its SQL type; config's objects.<o>.types names them).
STORE_TYPES: tuple[str, ...] = ("string", "text", "integer", "number", "boolean", "date", "datetime")
UNKNOWN = "text"

NATIVE_TYPES: Mapping[str, Mapping[str, str]] = {
    "salesforce": {
        "id": "string", "string": "string", "textarea": "text", "picklist": "string", "multipicklist": "text",
        "combobox": "string", "email": "string", "phone": "string", "url": "string", "encryptedstring": "string",
        "reference": "string", "datacategorygroupreference": "string", "boolean": "boolean", "int": "integer",
        "long": "integer", "double": "number", "currency": "number", "percent": "number", "date": "date",
        "datetime": "datetime", "time": "string", "base64": "text", "address": "text", "location": "text",
        "complexvalue": "text", "json": "text", "anyType": "text",
    },
    "hubspot": {
        "string": "text", "number": "number", "date": "date", "datetime": "datetime", "enumeration": "text",
        "bool": "boolean", "phone_number": "string", "currency_number": "number", "json": "text",
        "object_coordinates": "text",
    },
    "dynamics": {
        "String": "text", "Memo": "text", "Integer": "integer", "BigInt": "integer", "Decimal": "number",
        "Double": "number", "Money": "number", "Boolean": "boolean", "DateTime": "datetime", "Lookup": "string",
        "Owner": "string", "Customer": "string", "Picklist": "integer", "State": "integer", "Status": "integer",
        "Uniqueidentifier": "string", "EntityName": "string", "PartyList": "text", "Virtual": "text",
        "CalendarRules": "text", "ManagedProperty": "text", "ETag": "string",
    },
    "marketo": {
        "string": "string", "text": "text", "textarea": "text", "email": "string", "phone": "string",
        "url": "string", "integer": "integer", "score": "integer", "float": "number", "currency": "number",
        "percent": "number", "boolean": "boolean", "date": "date", "datetime": "datetime", "reference": "string",
        "link": "string", "formula": "text",
    },
}

# Compound fields a raw table does not read unless ``fields`` lists them: Salesforce serves an address or a
# geolocation only through its SOAP and REST APIs (not Bulk), and describe lists their parts (BillingCity,
# Venue__Latitude__s) as fields of their own, which every API reads.
COMPOUND_TYPES: Mapping[str, frozenset[str]] = {"salesforce": frozenset({"address", "location"})}

# The fields that carry a record's creation and last-change times, in order of preference: they fill the raw
# table's created_at / updated_at (the stream's cursor field comes first for updated_at when discover lists it).
CREATED_FIELDS: Mapping[str, tuple[str, ...]] = {
    "salesforce": ("CreatedDate",),
    "hubspot": ("hs_createdate", "createdate"),
    "dynamics": ("createdon",),
    "marketo": ("createdAt",),
}
MODIFIED_FIELDS: Mapping[str, tuple[str, ...]] = {
    "salesforce": ("SystemModstamp", "LastModifiedDate"),
    "hubspot": ("hs_lastmodifieddate", "lastmodifieddate"),
    "dynamics": ("modifiedon",),
    "marketo": ("updatedAt",),
}


def store_type(kind: str, native: str) -> str | None:
    """The store type of a CRM's native type, or None when crmhub does not know it (the caller keeps it as text)."""
    return NATIVE_TYPES.get(kind, {}).get(native)
