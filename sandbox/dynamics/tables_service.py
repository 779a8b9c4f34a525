"""Customer Service tables: cases (``incident``) and contracts.

A case's customer is an account or a contact (a polymorphic Customer lookup); deleting the account or contact
deletes its cases, as the parental ``incident_customer_accounts`` relationship does. The Contracts UI of Customer
Service is deprecated in favour of entitlements, but the ``contract`` table and its Web API remain; contract
templates are not emulated.

Knowledge articles (``knowledgearticle``): the versioned articles of the knowledge base, Draft to Published to
Archived. Their view count and ratings are rollups the platform keeps from the article's views and feedback (read
only through the Web API); their language lookup, subjects and translations are not emulated.
"""

from __future__ import annotations

from sandbox.dynamics import optionsets as os_
from sandbox.dynamics.columns import choice, day, flag, lookup, memo, money, states, system, text, when, whole
from sandbox.dynamics.schema import Attr, Formula, Table

INCIDENT = Table(
    logical="incident", entity_set="incidents", display="Case", display_plural="Cases", primary_id="incidentid",
    primary_name="title", type_code=112,
    attrs=(
        *system("incidentid"),
        text("title", "Case Title", 200, required="ApplicationRequired"),
        text("ticketnumber", "Case Number", 100),
        memo("description", "Description"),
        choice("prioritycode", "Priority", os_.CASE_PRIORITY),
        choice("caseorigincode", "Origin", os_.CASE_ORIGIN),
        choice("casetypecode", "Case Type", os_.CASE_TYPE),
        Attr("customerid", "customer", "Customer", required="SystemRequired", targets=("account", "contact"),
             navs=("customerid_account", "customerid_contact"), cascade="cascade"),
        lookup("primarycontactid", "Contact", "contact"),
        lookup("productid", "Product", "product"),
        when("responseby", "First Response By"),
        when("resolveby", "Resolve By"),
        *states(os_.CASE_STATE, os_.CASE_STATUS),
    ),
)

CONTRACT = Table(
    logical="contract", entity_set="contracts", display="Contract", display_plural="Contracts",
    primary_id="contractid", primary_name="title", type_code=1010,
    attrs=(
        *system("contractid"),
        text("title", "Contract Name", 100, required="ApplicationRequired"),
        text("contractnumber", "Contract ID", 100),
        day("activeon", "Contract Start Date"),
        day("expireson", "Contract End Date"),
        day("billingstarton", "Billing Start Date"),
        day("billingendon", "Billing End Date"),
        Attr("customerid", "customer", "Customer", required="ApplicationRequired", targets=("account", "contact"),
             navs=("customerid_account", "customerid_contact"), cascade="cascade"),
        Attr("billingcustomerid", "customer", "Bill To Customer", targets=("account", "contact"),
             navs=("billingcustomerid_account", "billingcustomerid_contact")),
        lookup("originatingcontract", "Originating Contract", "contract"),
        money("totalprice", "Total Price", 0.0, 1_000_000_000_000.0),
        money("totaldiscount", "Total Discount", 0.0, 1_000_000_000_000.0),
        money("netprice", "Net Price", 0.0, 1_000_000_000_000.0),
        choice("billingfrequencycode", "Billing Frequency", os_.BILLING_FREQUENCY),
        choice("contractservicelevelcode", "Service Level", os_.SERVICE_LEVEL),
        Attr("duration", "int", "Duration", min_value=0, max_value=2147483647, create=False, update=False),
        memo("contractlanguage", "Contract Language"),
        lookup("transactioncurrencyid", "Currency", "transactioncurrency"),
        *states(os_.CONTRACT_STATE, os_.CONTRACT_STATUS),
    ),
    # the days between the start and the end date, recalculated on every save
    formulas=(Formula("duration", "days", "expireson", "activeon"),),
)

KNOWLEDGEARTICLE = Table(
    logical="knowledgearticle", entity_set="knowledgearticles", display="Knowledge Article",
    display_plural="Knowledge Articles", primary_id="knowledgearticleid", primary_name="title", type_code=9953,
    attrs=(
        *system("knowledgearticleid"),
        text("title", "Title", 4000, required="SystemRequired"),
        text("articlepublicnumber", "Article Public Number", 4000),
        memo("content", "Content", 1073741823),
        text("description", "Description", 155, fmt="TextArea"),
        memo("keywords", "Keywords", 4000),
        whole("majorversionnumber", "Major Version Number", 0),
        whole("minorversionnumber", "Minor Version Number", 0),
        flag("isinternal", "Internal"),
        flag("islatestversion", "Is Latest Version"),
        flag("isprimary", "Primary Article"),
        when("publishon", "Publish On"),
        when("expirationdate", "Expiration Date"),
        lookup("primaryauthorid", "Primary Author", "systemuser"),
        Attr("knowledgearticleviews", "int", "Knowledge Article Views", min_value=0, max_value=2147483647,
             create=False, update=False),
        Attr("rating", "decimal", "Rating", min_value=-100_000_000_000.0, max_value=100_000_000_000.0, create=False,
             update=False),
        Attr("rating_count", "int", "Rating(Count)", min_value=-2147483648, max_value=2147483647, create=False,
             update=False),
        *states(os_.KNOWLEDGE_STATE, os_.KNOWLEDGE_STATUS),
    ),
)

SERVICE_TABLES = (INCIDENT, CONTRACT, KNOWLEDGEARTICLE)
