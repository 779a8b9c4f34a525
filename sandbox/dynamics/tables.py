"""The tables the sandbox serves, with the columns, lengths, choices and relationships of a stock Dataverse org."""

from __future__ import annotations

from sandbox.dynamics import optionsets as os_
from sandbox.dynamics.columns import (
    calculated_money,
    choice,
    crmhub_lead_columns,
    day,
    flag,
    lookup,
    memo,
    money,
    number,
    states,
    system,
    text,
    when,
    whole,
)
from sandbox.dynamics.schema import AltKey, Attr, Formula, Table
from sandbox.dynamics.tables_sales import SALES_TABLES
from sandbox.dynamics.tables_service import SERVICE_TABLES

ACTIVITY_TYPES = ("phonecall", "email", "appointment", "task")
REGARDING_TARGETS = ("account", "contact", "lead", "opportunity", "campaign")


ACCOUNT = Table(
    logical="account", entity_set="accounts", display="Account", display_plural="Accounts",
    primary_id="accountid", primary_name="name", type_code=1,
    attrs=(
        *system("accountid"),
        text("name", "Account Name", 160, required="ApplicationRequired"),
        text("accountnumber", "Account Number", 20),
        text("telephone1", "Main Phone", 50, fmt="Phone"),
        text("emailaddress1", "Email", 100, fmt="Email"),
        text("websiteurl", "Website", 200, fmt="Url"),
        choice("industrycode", "Industry", os_.INDUSTRY),
        choice("accountcategorycode", "Category", os_.ACCOUNT_CATEGORY),
        choice("customertypecode", "Relationship Type", os_.CUSTOMER_TYPE),
        whole("numberofemployees", "Number of Employees", 0, 1_000_000_000),
        money("revenue", "Annual Revenue", 0.0, 100_000_000_000_000.0),
        text("address1_line1", "Address 1: Street 1", 250),
        text("address1_city", "Address 1: City", 80),
        text("address1_country", "Address 1: Country/Region", 80),
        memo("description", "Description"),
        lookup("primarycontactid", "Primary Contact", "contact"),
        lookup("parentaccountid", "Parent Account", "account"),
        lookup("originatingleadid", "Originating Lead", "lead"),
        lookup("territoryid", "Territory", "territory"),
        *states(os_.ACTIVE_STATE, os_.ACTIVE_STATUS),
    ),
    keys=(AltKey("accountnumber_key", "Account Number", ("accountnumber",)),),
)

CONTACT = Table(
    logical="contact", entity_set="contacts", display="Contact", display_plural="Contacts",
    primary_id="contactid", primary_name="fullname", type_code=2,
    attrs=(
        *system("contactid"),
        text("firstname", "First Name", 50, required="Recommended"),
        text("lastname", "Last Name", 50, required="ApplicationRequired"),
        text("fullname", "Full Name", 160, create=False, update=False),
        text("emailaddress1", "Email", 100, fmt="Email"),
        text("telephone1", "Business Phone", 50, fmt="Phone"),
        text("mobilephone", "Mobile Phone", 50, fmt="Phone"),
        text("jobtitle", "Job Title", 100),
        text("address1_city", "Address 1: City", 80),
        text("address1_country", "Address 1: Country/Region", 80),
        flag("donotemail", "Do not allow Emails", os_.DO_NOT_EMAIL),
        choice("preferredcontactmethodcode", "Preferred Method of Contact", os_.CONTACT_METHOD),
        memo("description", "Description"),
        Attr("parentcustomerid", "customer", "Company Name", targets=("account", "contact"),
             navs=("parentcustomerid_account", "parentcustomerid_contact"), cascade="cascade"),
        lookup("originatingleadid", "Originating Lead", "lead"),
        *crmhub_lead_columns(),
        *states(os_.ACTIVE_STATE, os_.ACTIVE_STATUS),
    ),
    keys=(AltKey("emailaddress1_key", "Email", ("emailaddress1",)),),
    computed={"fullname": ("firstname", "lastname")},
)

