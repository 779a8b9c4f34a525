"""Marketo's standard activity types, with the ids, primary attributes and attributes the real service describes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

VISIT_WEBPAGE = 1
FILL_OUT_FORM = 2
CLICK_LINK = 3
SEND_EMAIL = 6
EMAIL_DELIVERED = 7
EMAIL_BOUNCED = 8
UNSUBSCRIBE_EMAIL = 9
OPEN_EMAIL = 10
CLICK_EMAIL = 11
NEW_LEAD = 12
CHANGE_DATA_VALUE = 13
CHANGE_SCORE = 22
DELETE_LEAD = 37
INTERESTING_MOMENT = 46
EMAIL_TYPES = (SEND_EMAIL, EMAIL_DELIVERED, EMAIL_BOUNCED, UNSUBSCRIBE_EMAIL, OPEN_EMAIL, CLICK_EMAIL)
LEAD_CHANGE_TYPES = (NEW_LEAD, CHANGE_DATA_VALUE)

_WEB = ("Client IP Address", "Query Parameters", "Referrer URL", "User Agent")
_EMAIL = ("Campaign Run ID", "Choice Number", "Step ID")
_CHANGE = ("New Value", "Old Value", "Reason", "Source")


@dataclass(frozen=True, slots=True)
class ActivityType:
    id: int
    name: str
    description: str
    primary: tuple[str, str] | None
    attributes: tuple[tuple[str, str], ...]

    def describe(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "name": self.name, "description": self.description}
        if self.primary is not None:
            out["primaryAttribute"] = {"name": self.primary[0], "dataType": self.primary[1]}
        out["attributes"] = [{"name": n, "dataType": t} for n, t in self.attributes]
        return out


def _attrs(*names: str, types: dict[str, str] | None = None) -> tuple[tuple[str, str], ...]:
    kinds = types or {}
    return tuple((n, kinds.get(n, "string")) for n in sorted(names))


ACTIVITY_TYPES: tuple[ActivityType, ...] = (
    ActivityType(VISIT_WEBPAGE, "Visit Webpage", "User visits a web page", ("Webpage ID", "integer"),
                 _attrs(*_WEB, "Webpage URL", "Search Engine", "Search Query")),
    ActivityType(FILL_OUT_FORM, "Fill Out Form", "User fills out and submits form on web page",
                 ("Webform ID", "integer"),
                 _attrs(*_WEB, "Form Fields", "Webpage ID", types={"Form Fields": "text", "Webpage ID": "integer"})),
    ActivityType(CLICK_LINK, "Click Link", "User clicks on a link on a web page", ("Link ID", "integer"),
                 _attrs(*_WEB, "Webpage ID", types={"Webpage ID": "integer"})),
    ActivityType(SEND_EMAIL, "Send Email", "Send Marketo Email to a person", ("Mailing ID", "integer"),
                 _attrs(*_EMAIL, types={"Choice Number": "integer", "Step ID": "integer"})),
    ActivityType(EMAIL_DELIVERED, "Email Delivered", "Marketo Email is delivered to a person",
                 ("Mailing ID", "integer"), _attrs(*_EMAIL, types={"Choice Number": "integer", "Step ID": "integer"})),
    ActivityType(EMAIL_BOUNCED, "Email Bounced", "Marketo Email is bounced for a person", ("Mailing ID", "integer"),
                 _attrs(*_EMAIL, "Category", "Details", "Email", "Subcategory",
                        types={"Choice Number": "integer", "Step ID": "integer"})),
    ActivityType(UNSUBSCRIBE_EMAIL, "Unsubscribe Email", "Person unsubscribing from Marketo Emails",
                 ("Mailing ID", "integer"), _attrs(*_WEB, "Campaign Run ID", "Webform ID", "Webpage ID",
                                                   types={"Webform ID": "integer", "Webpage ID": "integer"})),
    ActivityType(OPEN_EMAIL, "Open Email", "User opens Marketo Email", ("Mailing ID", "integer"),
                 _attrs(*_EMAIL, "Device", "Is Mobile Device", "Platform", "User Agent",
                        types={"Choice Number": "integer", "Step ID": "integer", "Is Mobile Device": "boolean"})),
    ActivityType(CLICK_EMAIL, "Click Email", "User clicks on a link in a Marketo Email", ("Mailing ID", "integer"),
                 _attrs(*_EMAIL, "Device", "Is Mobile Device", "Link", "Platform", "User Agent",
                        types={"Choice Number": "integer", "Step ID": "integer", "Is Mobile Device": "boolean"})),
    ActivityType(NEW_LEAD, "New Lead", "New person", None,
                 _attrs("Source Type", "Form Name", "Lead Source", "List Name", "SFDC Type", "API Method Name")),
    ActivityType(CHANGE_DATA_VALUE, "Change Data Value", "Changed attribute value for a person",
                 ("Attribute Name", "integer"), _attrs(*_CHANGE, "API Method Name", "Request Id")),
    ActivityType(CHANGE_SCORE, "Change Score", "Changed score value for a person", ("Attribute Name", "integer"),
                 _attrs("Change Value", "New Value", "Old Value", "Reason",
                        types={"New Value": "integer", "Old Value": "integer"})),
    ActivityType(DELETE_LEAD, "Delete Lead", "Delete a lead", ("Lead ID", "integer"),
                 _attrs("Remove from CRM", types={"Remove from CRM": "boolean"})),
    ActivityType(INTERESTING_MOMENT, "Interesting Moment", "Interesting moment", ("Milestone ID", "integer"),
                 _attrs("Description", "Source", "Date", types={"Date": "datetime"})),
)
TYPES_BY_ID: dict[int, ActivityType] = {t.id: t for t in ACTIVITY_TYPES}
