"""The values a ``where`` may select on fields whose values crmhub fixes, so a misspelt value is an error, not an
empty selection. Activity types are mapping/model.py's; the others are the value lists issue 17's schema contract
gives those entities (the mappings normalise the CRMs' values to them)."""

from __future__ import annotations

from collections.abc import Mapping

from mapping.model import ACTIVITY_TYPES

VOCABULARIES: Mapping[tuple[str, str], tuple[str, ...]] = {
    ("activity", "type"): ACTIVITY_TYPES,
    ("contract", "contract_type"): ("contract", "subscription", "partner_agreement"),
    ("training_program", "program_type"): ("onboarding", "product", "skills", "partner", "customer"),
    ("qbr", "review_type"): ("qbr", "strategic_review"),
    ("feedback", "feedback_type"): ("nps", "csat", "enablement"),
    ("quota", "quota_type"): ("revenue", "units", "activities"),
    ("opportunity", "forecast_category"): ("pipeline", "best_case", "commit", "closed", "omitted"),
}