LEAD = Table(
    logical="lead", entity_set="leads", display="Lead", display_plural="Leads",
    primary_id="leadid", primary_name="fullname", type_code=4,
    attrs=(
        *system("leadid"),
        text("subject", "Topic", 300, required="ApplicationRequired"),
        text("firstname", "First Name", 50, required="Recommended"),
        text("lastname", "Last Name", 50, required="ApplicationRequired"),
        text("fullname", "Name", 160, create=False, update=False),
        text("companyname", "Company Name", 100),
        text("emailaddress1", "Email", 100, fmt="Email"),
        text("telephone1", "Business Phone", 50, fmt="Phone"),
        text("mobilephone", "Mobile Phone", 50, fmt="Phone"),
        text("jobtitle", "Job Title", 100),
        text("websiteurl", "Website", 200, fmt="Url"),
        choice("industrycode", "Industry", os_.INDUSTRY),
        choice("leadsourcecode", "Lead Source", os_.LEAD_SOURCE),
        choice("leadqualitycode", "Rating", os_.RATING),
        whole("numberofemployees", "No. of Employees", 0, 1_000_000_000),
        money("revenue", "Annual Revenue", 0.0, 100_000_000_000_000.0),
        money("estimatedamount", "Est. Value"),
        day("estimatedclosedate", "Est. Close Date"),
        text("address1_city", "Address 1: City", 80),
        text("address1_country", "Address 1: Country/Region", 80),
        flag("donotemail", "Do not allow Emails", os_.DO_NOT_EMAIL),
        memo("description", "Description"),
        lookup("parentaccountid", "Existing Account", "account"),
        lookup("parentcontactid", "Existing Contact", "contact"),
        Attr("customerid", "customer", "Customer", targets=("account", "contact"),
             navs=("customerid_account", "customerid_contact")),
        lookup("qualifyingopportunityid", "Qualifying Opportunity", "opportunity"),
        lookup("campaignid", "Source Campaign", "campaign"),
        *crmhub_lead_columns(),
        *states(os_.LEAD_STATE, os_.LEAD_STATUS),
    ),
    computed={"fullname": ("firstname", "lastname")},
)

OPPORTUNITY = Table(
    logical="opportunity", entity_set="opportunities", display="Opportunity", display_plural="Opportunities",
    primary_id="opportunityid", primary_name="name", type_code=3,
    attrs=(
        *system("opportunityid"),
        text("name", "Topic", 300, required="ApplicationRequired"),
        money("estimatedvalue", "Est. Revenue"),
        day("estimatedclosedate", "Est. Close Date"),
        money("actualvalue", "Actual Revenue"),
        day("actualclosedate", "Actual Close Date"),
        whole("closeprobability", "Probability", 0, 100),
        choice("opportunityratingcode", "Rating", os_.RATING),
        choice("salesstagecode", "Sales Stage", os_.SALES_STAGE),
        text("stepname", "Pipeline Phase", 200),
        choice("msdyn_forecastcategory", "Forecast category", os_.FORECAST_CATEGORY),
        memo("description", "Description"),
        lookup("parentaccountid", "Account", "account"),
        lookup("parentcontactid", "Contact", "contact"),
        Attr("customerid", "customer", "Potential Customer", targets=("account", "contact"),
             navs=("customerid_account", "customerid_contact"), cascade="cascade"),
        lookup("originatingleadid", "Originating Lead", "lead"),
        lookup("campaignid", "Source Campaign", "campaign"),
        lookup("transactioncurrencyid", "Currency", "transactioncurrency"),
        flag("isrevenuesystemcalculated", "Revenue", os_.REVENUE_SOURCE),
        Attr("crmhub_winprobability", "double", "crmhub Win Probability", min_value=0.0, max_value=100.0),
        text("crmhub_dealwarnings", "crmhub Deal Warnings", 400),
        *states(os_.OPPORTUNITY_STATE, os_.OPPORTUNITY_STATUS),
    ),
)

CAMPAIGN = Table(
    logical="campaign", entity_set="campaigns", display="Campaign", display_plural="Campaigns",
    primary_id="campaignid", primary_name="name", type_code=4400,
    attrs=(
        *system("campaignid"),
        text("name", "Name", 128, required="ApplicationRequired"),
        text("codename", "Campaign Code", 32),
        choice("typecode", "Campaign Type", os_.CAMPAIGN_TYPE),
        money("budgetedcost", "Budget Allocated", 0.0, 1_000_000_000_000.0),
        money("expectedrevenue", "Estimated Revenue", 0.0, 1_000_000_000_000.0),
        day("actualstart", "Actual Start"),
        day("actualend", "Actual End"),
        memo("description", "Description"),
        *states(os_.CAMPAIGN_STATE, os_.CAMPAIGN_STATUS),
    ),
)

SYSTEMUSER = Table(
    logical="systemuser", entity_set="systemusers", display="User", display_plural="Users",
    primary_id="systemuserid", primary_name="fullname", type_code=8, ownership="BusinessOwned",
    attrs=(
        *system("systemuserid", owned=False),
        text("firstname", "First Name", 64),
        text("lastname", "Last Name", 64, required="ApplicationRequired"),
        text("fullname", "Full Name", 200, create=False, update=False),
        text("internalemailaddress", "Primary Email", 100, fmt="Email"),
        text("domainname", "User Name", 1024, required="SystemRequired"),
        text("title", "Title", 128),
        flag("isdisabled", "Status", os_.DISABLED),
        choice("accessmode", "Access Mode", os_.ACCESS_MODE),
        lookup("territoryid", "Territory", "territory"),
    ),
    computed={"fullname": ("firstname", "lastname")},
)

