"""Customer-success custom tables a maker adds (through the metadata API's code path, like ``new_customerhealth``),
and their seeded rows.

``new_sla`` (SLA): the service levels support works to, one row per tier and case priority (first response and
resolution targets in minutes, business hours); the tiers' previous targets stay as inactive rows. Organization-owned:
it describes the service, not someone's work. (Dataverse's own ``sla`` table holds none of the targets: they live in
its ``slaitem`` KPIs as FetchXML conditions, so an org that reports on its targets keeps them in a table like this.)
``new_customeronboarding`` (Customer Onboarding): one project per customer (an account that won a deal), started at
its first win, owned by the account's owner, moving through kickoff to adoption; recent ones still under way.
``new_customergoal`` (Customer Goal): one to three business outcomes per customer with a target, what has been
achieved and a due date. Both account lookups are parental (deleting the account deletes them). Own random and id
streams, keyed by the record, so every other seeded row is unchanged.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime
from typing import Any

from sandbox.dynamics import seedtools as st
from sandbox.dynamics.custom_tables import add_column, add_lookup, add_table
from sandbox.dynamics.generator_custom import account_lookup, choice, column, table
from sandbox.dynamics.guids import GuidFactory
from sandbox.dynamics.store import Ref, Store
from sandbox.dynamics.tables import TABLES

DAY = 86400
PRIORITIES = ((100000000, "Urgent"), (100000001, "High"), (100000002, "Normal"), (100000003, "Low"))
# tier -> (business hours, first response minutes per priority, resolution minutes per priority)
TIERS: dict[str, tuple[str, tuple[int, ...], tuple[int, ...]]] = {
    "Standard": ("Mon-Fri 09:00-17:00", (120, 240, 480, 960), (960, 1920, 4800, 9600)),
    "Premium": ("Mon-Fri 07:00-19:00", (60, 120, 240, 480), (480, 960, 2400, 4800)),
    "Enterprise": ("24x7", (15, 30, 120, 240), (240, 480, 1440, 2880)),
}
STAGES = ((100000000, "Kickoff"), (100000001, "Configuration"), (100000002, "Data Migration"),
          (100000003, "Training"), (100000004, "Go-Live"), (100000005, "Adoption"))
ONBOARDING_STATUS = ((100000000, "Not Started"), (100000001, "In Progress"), (100000002, "On Hold"),
                     (100000003, "Completed"))
GOAL_STATUS = ((100000000, "Not Started"), (100000001, "On Track"), (100000002, "At Risk"), (100000003, "Achieved"),
               (100000004, "Missed"))
GOALS = ("Reduce support case volume", "Increase weekly active users", "Cut onboarding time for new hires",
         "Raise pipeline coverage", "Automate monthly reporting", "Improve forecast accuracy",
         "Consolidate regional CRMs")


def _date(schema: str, display: str) -> dict[str, Any]:
    return column("DateTime", schema, display, Format="DateOnly", DateTimeBehavior={"Value": "DateOnly"})


DEFINITIONS: tuple[tuple[dict[str, Any], tuple[dict[str, Any], ...], dict[str, Any] | None], ...] = (
    ({**table("new_SLA", "SLA", "SLAs"), "OwnershipType": "OrganizationOwned"}, (
        choice("new_Priority", "Priority", PRIORITIES),
        column("Integer", "new_FirstResponseMinutes", "First Response (Minutes)", MinValue=0, MaxValue=100000,
               Format="Duration"),
        column("Integer", "new_ResolutionMinutes", "Resolution (Minutes)", MinValue=0, MaxValue=1000000,
               Format="Duration"),
        column("String", "new_BusinessHours", "Business Hours", MaxLength=100, FormatName={"Value": "Text"}),
        column("Boolean", "new_Active", "Active", OptionSet={
            "@odata.type": "Microsoft.Dynamics.CRM.BooleanOptionSetMetadata",
            "TrueOption": {"Value": 1, "Label": {"LocalizedLabels": [{"Label": "Yes", "LanguageCode": 1033}]}},
            "FalseOption": {"Value": 0, "Label": {"LocalizedLabels": [{"Label": "No", "LanguageCode": 1033}]}}}),
    ), None),
    (table("new_CustomerOnboarding", "Customer Onboarding", "Customer Onboardings"), (
        choice("new_Status", "Onboarding Status", ONBOARDING_STATUS),
        choice("new_Stage", "Stage", STAGES),
        _date("new_StartedOn", "Started On"),
        _date("new_GoLiveOn", "Go-Live On"),
        _date("new_CompletedOn", "Completed On"),
    ), account_lookup("new_customeronboarding", "Cascade")),
    (table("new_CustomerGoal", "Customer Goal", "Customer Goals"), (
        column("Decimal", "new_TargetValue", "Target Value", MinValue=0, MaxValue=1000000000, Precision=2),
        column("Decimal", "new_AchievedValue", "Achieved Value", MinValue=0, MaxValue=1000000000, Precision=2),
        _date("new_DueOn", "Due On"),
        choice("new_Status", "Goal Status", GOAL_STATUS),
    ), account_lookup("new_customergoal", "Cascade")),
)


def define_success(store: Store) -> list[str]:
    """Create the tables through the metadata API's code; the entity sets asking for change tracking."""
    tracked = []
    for body, columns, lookup in DEFINITIONS:
        created, wants_tracking = add_table(store, body)
        for col in columns:
            add_column(store, store.catalog[created.logical], col)
        if lookup is not None:
            add_lookup(store, lookup)
        if wants_tracking:
            tracked.append(created.entity_set)
    return tracked


