"""The enumeration options HubSpot ships for the properties this sandbox serves (internal values, as the API
sees them)."""

from __future__ import annotations

LIFECYCLE_STAGES = (
    "subscriber", "lead", "marketingqualifiedlead", "salesqualifiedlead", "opportunity", "customer", "evangelist",
    "other",
)
LEAD_STATUSES = (
    "NEW", "OPEN", "IN_PROGRESS", "OPEN_DEAL", "UNQUALIFIED", "ATTEMPTED_TO_CONTACT", "CONNECTED", "BAD_TIMING",
)
ANALYTICS_SOURCES = (
    "ORGANIC_SEARCH", "PAID_SEARCH", "EMAIL_MARKETING", "SOCIAL_MEDIA", "REFERRALS", "OTHER_CAMPAIGNS",
    "DIRECT_TRAFFIC", "OFFLINE", "PAID_SOCIAL", "AI_REFERRALS",
)
# Population lead sources → HubSpot's original-source buckets.
SOURCE_OF_LEAD = {
    "Web": "DIRECT_TRAFFIC", "Organic Search": "ORGANIC_SEARCH", "Paid Search": "PAID_SEARCH", "Referral": "REFERRALS",
    "Event": "OFFLINE", "Partner": "OTHER_CAMPAIGNS", "Email": "EMAIL_MARKETING", "Social Media": "SOCIAL_MEDIA",
}
INDUSTRIES = (
    "ACCOUNTING", "AIRLINES_AVIATION", "ALTERNATIVE_MEDICINE", "ANIMATION", "APPAREL_FASHION", "ARCHITECTURE_PLANNING",
    "AUTOMOTIVE", "AVIATION_AEROSPACE", "BANKING", "BIOTECHNOLOGY", "BROADCAST_MEDIA", "BUILDING_MATERIALS",
    "CAPITAL_MARKETS", "CHEMICALS", "CIVIL_ENGINEERING", "COMMERCIAL_REAL_ESTATE", "COMPUTER_GAMES",
    "COMPUTER_HARDWARE", "COMPUTER_NETWORKING", "COMPUTER_NETWORK_SECURITY", "COMPUTER_SOFTWARE", "CONSTRUCTION",
    "CONSUMER_ELECTRONICS", "CONSUMER_GOODS", "CONSUMER_SERVICES", "COSMETICS", "DEFENSE_SPACE", "DESIGN",
    "E_LEARNING", "EDUCATION_MANAGEMENT", "ELECTRICAL_ELECTRONIC_MANUFACTURING", "ENTERTAINMENT",
    "ENVIRONMENTAL_SERVICES", "EVENTS_SERVICES", "FINANCIAL_SERVICES", "FOOD_BEVERAGES", "FOOD_PRODUCTION",
    "GOVERNMENT_ADMINISTRATION", "GRAPHIC_DESIGN", "HEALTH_WELLNESS_AND_FITNESS", "HIGHER_EDUCATION",
    "HOSPITAL_HEALTH_CARE", "HOSPITALITY", "HUMAN_RESOURCES", "INDUSTRIAL_AUTOMATION", "INFORMATION_SERVICES",
    "INFORMATION_TECHNOLOGY_AND_SERVICES", "INSURANCE", "INTERNET", "INVESTMENT_BANKING", "INVESTMENT_MANAGEMENT",
    "LAW_PRACTICE", "LEGAL_SERVICES", "LEISURE_TRAVEL_TOURISM", "LOGISTICS_AND_SUPPLY_CHAIN", "MACHINERY",
    "MANAGEMENT_CONSULTING", "MARKETING_AND_ADVERTISING", "MECHANICAL_OR_INDUSTRIAL_ENGINEERING", "MEDIA_PRODUCTION",
    "MEDICAL_DEVICES", "MINING_METALS", "NON_PROFIT_ORGANIZATION_MANAGEMENT", "OIL_ENERGY", "ONLINE_MEDIA",
    "PHARMACEUTICALS", "PRIMARY_SECONDARY_EDUCATION", "PROFESSIONAL_TRAINING_COACHING", "PUBLISHING", "REAL_ESTATE",
    "RENEWABLES_ENVIRONMENT", "RESEARCH", "RESTAURANTS", "RETAIL", "SEMICONDUCTORS", "STAFFING_AND_RECRUITING",
    "TELECOMMUNICATIONS", "TRANSPORTATION_TRUCKING_RAILROAD", "UTILITIES", "VENTURE_CAPITAL_PRIVATE_EQUITY",
    "WHOLESALE", "WIRELESS",
)
INDUSTRY_OF = {
    "Software": "COMPUTER_SOFTWARE", "Financial Services": "FINANCIAL_SERVICES", "Healthcare": "HOSPITAL_HEALTH_CARE",
    "Manufacturing": "MACHINERY", "Retail": "RETAIL", "Education": "EDUCATION_MANAGEMENT",
    "Telecommunications": "TELECOMMUNICATIONS", "Energy": "OIL_ENERGY", "Media": "ONLINE_MEDIA",
    "Logistics": "LOGISTICS_AND_SUPPLY_CHAIN", "Real Estate": "REAL_ESTATE", "Consulting": "MANAGEMENT_CONSULTING",
}
CURRENCIES = ("USD", "EUR", "GBP", "CAD", "AUD")
CURRENCY_OF_COUNTRY = {"DE": "EUR", "FR": "EUR", "NL": "EUR", "ES": "EUR", "GB": "GBP", "CA": "CAD", "AU": "AUD"}

