"""The lead schema: standard fields, a few custom ones, and how values of each data type are checked.

Describe, Describe2, lead reads and writes and the bulk export all read this one table, so a field is either
known everywhere or nowhere (``1006 Field 'x' not found``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sandbox.marketo.timefmt import iso, parse_iso


@dataclass(frozen=True, slots=True)
class LeadField:
    id: int
    name: str
    display: str
    data_type: str
    length: int | None = 255
    read_only: bool = False
    searchable: bool = False
    crm_managed: bool = False
    standard: bool = True  # Marketo's visible updatedAt only moves for standard fields
    soap: str | None = None

    def describe(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "displayName": self.display, "dataType": self.data_type}
        if self.length is not None:
            out["length"] = self.length
        out["rest"] = {"name": self.name, "readOnly": self.read_only}
        out["soap"] = {"name": self.soap or self.name[0].upper() + self.name[1:], "readOnly": self.read_only}
        return out

    def describe2(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "displayName": self.display, "dataType": self.data_type}
        if self.length is not None:
            out["length"] = self.length
        out["updateable"] = not self.read_only
        out["crmManaged"] = self.crm_managed
        return out


def _f(fid: int, name: str, display: str, data_type: str, **kw: Any) -> LeadField:
    length = kw.pop("length", None if data_type in ("integer", "boolean", "currency", "datetime", "float") else 255)
    return LeadField(fid, name, display, data_type, length, **kw)


LEAD_FIELDS: tuple[LeadField, ...] = (
    _f(1, "id", "Id", "integer", read_only=True, searchable=True, soap="Id"),
    _f(2, "company", "Company Name", "string"),
    _f(3, "firstName", "First Name", "string"),
    _f(4, "lastName", "Last Name", "string"),
    _f(5, "email", "Email Address", "email", searchable=True),
    _f(6, "title", "Job Title", "string"),
    _f(7, "phone", "Phone Number", "phone"),
    _f(8, "mobilePhone", "Mobile Phone Number", "phone"),
    _f(9, "city", "City", "string"),
    _f(10, "country", "Country", "string"),
    _f(11, "postalCode", "Postal Code", "string"),
    _f(12, "website", "Website", "url"),
    _f(13, "industry", "Industry", "string"),
    _f(14, "numberOfEmployees", "Num Employees", "integer"),
    _f(15, "annualRevenue", "Annual Revenue", "currency"),
    _f(16, "leadSource", "Lead Source", "string"),
    _f(17, "leadStatus", "Lead Status", "string"),
    _f(18, "leadScore", "Lead Score", "integer"),
    _f(19, "rating", "Lead Rating", "string"),
    _f(20, "unsubscribed", "Unsubscribed", "boolean"),
    _f(21, "emailInvalid", "Email Invalid", "boolean"),
    _f(22, "doNotCall", "Do Not Call", "boolean"),
    _f(23, "originalSourceType", "Original Source Type", "string", read_only=True),
    _f(24, "sfdcType", "SFDC Type", "string", read_only=True, crm_managed=True),
    _f(25, "sfdcLeadId", "SFDC Lead ID", "string", length=18, read_only=True, searchable=True, crm_managed=True),
    _f(26, "sfdcContactId", "SFDC Contact ID", "string", length=18, read_only=True, searchable=True,
       crm_managed=True),
    _f(27, "sfdcAccountId", "SFDC Account ID", "string", length=18, read_only=True, searchable=True,
       crm_managed=True),
    _f(28, "leadPartitionId", "Lead Partition Id", "integer", read_only=True, searchable=True),
    _f(29, "createdAt", "Created At", "datetime", read_only=True),
    _f(30, "updatedAt", "Updated At", "datetime", read_only=True),
    _f(31, "billingCountry", "Billing Country", "string"),  # the company's, where country is the person's
    _f(32, "billingCity", "Billing City", "string"),
    _f(33, "mainPhone", "Main Phone", "phone"),
    _f(1001, "estimatedBudget", "Estimated Budget", "string", standard=False),
    _f(1002, "crmhubScore", "crmhub Score", "integer", standard=False),
    _f(1003, "crmhubSegment", "crmhub Segment", "string", searchable=True, standard=False),
    _f(1004, "crmhubScoreUpdatedAt", "crmhub Score Updated At", "datetime", standard=False),
    _f(1005, "crmhubGrade", "crmhub Grade", "string", length=20, standard=False),
    _f(1006, "crmhubReasons", "crmhub Reasons", "text", length=65535, standard=False),
)
BY_NAME: dict[str, LeadField] = {f.name: f for f in LEAD_FIELDS}
BY_ID: dict[int, LeadField] = {f.id: f for f in LEAD_FIELDS}
INDEX: dict[str, int] = {f.name: i for i, f in enumerate(LEAD_FIELDS)}
DEFAULT_FIELDS = ("id", "email", "updatedAt", "createdAt", "firstName", "lastName")
# Lookup fields Sync Leads accepts (Marketo refuses names and other free-text fields with 1011).
LOOKUP_FIELDS = ("email", "id", "sfdcLeadId", "sfdcContactId", "crmhubSegment")


class FieldValueError(ValueError):
    pass


def coerce(field: LeadField, value: Any) -> Any:
    """The stored form of an API-supplied value (``None`` clears the field); raises ``FieldValueError``."""
    if value is None or value == "":
        return None
    kind = field.data_type
    if kind in ("integer",):
        if isinstance(value, bool):
            raise FieldValueError(f"Invalid value for field '{field.name}': expected integer")
        try:
            number = float(value)
        except (TypeError, ValueError) as exc:
            raise FieldValueError(f"Invalid value for field '{field.name}': expected integer") from exc
        if not number.is_integer():
            raise FieldValueError(f"Invalid value for field '{field.name}': expected integer")
        return int(number)
    if kind in ("currency", "float"):
        if isinstance(value, bool):
            raise FieldValueError(f"Invalid value for field '{field.name}': expected number")
        try:
            return float(value)
        except (TypeError, ValueError) as exc:
            raise FieldValueError(f"Invalid value for field '{field.name}': expected number") from exc
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("true", "1", "yes"):
            return True
        if text in ("false", "0", "no"):
            return False
        raise FieldValueError(f"Invalid value for field '{field.name}': expected boolean")
    if kind == "datetime":
        moment = parse_iso(str(value)) if isinstance(value, str) else None
        if moment is None:
            raise FieldValueError(f"Invalid value for field '{field.name}': expected datetime")
        return int(moment.timestamp())
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise FieldValueError(f"Invalid value for field '{field.name}': expected string")
    text = str(value)
    if kind == "email" and ("@" not in text or not text.isascii() or " " in text.strip()):
        raise FieldValueError(f"Invalid email address '{text}'")
    if field.length is not None and len(text) > field.length:
        raise FieldValueError(f"Value for field '{field.name}' exceeds {field.length} characters")
    return text


def render(field: LeadField, stored: Any) -> Any:
    """A stored value as Marketo's JSON renders it (datetimes as ISO strings, the rest as JSON types)."""
    if stored is None:
        return None
    if field.data_type == "datetime":
        return iso(stored)
    return stored


def render_csv(field: LeadField, stored: Any) -> str:
    """A stored value as the bulk export writes it (an empty value is the literal ``null``)."""
    if stored is None:
        return "null"
    if field.data_type == "datetime":
        return iso(stored)
    if field.data_type == "boolean":
        return "true" if stored else "false"
    if isinstance(stored, float) and stored.is_integer():
        return str(int(stored)) if field.data_type != "currency" else f"{stored:.1f}"
    return str(stored)

