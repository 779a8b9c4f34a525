"""Customer Service tables: cases (``incident``) and contracts.

A case's customer is an account or a contact (a polymorphic Customer lookup); deleting the account or contact
deletes its cases, as the parental ``incident_customer_accounts`` relationship does. The Contracts UI of Customer
Service is deprecated in favour of entitlements, but the ``contract`` table and its Web API remain; contract
templates are not emulated.
"""

from __future__ import annotations

from sandbox.dynamics import optionsets as os_
from sandbox.dynamics.columns import choice, day, lookup, memo, money, states, system, text, when
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

SERVICE_TABLES = (INCIDENT, CONTRACT)