class SuccessSeeder:
    def __init__(self, *, seed: int, store: Store, rows: dict[str, list[list[Any]]], admin: str,
                 span: st.SeedSpan) -> None:
        self.seed, self.store, self.rows, self.admin, self.span = seed, store, rows, admin, span
        self.guids = GuidFactory(seed, "success")
        for name in ("new_sla", "new_customeronboarding", "new_customergoal"):
            rows.setdefault(name, [])

    def run(self) -> None:
        self.slas()
        col = TABLES["opportunity"].col
        first_win: dict[str, int] = {}
        for opp in self.rows["opportunity"]:
            if opp[col["statecode"]] == 1 and opp[col["~customerid_type"]] == "account":
                first_win[opp[col["customerid"]]] = min(opp[col["actualclosedate"]],
                                                        first_win.get(opp[col["customerid"]], 10**9))
        for account in self.rows["account"]:
            if account[0] in first_win:
                rnd = random.Random(f"{self.seed}:dynamics:success:{account[0]}")
                self.onboarding(account, first_win[account[0]], rnd)
                self.goals(account, first_win[account[0]], rnd)

    def slas(self) -> None:
        sla = self.store.catalog["new_sla"]
        rnd = random.Random(f"{self.seed}:dynamics:sla")
        start = self.span.end - 700 * DAY
        for tier, (hours, first, resolve) in TIERS.items():
            for (value, priority), response, resolution in zip(PRIORITIES, first, resolve, strict=True):
                for active, factor in ((False, 1.5), (True, 1.0)):  # last year's looser targets, retired
                    created = self.span.clamp(start + (365 * DAY if active else 0) + rnd.randint(0, 20) * DAY)
                    self.rows["new_sla"].append(st.row_for(sla, {
                        "new_slaid": self.guids.new(), "new_name": f"{tier} - {priority}",
                        "new_priority": value, "new_firstresponseminutes": int(response * factor),
                        "new_resolutionminutes": int(resolution * factor), "new_businesshours": hours,
                        "new_active": active, "statecode": 0 if active else 1, "statuscode": 1 if active else 2,
                        **_stamps(created, self.span.modified_after(created, rnd), self.admin),
                    }))

    def onboarding(self, account: list[Any], won: int, rnd: random.Random) -> None:
        onboarding = self.store.catalog["new_customeronboarding"]
        acc = TABLES["account"].col
        today = datetime.fromtimestamp(self.span.end, UTC).date().toordinal()
        started = won + rnd.randint(1, 14)
        go_live = started + rnd.randint(30, 120)
        completed = go_live + rnd.randint(14, 60)
        if started >= today:
            status, stage, go_live_on, completed_on = 100000000, 100000000, None, None
        elif completed < today:
            status, stage, go_live_on, completed_on = 100000003, 100000005, go_live, completed
        else:
            done = (today - started) / max(1, completed - started)
            stage = STAGES[min(5, int(done * 6))][0]
            status = 100000002 if rnd.random() < 0.1 else 100000001
            go_live_on, completed_on = (go_live if go_live < today else None), None
        created = self.span.clamp(_seconds(min(started, today)) - rnd.randint(0, 5) * DAY)
        self.rows["new_customeronboarding"].append(st.row_for(onboarding, {
            "new_customeronboardingid": self.guids.new(),
            "new_name": f"Onboarding - {account[acc['name']] or 'Account'}",
            "new_status": status, "new_stage": stage, "new_startedon": started, "new_goliveon": go_live_on,
            "new_completedon": completed_on, "new_accountid": Ref("account", account[0]),
            **st.stamps(created, self.span.modified_after(created, rnd), account[acc["ownerid"]]),
        }))

    def goals(self, account: list[Any], won: int, rnd: random.Random) -> None:
        goal = self.store.catalog["new_customergoal"]
        acc = TABLES["account"].col
        today = datetime.fromtimestamp(self.span.end, UTC).date().toordinal()
        for name in rnd.sample(GOALS, rnd.randint(1, 3)):
            target = float(rnd.choice((10, 20, 25, 50, 100, 500, 1000)))
            due = won + rnd.randint(90, 540)
            progress = min(1.2, max(0.0, (today - won) / max(1, due - won) * rnd.uniform(0.5, 1.2)))
            achieved = round(target * progress, 2)
            if due < today:
                status = 100000003 if achieved >= target else 100000004
            else:
                status = 100000000 if achieved == 0 else 100000001 if rnd.random() < 0.75 else 100000002
            created = self.span.clamp(_seconds(won) + rnd.randint(1, 30) * DAY)
            self.rows["new_customergoal"].append(st.row_for(goal, {
                "new_customergoalid": self.guids.new(), "new_name": f"{name} - {account[acc['name']] or 'Account'}",
                "new_targetvalue": target, "new_achievedvalue": achieved, "new_dueon": due, "new_status": status,
                "new_accountid": Ref("account", account[0]),
                **st.stamps(created, self.span.modified_after(created, rnd), account[acc["ownerid"]]),
            }))


def _stamps(created: int, modified: int, admin: str) -> dict[str, Any]:
    """An organization-owned row's audit stamps: no owner."""
    return {key: value for key, value in st.stamps(created, modified, admin).items() if key != "ownerid"}


def _seconds(ordinal: int) -> int:
    d = date.fromordinal(ordinal)
    return int(datetime(d.year, d.month, d.day, tzinfo=UTC).timestamp())