TEAM = Table(
    logical="team", entity_set="teams", display="Team", display_plural="Teams",
    primary_id="teamid", primary_name="name", type_code=9, ownership="BusinessOwned",
    attrs=(
        *system("teamid", owned=False),
        text("name", "Team Name", 160, required="SystemRequired"),
        choice("teamtype", "Team Type", os_.TEAM_TYPE),
        text("emailaddress", "Email", 100, fmt="Email"),
        flag("isdefault", "Is Default"),
        memo("description", "Description"),
        lookup("administratorid", "Administrator", "systemuser"),
    ),
)


TRANSACTIONCURRENCY = Table(
    logical="transactioncurrency", entity_set="transactioncurrencies", display="Currency",
    display_plural="Currencies", primary_id="transactioncurrencyid", primary_name="currencyname", type_code=9105,
    ownership="OrganizationOwned",
    attrs=(
        *system("transactioncurrencyid", owned=False),
        text("currencyname", "Currency Name", 100, required="ApplicationRequired"),
        text("isocurrencycode", "Currency Code", 5, required="ApplicationRequired"),
        text("currencysymbol", "Currency Symbol", 10, required="ApplicationRequired"),
        number("exchangerate", "Exchange Rate", 0.0000000001, 100_000_000_000.0, required="ApplicationRequired"),
        whole("currencyprecision", "Currency Precision", 0, 4),
        *states(os_.ACTIVE_STATE, os_.ACTIVE_STATUS),
    ),
)

# The organization's settings row (one per environment): crmhub reads its base currency, the one the exchange rates of
# transactioncurrencies are quoted against. Its other settings (fiscal calendar, formats, features) are not emulated.
ORGANIZATION = Table(
    logical="organization", entity_set="organizations", display="Organization", display_plural="Organizations",
    primary_id="organizationid", primary_name="name", type_code=1019, ownership="OrganizationOwned",
    attrs=(
        *system("organizationid", owned=False),
        text("name", "Name", 160, required="SystemRequired"),
        lookup("basecurrencyid", "Currency", "transactioncurrency"),
    ),
)

UOM = Table(
    logical="uom", entity_set="uoms", display="Unit", display_plural="Units", primary_id="uomid",
    primary_name="name", type_code=1055, ownership="OrganizationOwned",
    attrs=(
        *system("uomid", owned=False),
        text("name", "Name", 100, required="ApplicationRequired"),
        number("quantity", "Quantity", 0.00001, 1_000_000_000.0, required="ApplicationRequired"),
        flag("isschedulebaseuom", "Is Schedule Base Unit"),
    ),
)

PRODUCT = Table(
    logical="product", entity_set="products", display="Product", display_plural="Products",
    primary_id="productid", primary_name="name", type_code=1024, ownership="OrganizationOwned",
    attrs=(
        *system("productid", owned=False),
        text("name", "Name", 100, required="ApplicationRequired"),
        text("productnumber", "Product ID", 100, required="ApplicationRequired"),
        memo("description", "Description"),
        choice("producttypecode", "Product Type", os_.PRODUCT_TYPE),
        choice("productstructure", "Product Structure", os_.PRODUCT_STRUCTURE),
        whole("quantitydecimal", "Decimals Supported", 0, 5),
        money("price", "List Price", 0.0, 1_000_000_000_000.0),
        money("standardcost", "Standard Cost", 0.0, 1_000_000_000_000.0),
        money("currentcost", "Current Cost", 0.0, 1_000_000_000_000.0),
        text("vendorname", "Vendor", 100),
        day("validfromdate", "Valid From"),
        day("validtodate", "Valid To"),
        lookup("defaultuomid", "Default Unit", "uom"),
        lookup("transactioncurrencyid", "Currency", "transactioncurrency"),
        *states(os_.PRODUCT_STATE, os_.PRODUCT_STATUS),
    ),
)

