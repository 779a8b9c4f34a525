"""Picklist values of the sandbox org (standard values, plus this org's customisations) and opportunity stages."""

from __future__ import annotations

from dataclasses import dataclass

INDUSTRY = (
    "Agriculture", "Apparel", "Banking", "Biotechnology", "Chemicals", "Communications", "Construction", "Consulting",
    "Education", "Electronics", "Energy", "Engineering", "Entertainment", "Environmental", "Finance",
    "Food & Beverage", "Government", "Healthcare", "Hospitality", "Insurance", "Machinery", "Manufacturing", "Media",
    "Not For Profit", "Recreation", "Retail", "Shipping", "Technology", "Telecommunications", "Transportation",
    "Utilities", "Other",
)
# The shared population's industries, as this org's users picked them from the standard list.
INDUSTRY_FROM_POPULATION = {
    "Software": "Technology", "Financial Services": "Finance", "Healthcare": "Healthcare",
    "Manufacturing": "Manufacturing", "Retail": "Retail", "Education": "Education",
    "Telecommunications": "Telecommunications", "Energy": "Energy", "Media": "Media", "Logistics": "Transportation",
    "Real Estate": "Other", "Consulting": "Consulting",
}
ACCOUNT_TYPE = ("Prospect", "Customer - Direct", "Customer - Channel", "Channel Partner / Reseller",
                "Installation Partner", "Technology Partner", "Other")
# This org customised LeadSource to its marketing channels (the population's names), as most orgs do.
LEAD_SOURCE = ("Web", "Organic Search", "Paid Search", "Referral", "Event", "Partner", "Email", "Social Media", "Other")
RATING = ("Hot", "Warm", "Cold")
LEAD_STATUS = ("Open - Not Contacted", "Working - Contacted", "Closed - Converted", "Closed - Not Converted")
LIFECYCLE = ("Subscriber", "Lead", "MQL", "SQL", "Opportunity", "Customer", "Evangelist")
OPPORTUNITY_TYPE = ("Existing Customer - Upgrade", "Existing Customer - Replacement", "Existing Customer - Downgrade",
                    "New Customer")
FORECAST_CATEGORY = ("Omitted", "Pipeline", "Best Case", "Commit", "Closed")
TASK_STATUS = ("Not Started", "In Progress", "Completed", "Waiting on someone else", "Deferred")
TASK_PRIORITY = ("High", "Normal", "Low")
TASK_TYPE = ("Call", "Email", "Meeting", "Other")
TASK_SUBTYPE = ("Task", "Email", "Call")
EVENT_TYPE = ("Call", "Email", "Meeting", "Other")
SHOW_AS = ("Busy", "OutOfOffice", "Free")
CAMPAIGN_TYPE = ("Conference", "Webinar", "Trade Show", "Public Relations", "Partners", "Referral Program",
                 "Advertisement", "Banner Ads", "Direct Mail", "Email", "Telemarketing", "Other")
CAMPAIGN_STATUS = ("Planned", "In Progress", "Completed", "Aborted")
MEMBER_STATUS = ("Sent", "Responded")
TIME_ZONES = ("America/Los_Angeles", "America/New_York", "Europe/London", "Europe/Berlin", "Europe/Paris",
              "Asia/Kolkata", "Australia/Sydney", "America/Sao_Paulo")
LOCALES = ("en_US", "en_GB", "de_DE", "fr_FR")


@dataclass(frozen=True, slots=True)
class Stage:
    name: str
    probability: float
    forecast: str
    closed: bool
    won: bool


STAGES = (
    Stage("Prospecting", 10.0, "Pipeline", False, False),
    Stage("Qualification", 10.0, "Pipeline", False, False),
    Stage("Needs Analysis", 20.0, "Pipeline", False, False),
    Stage("Value Proposition", 50.0, "Pipeline", False, False),
    Stage("Id. Decision Makers", 60.0, "Pipeline", False, False),
    Stage("Perception Analysis", 70.0, "Best Case", False, False),
    Stage("Proposal/Price Quote", 75.0, "Best Case", False, False),
    Stage("Negotiation/Review", 90.0, "Commit", False, False),
    Stage("Closed Won", 100.0, "Closed", True, True),
    Stage("Closed Lost", 0.0, "Omitted", True, False),
)
STAGE_BY_NAME = {s.name.lower(): s for s in STAGES}
OPEN_STAGES = tuple(s for s in STAGES if not s.closed)
# OpportunityHistory.ForecastCategory holds the API names, not the labels.
FORECAST_API_NAME = {"Omitted": "Omitted", "Pipeline": "Pipeline", "Best Case": "BestCase", "Commit": "Commit",
                     "Closed": "Closed"}


def stage(name: str | None) -> Stage | None:
    return STAGE_BY_NAME.get((name or "").lower())


def next_stage(current: str | None) -> Stage:
    """The stage a rep moves a deal to next: along the open path, then Closed Won."""
    names = [s.name for s in OPEN_STAGES]
    if current in names and names.index(current) + 1 < len(names):
        return OPEN_STAGES[names.index(current) + 1]
    return STAGES[-2]

# Service, contracts and quotes (issue 17's standard objects), with Salesforce's standard values.
CASE_STATUS = ("New", "Working", "Escalated", "Closed")
CASE_PRIORITY = ("High", "Medium", "Low")
CASE_ORIGIN = ("Phone", "Email", "Web")
CASE_TYPE = ("Mechanical", "Electrical", "Electronic", "Structural", "Other", "Problem", "Feature Request", "Question")
CASE_REASON = ("Installation", "Equipment Complexity", "Performance", "Breakdown", "Equipment Design", "Feedback",
               "Other")
CONTRACT_STATUS = ("Draft", "In Approval Process", "Activated")
CONTRACT_TYPE = ("Contract", "Subscription", "Partner Agreement")  # this org's Contract_Type__c
EXPIRATION_NOTICE = ("15", "30", "45", "60", "90", "120")
QUOTE_STATUS = ("Draft", "Needs Review", "In Review", "Approved", "Rejected", "Presented", "Accepted", "Denied")
CONTACT_ROLE = ("Business User", "Decision Maker", "Economic Buyer", "Economic Decision Maker", "Evaluator",
                "Executive Sponsor", "Influencer", "Technical Buyer", "Other")
LOSS_REASON = ("Price", "Lost to Competitor", "No Budget", "No Decision", "Timing", "Product Fit")  # Loss_Reason__c
CALL_DISPOSITION = ("Connected", "Left Voicemail", "No Answer", "Wrong Number", "Meeting Booked")
ROLE_IN_TERRITORY = ("Owner", "Administrator", "Sales Rep")
ACCESS_LEVEL = ("Read", "Edit", "All")
CASE_ACCESS = ("None", "Read", "Edit")
ASSOCIATION_CAUSE = ("Territory2AssignmentRule", "Territory2Manual")
FORECAST_CATEGORY_API = ("Omitted", "Pipeline", "BestCase", "Forecast", "Closed")
CALL_TYPE = ("Internal", "Inbound", "Outbound")
