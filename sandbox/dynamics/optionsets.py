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
# Dynamics 365 Sales' forecast category on the opportunity (the Forecasting solution's column, publisher msdyn)
FORECAST_CATEGORY = options(
    "msdyn_forecastcategory", (100000001, "Pipeline"), (100000002, "Best case"), (100000003, "Committed"),
    (100000004, "Omitted"), (100000005, "Won"), (100000006, "Lost"),
)
LEFT_VOICEMAIL = boolean("phonecall_leftvoicemail", "Yes", "No")
# Cases (incident): Customer Service's stock choices
CASE_STATE = options("incident_statecode", (0, "Active"), (1, "Resolved"), (2, "Canceled"))
CASE_STATUS = statuses(
    "incident_statuscode", (1, "In Progress", 0), (2, "On Hold", 0), (3, "Waiting for Details", 0),
    (4, "Researching", 0), (5, "Problem Solved", 1), (1000, "Information Provided", 1), (6, "Canceled", 2),
    (2000, "Merged", 2),
)
CASE_PRIORITY = options("incident_prioritycode", (1, "High"), (2, "Normal"), (3, "Low"))
CASE_ORIGIN = options(
    "incident_caseorigincode", (1, "Phone"), (2, "Email"), (3, "Web"), (2483, "Facebook"), (3986, "Twitter"),
    (700610000, "IoT"),
)
CASE_TYPE = options("incident_casetypecode", (1, "Question"), (2, "Problem"), (3, "Request"))
# Contracts (the Customer Service contract table; its UI is deprecated, the table and API remain)
CONTRACT_STATE = options(
    "contract_statecode", (0, "Draft"), (1, "Invoiced"), (2, "Active"), (3, "On Hold"), (4, "Canceled"),
    (5, "Expired"),
)
CONTRACT_STATUS = statuses(
    "contract_statuscode", (1, "Draft", 0), (2, "Invoiced", 1), (3, "Active", 2), (4, "On Hold", 3),
    (5, "Canceled", 4), (6, "Expired", 5),
)
BILLING_FREQUENCY = options(
    "contract_billingfrequencycode", (1, "Monthly"), (2, "Bimonthly"), (3, "Quarterly"), (4, "Semiannually"),
    (5, "Annually"),
)
SERVICE_LEVEL = options("contract_contractservicelevelcode", (1, "Gold"), (2, "Silver"), (3, "Bronze"))
# Quotes
QUOTE_STATE = options("quote_statecode", (0, "Draft"), (1, "Active"), (2, "Won"), (3, "Closed"))
QUOTE_STATUS = statuses(
    "quote_statuscode", (1, "In Progress", 0), (2, "In Progress", 1), (3, "Open", 1), (4, "Won", 2), (5, "Lost", 3),
    (6, "Canceled", 3), (7, "Revised", 3),
)
# Goals (quotas) and their metrics
GOAL_STATE = options("goal_statecode", (0, "Active"), (1, "Inactive"))
GOAL_STATUS = statuses("goal_statuscode", (0, "Open", 0), (1, "Closed", 1), (2, "Discarded", 1))
AMOUNT_DATA_TYPE = options("amountdatatype", (0, "Money"), (1, "Decimal"), (2, "Integer"))
METRIC_TYPE = boolean("metric_isamount", "Amount", "Count")
FISCAL_PERIOD_GOAL = boolean("goal_isfiscalperiodgoal", "Fiscal Period", "Custom Period")
FISCAL_PERIOD = options("goal_fiscalperiod", (1, "Quarter 1"), (2, "Quarter 2"), (3, "Quarter 3"), (4, "Quarter 4"))
FISCAL_YEAR = options("goal_fiscalyear", *((year, str(year)) for year in range(1970, 2039)))
# Business process flows and their stages
STAGE_CATEGORY = options(
    "processstage_stagecategory", (0, "Qualify"), (1, "Develop"), (2, "Propose"), (3, "Close"), (4, "Identify"),
    (5, "Research"), (6, "Resolve"), (7, "Approval"),
)
WORKFLOW_CATEGORY = options(
    "workflow_category", (0, "Workflow"), (1, "Dialog"), (2, "Business Rule"), (3, "Action"),
    (4, "Business Process Flow"), (5, "Modern Flow"),
)
WORKFLOW_STATE = options("workflow_statecode", (0, "Draft"), (1, "Activated"))
WORKFLOW_STATUS = statuses("workflow_statuscode", (1, "Draft", 0), (2, "Activated", 1))
