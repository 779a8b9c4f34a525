"""The canonical model: entities, their typed fields, and which are required. Mappings may only target these.

The store's tables mirror this (a test keeps them equal); ``custom`` holds what has no canonical home.
"""

from __future__ import annotations

from collections.abc import Mapping

COMMON = {"created_at": "datetime", "updated_at": "datetime"}

ENTITIES: Mapping[str, Mapping[str, str]] = {
    "account": {"name": "string", "domain": "string", "industry": "string", "employees": "integer",
                "annual_revenue": "number", "country": "string", "city": "string", "phone": "string",
                "owner_id": "ref", "website": "string", "tier": "string", **COMMON},
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
                    "loss_reason": "string",
                    # pipeline | best_case | commit | closed | omitted, as the CRM names them
                    "forecast_category": "string", **COMMON},
    "activity": {"type": "string", "subject": "string", "body": "string", "occurred_at": "datetime",
                 "status": "string", "direction": "string", "contact_id": "ref", "lead_id": "ref",
                 "account_id": "ref", "opportunity_id": "ref", "owner_id": "ref", "campaign_id": "ref",
                 "url": "string", "duration_minutes": "number",
                 "outcome": "string",  # a call's disposition, a meeting's outcome
                 **COMMON},
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
    # --- issue 17: standard objects of the CRMs ---
    # An owner's or a team's target for a period; quota_type: revenue | units | activities.
    "quota": {"owner_id": "ref", "team_id": "ref", "period_start": "date", "period_end": "date",
              "quota_type": "string", "amount": "number", "currency": "string", **COMMON},
    "territory": {"name": "string", "parent_id": "ref", "description": "string", "territory_type": "string",
                  **COMMON},
    # A user or an account in a territory (one of the two is set), over effective dates.
    "territory_assignment": {"territory_id": "ref", "user_id": "ref", "account_id": "ref", "role": "string",
                             "effective_from": "date", "effective_to": "date", **COMMON},
    "competitor": {"name": "string", "website": "string", "strengths": "string", "weaknesses": "string", **COMMON},
    # A competitor on a deal; competitor_name where the CRM keeps no competitor record (Salesforce).
    "opportunity_competitor": {"opportunity_id": "ref", "competitor_id": "ref", "competitor_name": "string",
                               "strengths": "string", "weaknesses": "string", "won_by_competitor": "boolean",
                               "loss_reason": "string", **COMMON},
    "opportunity_contact_role": {"opportunity_id": "ref", "contact_id": "ref", "role": "string",
                                 "is_primary": "boolean", **COMMON},
    # A pipeline's stage definition; stage is the value opportunities carry, probability as opportunity's (0-100).
    "pipeline_stage": {"pipeline": "string", "stage": "string", "label": "string", "display_order": "integer",
                       "probability": "number", "is_closed": "boolean", "is_won": "boolean",
                       "forecast_category": "string", **COMMON},
    "case": {"subject": "string", "description": "text", "status": "string", "priority": "string",
             "origin": "string", "case_type": "string", "account_id": "ref", "contact_id": "ref", "owner_id": "ref",
             "opened_at": "datetime", "closed_at": "datetime", "is_closed": "boolean", **COMMON},
    # contract_type: contract | subscription | partner_agreement.
    "contract": {"account_id": "ref", "owner_id": "ref", "contract_number": "string", "name": "string",
                 "status": "string", "contract_type": "string", "start_date": "date", "end_date": "date",
                 "renewal_date": "date", "term_months": "integer", "amount": "number", "currency": "string",
                 "auto_renew": "boolean", **COMMON},
    "quote": {"opportunity_id": "ref", "account_id": "ref", "name": "string", "quote_number": "string",
              "status": "string", "amount": "number", "discount_percent": "number", "currency": "string",
              "expires_on": "date", "accepted": "boolean", **COMMON},
    # --- issue 17: filled from custom objects (mapped in config) ---
    # program_type: onboarding | product | skills | partner | customer.
    "training_program": {"name": "string", "program_type": "string", "status": "string", "owner_id": "ref",
                         "start_date": "date", "end_date": "date", "duration_hours": "number", **COMMON},
    # A user's or a channel partner's enrolment; status: enrolled | completed | dropped.
    "training_enrolment": {"program_id": "ref", "user_id": "ref", "partner_id": "ref", "status": "string",
                           "enrolled_on": "date", "completed_on": "date", "score": "number", **COMMON},
    "coaching_session": {"coach_id": "ref", "rep_id": "ref", "opportunity_id": "ref", "held_at": "datetime",
                         "duration_minutes": "number", "topic": "string", "rating": "number", **COMMON},
    "assessment": {"user_id": "ref", "program_id": "ref", "name": "string", "skill": "string", "score": "number",
                   "max_score": "number", "passed": "boolean", "taken_on": "date", **COMMON},
    "channel_partner": {"name": "string", "account_id": "ref", "tier": "string", "status": "string",
                        "country": "string", "owner_id": "ref", "joined_on": "date", **COMMON},
    # status: registered | approved | rejected | won | lost.
    "partner_deal": {"partner_id": "ref", "opportunity_id": "ref", "account_id": "ref", "amount": "number",
                     "currency": "string", "status": "string", "registered_on": "date", "closed_on": "date",
                     **COMMON},
    # review_type: qbr | strategic_review.
    "qbr": {"account_id": "ref", "owner_id": "ref", "held_on": "date", "status": "string", "review_type": "string",
            "health_rating": "string", "outcome": "string", **COMMON},
    # status: green | amber | red.
    "customer_health": {"account_id": "ref", "recorded_on": "date", "score": "number", "status": "string",
                        "churn_risk": "number", **COMMON},
    # feedback_type: nps (score 0-10) | csat | enablement.
    "feedback": {"account_id": "ref", "contact_id": "ref", "received_on": "date", "feedback_type": "string",
                 "score": "number", "channel": "string", "comment": "string", **COMMON},
    "product_usage": {"account_id": "ref", "product_id": "ref", "period_start": "date", "active_users": "integer",
                      "licensed_users": "integer", "usage_events": "integer", **COMMON},
}

ACTIVITY_TYPES = ("call", "email_sent", "email_open", "email_click", "meeting", "task", "note", "web_visit",
                  "form_fill", "other")

# The store's table for each entity: its own name, but "user" and "case" are reserved words in SQL.
_RENAMED = {"user": "crm_user", "case": "support_case"}
TABLE_OF: Mapping[str, str] = {entity: _RENAMED.get(entity, entity) for entity in ENTITIES}