# An opportunity's product line: Dataverse computes the amounts on every save and takes the lines along when the
# opportunity is deleted (a parental relationship).
OPPORTUNITYPRODUCT = Table(
    logical="opportunityproduct", entity_set="opportunityproducts", display="Opportunity Product",
    display_plural="Opportunity Products", primary_id="opportunityproductid", primary_name="opportunityproductname",
    type_code=1083,
    attrs=(
        *system("opportunityproductid"),
        text("opportunityproductname", "Name", 500),
        Attr("opportunityid", "lookup", "Opportunity", required="ApplicationRequired", targets=("opportunity",),
             navs=("opportunityid",), cascade="cascade"),
        lookup("productid", "Existing Product", "product"),
        text("productdescription", "Write-In Product", 500),
        flag("isproductoverridden", "Select Product", os_.PRODUCT_OVERRIDDEN),
        flag("ispriceoverridden", "Pricing", os_.PRICE_OVERRIDDEN),
        number("quantity", "Quantity", -100_000_000_000.0, 100_000_000_000.0, required="ApplicationRequired"),
        money("priceperunit", "Price Per Unit"),
        calculated_money("baseamount", "Amount"),
        money("manualdiscountamount", "Manual Discount"),
        calculated_money("extendedamount", "Extended Amount"),
        whole("lineitemnumber", "Line Item Number", 0, 1_000_000),
        memo("description", "Description"),
        lookup("uomid", "Unit", "uom"),
        lookup("transactioncurrencyid", "Currency", "transactioncurrency"),
    ),
    formulas=(Formula("baseamount", "*", "quantity", "priceperunit"),
              Formula("extendedamount", "-", "baseamount", "manualdiscountamount")),
)


def _activity(logical: str, entity_set: str, display: str, plural: str, code: int, *extra: Attr) -> Table:
    state = os_.APPOINTMENT_STATE if logical in ("appointment", "activitypointer") else os_.ACTIVITY_STATE
    regarding = Attr(
        "regardingobjectid", "lookup", "Regarding", targets=REGARDING_TARGETS,
        navs=tuple(f"regardingobjectid_{t}_{logical}" for t in REGARDING_TARGETS), cascade="cascade",
    )
    return Table(
        logical=logical, entity_set=entity_set, display=display, display_plural=plural,
        primary_id="activityid", primary_name="subject", type_code=code, is_activity=True,
        read_only=logical == "activitypointer",
        attrs=(
            *system("activityid"),
            text("subject", "Subject", 200, required="ApplicationRequired"),
            memo("description", "Description", 100000),
            Attr("activitytypecode", "entityname", "Activity Type", create=False, update=False),
            when("scheduledstart", "Start Date"),
            when("scheduledend", "Due Date"),
            when("actualend", "Actual End"),
            whole("actualdurationminutes", "Actual Duration", 0, 2147483647),
            choice("prioritycode", "Priority", os_.PRIORITY),
            regarding,
            *extra,
            *states(state, os_.ACTIVITY_STATUS[logical]),
        ),
    )


PHONECALL = _activity(
    "phonecall", "phonecalls", "Phone Call", "Phone Calls", 4210,
    text("phonenumber", "Phone Number", 200, fmt="Phone"), flag("directioncode", "Direction", os_.DIRECTION),
    flag("leftvoicemail", "Left Voice Mail", os_.LEFT_VOICEMAIL),
)
EMAIL = _activity(
    "email", "emails", "Email", "Email Messages", 4202,
    text("sender", "From", 250), text("torecipients", "To Recipients", 500),
    flag("directioncode", "Direction", os_.DIRECTION),
)
APPOINTMENT = _activity(
    "appointment", "appointments", "Appointment", "Appointments", 4201,
    text("location", "Location", 200), flag("isalldayevent", "All Day Event"),
)
TASK = _activity("task", "tasks", "Task", "Tasks", 4212, whole("percentcomplete", "Percent Complete", 0, 100))
ACTIVITYPOINTER = _activity("activitypointer", "activitypointers", "Activity", "Activities", 4200)

TABLES: dict[str, Table] = {t.logical: t for t in (
    ACCOUNT, CONTACT, LEAD, OPPORTUNITY, CAMPAIGN, SYSTEMUSER, TEAM, PHONECALL, EMAIL, APPOINTMENT, TASK,
    ACTIVITYPOINTER, TRANSACTIONCURRENCY, ORGANIZATION, UOM, PRODUCT, OPPORTUNITYPRODUCT, *SALES_TABLES,
    *SERVICE_TABLES,
)}
BY_SET: dict[str, Table] = {t.entity_set: t for t in TABLES.values()}
# tables whose ChangeTrackingEnabled is true unless the change_tracking option says otherwise: not the reference
# tables, nor those whose change tracking cannot be enabled (intersect rows, process stages)
UNTRACKED = ("team", "systemuser", "uom", "transactioncurrency", "organization", "metric", "workflow")
DEFAULT_TRACKED = tuple(t.entity_set for t in TABLES.values() if t.logical not in UNTRACKED and t.trackable)
