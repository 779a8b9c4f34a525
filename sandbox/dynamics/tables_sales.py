"""Dynamics 365 Sales tables beyond the core: competitors and the opportunity-competitor N:N, quotes, goals with
their metrics, territories, and the business process flows whose stages are an organisation's pipeline.

``opportunitycompetitors`` is the intersect table of the N:N relationship ``opportunitycompetitors_association``:
its rows hold the two ids as plain uniqueidentifiers (not lookups), carry no audit stamps and no owner, and the Web
API only lists them (``GET opportunitycompetitorscollection``). ``processstages`` are read-only to the Web API and
carry no ``createdon``/``modifiedon`` either. Neither can be read by ``modifiedon`` windows.
"""

from __future__ import annotations

from dataclasses import dataclass

from sandbox.dynamics import optionsets as os_
from sandbox.dynamics.columns import choice, day, flag, lookup, memo, money, number, states, system, text, whole
from sandbox.dynamics.schema import Attr, Table


def _stamp_free(primary_id: str) -> tuple[Attr, ...]:
    """The primary key and row version of a table the platform keeps no audit stamps on."""
    return (Attr(primary_id, "guid", "Id", required="SystemRequired", update=False),
            Attr("versionnumber", "bigint", "Version Number", create=False, update=False))


COMPETITOR = Table(
    logical="competitor", entity_set="competitors", display="Competitor", display_plural="Competitors",
    primary_id="competitorid", primary_name="name", type_code=123, ownership="OrganizationOwned",
    attrs=(
        *system("competitorid", owned=False),
        text("name", "Name", 100, required="ApplicationRequired"),
        text("websiteurl", "Website", 200, fmt="Url"),
        memo("strengths", "Strengths"),
        memo("weaknesses", "Weaknesses"),
        memo("overview", "Overview"),
        memo("threats", "Threats"),
        text("keyproduct", "Key Product", 500),
        money("reportedrevenue", "Reported Revenue", 0.0, 1_000_000_000_000.0),
        Attr("winpercentage", "double", "Win Percentage", min_value=0.0, max_value=100.0),
        text("tickersymbol", "Ticker Symbol", 10),
        text("address1_city", "City", 80),
        text("address1_country", "Country/Region", 80),
    ),
)

OPPORTUNITYCOMPETITORS = Table(
    logical="opportunitycompetitors", entity_set="opportunitycompetitorscollection",
    display="OpportunityCompetitors", display_plural="OpportunityCompetitors", primary_id="opportunitycompetitorid",
    primary_name="name", type_code=25, ownership="None", intersect=True, trackable=False,
    attrs=(
        *_stamp_free("opportunitycompetitorid"),
        # Associate sets the two ids; they are never written through the Web API, and deleting either side
        # removes the row (Disassociate)
        Attr("opportunityid", "guid", "", required="SystemRequired", create=False, update=False,
             targets=("opportunity",), cascade="cascade"),
        Attr("competitorid", "guid", "", required="SystemRequired", create=False, update=False,
             targets=("competitor",), cascade="cascade"),
        text("name", "name", 100, required="ApplicationRequired"),
    ),
)

QUOTE = Table(
    logical="quote", entity_set="quotes", display="Quote", display_plural="Quotes", primary_id="quoteid",
    primary_name="name", type_code=1084,
    attrs=(
        *system("quoteid"),
        text("name", "Name", 300, required="ApplicationRequired"),
        text("quotenumber", "Quote ID", 100),
        whole("revisionnumber", "Revision ID", 0, 2147483647),
        Attr("opportunityid", "lookup", "Opportunity", targets=("opportunity",), navs=("opportunityid",),
             cascade="cascade"),
        Attr("customerid", "customer", "Potential Customer", required="ApplicationRequired",
             targets=("account", "contact"), navs=("customerid_account", "customerid_contact")),
        money("totallineitemamount", "Detail Amount", 0.0, 1_000_000_000_000.0),
        number("discountpercentage", "Quote Discount (%)", 0.0, 100.0),
        money("discountamount", "Quote Discount Amount", 0.0, 1_000_000_000_000.0),
        money("totalamount", "Total Amount", 0.0, 1_000_000_000_000.0),
        day("effectivefrom", "Effective From"),
        day("effectiveto", "Effective To"),
        day("expireson", "Due By"),
        day("closedon", "Closed On"),
        memo("description", "Description"),
        lookup("transactioncurrencyid", "Currency", "transactioncurrency"),
        *states(os_.QUOTE_STATE, os_.QUOTE_STATUS),
    ),
)

METRIC = Table(
    logical="metric", entity_set="metrics", display="Goal Metric", display_plural="Goal Metrics",
    primary_id="metricid", primary_name="name", type_code=9603, ownership="OrganizationOwned",
    attrs=(
        *system("metricid", owned=False),
        text("name", "Name", 100, required="ApplicationRequired"),
        choice("amountdatatype", "Amount Data Type", os_.AMOUNT_DATA_TYPE),
        flag("isamount", "Metric Type", os_.METRIC_TYPE),
        flag("isstretchtracked", "Track Stretch Target"),
        memo("description", "Description"),
        *states(os_.ACTIVE_STATE, os_.ACTIVE_STATUS),
    ),
)