PIPELINE_ID = "default"
PIPELINE_LABEL = "Sales Pipeline"
# (stage id, label, probability); closedwon/closedlost are the closed stages.
DEAL_STAGES = (
    ("appointmentscheduled", "Appointment Scheduled", "0.2"),
    ("qualifiedtobuy", "Qualified To Buy", "0.4"),
    ("presentationscheduled", "Presentation Scheduled", "0.6"),
    ("decisionmakerboughtin", "Decision Maker Bought-In", "0.8"),
    ("contractsent", "Contract Sent", "0.9"),
    ("closedwon", "Closed Won", "1.0"),
    ("closedlost", "Closed Lost", "0.0"),
)
OPEN_STAGES = tuple(s[0] for s in DEAL_STAGES[:5])
CLOSED_STAGES = ("closedwon", "closedlost")

CALL_DIRECTIONS = ("INBOUND", "OUTBOUND")
CALL_STATUSES = ("BUSY", "CALLING_CRM_USER", "CANCELED", "COMPLETED", "CONNECTING", "FAILED", "IN_PROGRESS",
                 "NO_ANSWER", "QUEUED", "RINGING")
EMAIL_DIRECTIONS = ("EMAIL", "INCOMING_EMAIL", "FORWARDED_EMAIL")
MEETING_OUTCOMES = ("SCHEDULED", "COMPLETED", "RESCHEDULED", "NO_SHOW", "CANCELED")
TASK_STATUSES = ("NOT_STARTED", "IN_PROGRESS", "WAITING", "COMPLETED", "DEFERRED")
TASK_PRIORITIES = ("NONE", "LOW", "MEDIUM", "HIGH")
TASK_TYPES = ("CALL", "EMAIL", "TODO")


def label_of(value: str) -> str:
    """``COMPUTER_SOFTWARE`` → ``Computer Software`` (the UI label HubSpot shows for an internal value)."""
    return value.replace("_", " ").title()

# Calls' outcome (hs_call_disposition): HubSpot's six default dispositions, stored as these ids.
CALL_DISPOSITIONS = (
    ("9d9162e7-6cf3-4944-bf63-4dff82258764", "Busy"), ("f240bbac-87c9-4f6e-bf70-924b57d47db7", "Connected"),
    ("a4c4c377-d246-4b32-a13b-75a56a4cd0ff", "Left live message"),
    ("b2cf5968-551e-4856-9783-52b3da59a7d0", "Left voicemail"), ("73a0d17f-1163-4015-bdd5-ec830791da20", "No answer"),
    ("17b47fee-58de-441e-a44c-c6300d46f273", "Wrong number"),
)
# (value, label) of deals' forecast category
FORECAST_CATEGORIES = (("OMIT", "Not forecasted"), ("PIPELINE", "Pipeline"), ("BEST_CASE", "Best case"),
                       ("COMMIT", "Commit"), ("CLOSED", "Closed won"))
# What reps type into closed_lost_reason (free text in HubSpot).
LOSS_REASONS = ("Lost to a competitor", "Price too high", "No budget this year", "No decision: the buyer went dark",
                "Missing a feature they needed", "Chose to build in-house", "Timing: not a priority now")
ICP_TIERS = (("tier_1", "Tier 1"), ("tier_2", "Tier 2"), ("tier_3", "Tier 3"))

TICKET_PRIORITIES = ("LOW", "MEDIUM", "HIGH", "URGENT")
TICKET_CATEGORIES = ("PRODUCT_ISSUE", "BILLING_ISSUE", "FEATURE_REQUEST", "GENERAL_INQUIRY")
TICKET_SOURCES = ("CHAT", "EMAIL", "FORM", "PHONE")
QUOTE_STATUSES = ("DRAFT", "APPROVAL_NOT_NEEDED", "PENDING_APPROVAL", "APPROVED", "REJECTED")
SIGN_STATUSES = ("NOT_YET_SIGNED", "PARTIALLY_SIGNED", "ALL_SIGNED")
SURVEY_TYPES = ("NPS", "CSAT", "CES", "CUSTOM")
SURVEY_CHANNELS = ("EMAIL", "WEB", "LINK")
RESPONSE_GROUPS = ("PROMOTER", "PASSIVE", "DETRACTOR")
