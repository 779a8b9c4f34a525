"""The canonical model: entities, their typed fields, and which are required. Mappings may only target these.

The store's tables mirror this (a test keeps them equal); ``custom`` holds what has no canonical home.
"""

from __future__ import annotations

from collections.abc import Mapping

COMMON = {"created_at": "datetime", "updated_at": "datetime"}

ENTITIES: Mapping[str, Mapping[str, str]] = {
    "account": {"name": "string", "domain": "string", "industry": "string", "employees": "integer",
                "annual_revenue": "number", "country": "string", "city": "string", "phone": "string",
                "owner_id": "ref", "website": "string", **COMMON},
    "contact": {"first_name": "string", "last_name": "string", "email": "string", "phone": "string",
                "title": "string", "account_id": "ref", "owner_id": "ref", "country": "string", "city": "string",
                "lifecycle_stage": "string", "lead_source": "string", **COMMON},
    "lead": {"first_name": "string", "last_name": "string", "email": "string", "phone": "string", "title": "string",
             "company": "string", "status": "string", "lead_source": "string", "country": "string", "city": "string",
             "owner_id": "ref", "industry": "string", "employees": "integer", "converted": "boolean",
             "account_id": "ref",  # the company a lead works for, where the CRM knows it (Marketo's company rollup)
             "converted_at": "datetime", "converted_contact_id": "ref", "converted_account_id": "ref",
             "converted_opportunity_id": "ref", **COMMON},
    "opportunity": {"name": "string", "account_id": "ref", "contact_id": "ref", "owner_id": "ref",
                    "amount": "number", "currency": "string", "stage": "string", "pipeline": "string",
                    "probability": "number", "close_date": "date", "is_closed": "boolean", "is_won": "boolean",
                    **COMMON},
    "activity": {"type": "string", "subject": "string", "body": "string", "occurred_at": "datetime",
                 "status": "string", "direction": "string", "contact_id": "ref", "lead_id": "ref",
                 "account_id": "ref", "opportunity_id": "ref", "owner_id": "ref", "campaign_id": "ref",
                 "url": "string", **COMMON},
    "user": {"email": "string", "first_name": "string", "last_name": "string", "title": "string",
             "active": "boolean", "team": "string", **COMMON},
    "team": {"name": "string", "owner_id": "ref", "business_unit": "string", **COMMON},
    "campaign": {"name": "string", "type": "string", "status": "string", "start_date": "date", "end_date": "date",
                 "budget": "number", "actual_cost": "number", "expected_revenue": "number", "owner_id": "ref",
                 "parent_id": "ref", "active": "boolean", **COMMON},
    "campaign_member": {"campaign_id": "ref", "contact_id": "ref", "lead_id": "ref", "status": "string",
                        "responded": "boolean", "first_responded_at": "date", **COMMON},
    # One row per stage an opportunity passed through (Salesforce OpportunityHistory, Dynamics stage changes).
    "opportunity_stage": {"opportunity_id": "ref", "stage": "string", "amount": "number", "probability": "number",
                          "close_date": "date", "changed_at": "datetime", "changed_by_id": "ref", **COMMON},
    # The catalogue (Salesforce Product2, HubSpot products, Dynamics products); a list price where the CRM keeps one
    # on the product (Salesforce keeps it in price book entries).
    "product": {"name": "string", "product_code": "string", "sku": "string", "family": "string",
                "description": "string", "active": "boolean", "unit_price": "number", "currency": "string",
                **COMMON},
    # An opportunity's products; discounts as the CRM carries them: a percentage, an amount, or both.
    "line_item": {"opportunity_id": "ref", "product_id": "ref", "name": "string", "quantity": "number",
                  "unit_price": "number", "list_price": "number", "discount_percent": "number",
                  "discount_amount": "number", "total_price": "number", "currency": "string", **COMMON},
}

ACTIVITY_TYPES = ("call", "email_sent", "email_open", "email_click", "meeting", "task", "note", "web_visit",
                  "form_fill", "other")

# The store's table for each entity ("user" is a reserved word in SQL).
TABLE_OF = {"account": "account", "contact": "contact", "lead": "lead", "opportunity": "opportunity",
            "activity": "activity", "user": "crm_user", "team": "team", "campaign": "campaign",
            "campaign_member": "campaign_member", "opportunity_stage": "opportunity_stage", "product": "product",
            "line_item": "line_item"}
