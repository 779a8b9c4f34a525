"""The out-of-the-box option sets (choices) of the tables the sandbox serves, with their real values and labels."""

from __future__ import annotations

from sandbox.dynamics.schema import Option, OptionSet


def options(name: str, *pairs: tuple[int, str]) -> OptionSet:
    return OptionSet(name, tuple(Option(v, label) for v, label in pairs))


def statuses(name: str, *triples: tuple[int, str, int]) -> OptionSet:
    return OptionSet(name, tuple(Option(v, label, state) for v, label, state in triples))


def boolean(name: str, true_label: str, false_label: str) -> OptionSet:
    return options(name, (1, true_label), (0, false_label))


YES_NO = boolean("yesno", "Yes", "No")
ACTIVE_STATE = options("statecode", (0, "Active"), (1, "Inactive"))
ACTIVE_STATUS = statuses("statuscode", (1, "Active", 0), (2, "Inactive", 1))

LEAD_STATE = options("lead_statecode", (0, "Open"), (1, "Qualified"), (2, "Disqualified"))
LEAD_STATUS = statuses(
    "lead_statuscode", (1, "New", 0), (2, "Contacted", 0), (3, "Qualified", 1), (4, "Lost", 2),
    (5, "Cannot Contact", 2), (6, "No Longer Interested", 2), (7, "Canceled", 2),
)
OPPORTUNITY_STATE = options("opportunity_statecode", (0, "Open"), (1, "Won"), (2, "Lost"))
OPPORTUNITY_STATUS = statuses(
    "opportunity_statuscode", (1, "In Progress", 0), (2, "On Hold", 0), (3, "Won", 1), (4, "Canceled", 2),
    (5, "Out-Sold", 2),
)
CAMPAIGN_STATE = options("campaign_statecode", (0, "Active"), (1, "Inactive"))
CAMPAIGN_STATUS = statuses(
    "campaign_statuscode", (0, "Proposed", 0), (1, "Ready To Launch", 0), (2, "Launched", 0), (3, "Completed", 0),
    (4, "Canceled", 0), (5, "Suspended", 0), (6, "Inactive", 1),
)
ACTIVITY_STATE = options("activity_statecode", (0, "Open"), (1, "Completed"), (2, "Canceled"))
APPOINTMENT_STATE = options(
    "appointment_statecode", (0, "Open"), (1, "Completed"), (2, "Canceled"), (3, "Scheduled"),
)
ACTIVITY_STATUS = {
    "phonecall": statuses(
        "phonecall_statuscode", (1, "Open", 0), (2, "Made", 1), (4, "Received", 1), (3, "Canceled", 2),
    ),
    "email": statuses(
        "email_statuscode", (1, "Draft", 0), (8, "Failed", 0), (2, "Completed", 1), (3, "Sent", 1),
        (4, "Received", 1), (6, "Pending Send", 1), (7, "Sending", 1), (5, "Canceled", 2),
    ),
    "appointment": statuses(
        "appointment_statuscode", (1, "Free", 0), (2, "Tentative", 0), (3, "Completed", 1), (4, "Canceled", 2),
        (5, "Busy", 3), (6, "Out of Office", 3),
    ),
    "task": statuses(
        "task_statuscode", (2, "Not Started", 0), (3, "In Progress", 0), (4, "Waiting on someone else", 0),
        (7, "Deferred", 0), (5, "Completed", 1), (6, "Canceled", 2),
    ),
    # the pointer has its own reasons, one per state: what a query over activitypointers shows
    "activitypointer": statuses(
        "activitypointer_statuscode", (1, "Open", 0), (2, "Completed", 1), (3, "Canceled", 2), (4, "Scheduled", 3),
    ),
}
INDUSTRY = options(
    "industrycode", (1, "Accounting"), (2, "Agriculture and Non-petrol Natural Resource Extraction"),
    (3, "Broadcasting Printing and Publishing"), (4, "Brokers"), (5, "Building Supply Retail"),
    (6, "Business Services"), (7, "Consulting"), (8, "Consumer Services"),
    (9, "Design, Direction and Creative Management"), (10, "Distributors, Dispatchers and Processors"),
    (11, "Doctor's Offices and Clinics"), (12, "Durable Manufacturing"), (13, "Eating and Drinking Places"),
    (14, "Entertainment Retail"), (15, "Equipment Rental and Leasing"), (16, "Financial"),
    (17, "Food and Tobacco Processing"), (18, "Inbound Capital Intensive Processing"),
    (19, "Inbound Repair and Services"), (20, "Insurance"), (21, "Legal Services"),
    (22, "Non-Durable Merchandise Retail"), (23, "Outbound Consumer Service"),
    (24, "Petrochemical Extraction and Distribution"), (25, "Service Retail"), (26, "SIG Affiliations"),
    (27, "Social Services"), (28, "Special Outbound Trade Contractors"), (29, "Specialty Realty"),
    (30, "Transportation"), (31, "Utility Creation and Distribution"), (32, "Vehicle Retail"), (33, "Wholesale"),
)
LEAD_SOURCE = options(
    "leadsourcecode", (1, "Advertisement"), (2, "Employee Referral"), (3, "External Referral"), (4, "Partner"),
    (5, "Public Relations"), (6, "Seminar"), (7, "Trade Show"), (8, "Web"), (9, "Word of Mouth"), (10, "Other"),
)
RATING = options("rating", (1, "Hot"), (2, "Warm"), (3, "Cold"))
SALES_STAGE = options("salesstagecode", (0, "Qualify"), (1, "Develop"), (2, "Propose"), (3, "Close"))
PRIORITY = options("prioritycode", (0, "Low"), (1, "Normal"), (2, "High"))
CAMPAIGN_TYPE = options(
    "campaign_typecode", (1, "Advertisement"), (2, "Direct Marketing"), (3, "Event"), (4, "Co-branding"),
    (5, "Other"),
)
ACCOUNT_CATEGORY = options("accountcategorycode", (1, "Preferred Customer"), (2, "Standard"))
CUSTOMER_TYPE = options(
    "customertypecode", (1, "Competitor"), (2, "Consultant"), (3, "Customer"), (4, "Investor"), (5, "Partner"),
    (6, "Influencer"), (7, "Press"), (8, "Prospect"), (9, "Reseller"), (10, "Supplier"), (11, "Vendor"),
    (12, "Other"),
)
CONTACT_METHOD = options(
    "preferredcontactmethodcode", (1, "Any"), (2, "Email"), (3, "Phone"), (4, "Fax"), (5, "Mail"),
)
TEAM_TYPE = options(
    "teamtype", (0, "Owner"), (1, "Access"), (2, "Security Group"), (3, "Office Group"),
)
ACCESS_MODE = options(
    "accessmode", (0, "Read-Write"), (1, "Administrative"), (2, "Read"), (3, "Support User"),
    (4, "Non-interactive"), (5, "Delegated Admin"),
)
DO_NOT_EMAIL = boolean("donotemail", "Do Not Allow", "Allow")
DIRECTION = boolean("directioncode", "Outgoing", "Incoming")
DISABLED = boolean("isdisabled", "Disabled", "Enabled")
# Products are born Draft in a fresh org (CreateProductsWithoutParentInActiveState is off) and published to Active.
PRODUCT_STATE = options("product_statecode", (0, "Active"), (1, "Retired"), (2, "Draft"), (3, "Under Revision"))
PRODUCT_STATUS = statuses(
    "product_statuscode", (1, "Active", 0), (2, "Retired", 1), (0, "Draft", 2), (3, "Under Revision", 3),
)
PRODUCT_TYPE = options(
    "producttypecode", (1, "Sales Inventory"), (2, "Miscellaneous Charges"), (3, "Services"), (4, "Flat Fees"),
)
PRODUCT_STRUCTURE = options("productstructure", (1, "Product"), (2, "Product Family"), (3, "Product Bundle"))
PRODUCT_OVERRIDDEN = boolean("opportunityproduct_isproductoverridden", "Write-In", "Existing")
PRICE_OVERRIDDEN = boolean("opportunityproduct_ispriceoverridden", "Override Price", "Use Default")
REVENUE_SOURCE = boolean("opportunity_isrevenuesystemcalculated", "System Calculated", "User Provided")