GOAL = Table(
    logical="goal", entity_set="goals", display="Goal", display_plural="Goals", primary_id="goalid",
    primary_name="title", type_code=9600,
    attrs=(
        *system("goalid"),
        text("title", "Name", 100, required="ApplicationRequired"),
        Attr("goalownerid", "lookup", "Goal Owner", required="ApplicationRequired", targets=("systemuser", "team"),
             navs=("goalownerid_systemuser", "goalownerid_team")),
        Attr("metricid", "lookup", "Goal Metric", required="ApplicationRequired", targets=("metric",),
             navs=("metricid",)),
        lookup("parentgoalid", "Parent Goal", "goal"),
        flag("isfiscalperiodgoal", "Goal Period Type", os_.FISCAL_PERIOD_GOAL),
        choice("fiscalperiod", "Fiscal Period", os_.FISCAL_PERIOD),
        choice("fiscalyear", "Fiscal Year", os_.FISCAL_YEAR),
        day("goalstartdate", "From"),
        day("goalenddate", "To"),
        Attr("amountdatatype", "picklist", "Amount Data Type", options=os_.AMOUNT_DATA_TYPE, update=False),
        Attr("isamount", "bool", "Metric Type", options=os_.METRIC_TYPE, update=False),
        money("targetmoney", "Target (Money)", 0.0, 922337203685477.0),
        whole("targetinteger", "Target (Integer)", 0, 2147483647),
        money("actualmoney", "Actual (Money)"),
        whole("actualinteger", "Actual (Integer)"),
        number("percentage", "Percentage Achieved"),
        *states(os_.GOAL_STATE, os_.GOAL_STATUS),
    ),
)

TERRITORY = Table(
    logical="territory", entity_set="territories", display="Territory", display_plural="Territories",
    primary_id="territoryid", primary_name="name", type_code=2013, ownership="OrganizationOwned",
    attrs=(
        *system("territoryid", owned=False),
        text("name", "Territory Name", 200, required="SystemRequired"),
        memo("description", "Description"),
        lookup("managerid", "Manager", "systemuser"),
        lookup("parentterritoryid", "Parent", "territory"),
        lookup("transactioncurrencyid", "Currency", "transactioncurrency"),
    ),
)

WORKFLOW = Table(
    logical="workflow", entity_set="workflows", display="Process", display_plural="Processes",
    primary_id="workflowid", primary_name="name", type_code=4703, read_only=True,
    attrs=(
        *system("workflowid"),
        text("name", "Process Name", 100, required="SystemRequired"),
        text("uniquename", "Unique Name", 256),
        choice("category", "Category", os_.WORKFLOW_CATEGORY),
        Attr("primaryentity", "entityname", "Primary Entity", update=False),
        memo("description", "Description"),
        *states(os_.WORKFLOW_STATE, os_.WORKFLOW_STATUS),
    ),
)

PROCESSSTAGE = Table(
    logical="processstage", entity_set="processstages", display="Process Stage", display_plural="Process Stages",
    primary_id="processstageid", primary_name="stagename", type_code=4724, ownership="None", read_only=True,
    trackable=False,
    attrs=(
        *_stamp_free("processstageid"),
        text("stagename", "Process Stage Name", 100, required="SystemRequired"),
        choice("stagecategory", "Stage Category", os_.STAGE_CATEGORY),
        Attr("primaryentitytypecode", "entityname", "Primary Entity", required="SystemRequired", update=False),
        Attr("processid", "lookup", "Process", required="SystemRequired", update=False, targets=("workflow",),
             navs=("processid",), cascade="cascade"),
        memo("clientdata", "Client Data", 1073741823),
    ),
)

SALES_TABLES = (COMPETITOR, OPPORTUNITYCOMPETITORS, QUOTE, METRIC, GOAL, TERRITORY, WORKFLOW, PROCESSSTAGE)


@dataclass(frozen=True, slots=True)
class ManyToMany:
    """An N:N relationship: its name is the collection-valued navigation property on both sides, and its rows are
    the intersect table's, one column per side."""

    name: str
    intersect: str
    sides: tuple[tuple[str, str], tuple[str, str]]  # (table, intersect column) per side

    def side(self, logical: str) -> tuple[tuple[str, str], tuple[str, str]] | None:
        """(this side, the other side) for a table of the relationship, else None."""
        first, second = self.sides
        return (first, second) if first[0] == logical else (second, first) if second[0] == logical else None


MANY_TO_MANY = (ManyToMany("opportunitycompetitors_association", "opportunitycompetitors",
                           (("opportunity", "opportunityid"), ("competitor", "competitorid"))),)
