"""The schemas of the partner-programme and sales-enablement custom objects the generator seeds (issue 17's Partner
Portal, Incentive Program, Market and Sales Content models), as an admin would post them to ``/crm/v3/schemas``:
counts and amounts are number properties, kinds are enumerations, references are associations."""

from __future__ import annotations

from typing import Any

from sandbox.hubspot import enums

PROGRAM_TYPES = ("spiff", "rebate", "mdf", "bonus")
PROGRAM_STATUSES = ("planned", "active", "closed")
REGIONS = ("North America", "EMEA", "APAC", "LATAM")
CONTENT_TYPES = ("battlecard", "case_study", "deck", "one_pager")


def _enum(name: str, label: str, values: tuple[str, ...]) -> dict[str, Any]:
    return {"name": name, "label": label, "type": "enumeration", "fieldType": "select",
            "options": [{"label": v.replace("_", " ").title(), "value": v, "displayOrder": i}
                        for i, v in enumerate(values)]}


def _number(name: str, label: str) -> dict[str, Any]:
    return {"name": name, "label": label, "type": "number", "fieldType": "number"}


def _date(name: str, label: str) -> dict[str, Any]:
    return {"name": name, "label": label, "type": "date", "fieldType": "date"}


def _schema(name: str, singular: str, plural: str, description: str, primary: str, secondary: str,
            properties: list[dict[str, Any]], associated: list[str]) -> dict[str, Any]:
    return {"name": name, "labels": {"singular": singular, "plural": plural}, "description": description,
            "primaryDisplayProperty": primary, "requiredProperties": [primary], "searchableProperties": [primary],
            "secondaryDisplayProperties": [secondary], "properties": properties, "associatedObjects": associated}


def portal_activity_definition(partner_type_id: str) -> dict[str, Any]:
    return _schema(
        "partner_portal_activity", "Partner Portal Activity", "Partner Portal Activities",
        "A channel partner's use of the partner portal in one month.", "activity_name", "period_start",
        [{"name": "activity_name", "label": "Activity"}, _date("period_start", "Period start"),
         _number("logins", "Logins"), _number("active_users", "Active users"),
         _number("deals_registered", "Deals registered"), _number("content_downloads", "Content downloads")],
        [partner_type_id])


def incentive_program_definition(partner_type_id: str) -> dict[str, Any]:
    currency = _enum("currency", "Currency", enums.CURRENCIES)
    return _schema(
        "incentive_program", "Incentive Program", "Incentive Programs",
        "A SPIFF, rebate, market development fund or bonus offered to partners.", "program_name", "program_type",
        [{"name": "program_name", "label": "Program name"}, _enum("program_type", "Program type", PROGRAM_TYPES),
         _enum("program_status", "Program status", PROGRAM_STATUSES), _date("start_date", "Start date"),
         _date("end_date", "End date"), _number("budget", "Budget"), _number("paid_out", "Paid out"), currency],
        [partner_type_id])


MARKET = _schema(
    "market", "Market", "Markets", "A region, country or industry we sell into, with its estimated size.",
    "market_name", "region",
    [{"name": "market_name", "label": "Market name"}, _enum("region", "Region", REGIONS),
     {"name": "country", "label": "Country"}, {"name": "industry", "label": "Industry"},
     _number("size_estimate", "Estimated annual spend"), _enum("currency", "Currency", enums.CURRENCIES),
     {"name": "description", "label": "Description", "fieldType": "textarea"}],
    [])

SALES_CONTENT = _schema(
    "sales_content", "Sales Content", "Sales Content", "Battlecards, case studies and decks sellers use in deals.",
    "title", "content_type",
    [{"name": "title", "label": "Title"}, _enum("content_type", "Content type", CONTENT_TYPES),
     _enum("deal_stage", "Deal stage", enums.OPEN_STAGES), {"name": "url", "label": "URL"},
     _number("uses", "Uses in deals"), _number("uses_in_won_deals", "Uses in won deals")],
    ["PRODUCT"])
