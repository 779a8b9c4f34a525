"""Seeded sales targets and coverage: territories (a hierarchy, accounts placed by country, reps assigned) and goals
(a revenue quota per sales rep and per regional team for each of the last four quarters and the current one).

Dataverse keeps a rep's or an account's territory as a lookup on the row (``territoryid``): there are no assignment
records and no effective dates. A goal's actual is what the rep's opportunities won in its period add up to, as the
goal rollup would compute it; past quarters' goals are closed, the current one is open. Own random and id streams.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime
from typing import Any

from sandbox.dynamics import seedtools as st
from sandbox.dynamics.guids import GuidFactory
from sandbox.dynamics.schema import type_column
from sandbox.dynamics.store import Ref
from sandbox.dynamics.tables import TABLES

DAY = 86400
# territory -> parent; leaves list the countries (account address1_country) they cover
TERRITORIES: tuple[tuple[str, str | None, tuple[str, ...]], ...] = (
    ("Worldwide", None, ()), ("Americas", "Worldwide", ()), ("EMEA", "Worldwide", ()), ("APAC", "Worldwide", ()),
    ("North America", "Americas", ("United States", "Canada")), ("Latin America", "Americas", ("Brazil",)),
    ("UK & Ireland", "EMEA", ("United Kingdom",)), ("Central Europe", "EMEA", ("Germany", "Netherlands")),
    ("Southern Europe", "EMEA", ("France", "Spain")), ("India", "APAC", ("India",)), ("ANZ", "APAC", ("Australia",)),
)
REGION_TEAMS = {"Sales Americas": "Americas", "Sales EMEA": "EMEA", "Sales APAC": "APAC"}


def _seconds(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())


def quarters(end: int, count: int) -> list[tuple[int, int, date, date]]:
    """(year, quarter, first day, last day) of the ``count`` quarters up to and including the one ``end`` is in."""
    today = datetime.fromtimestamp(end - 1, UTC).date()
    year, quarter = today.year, (today.month - 1) // 3 + 1
    out = []
    for _ in range(count):
        first = date(year, 3 * quarter - 2, 1)
        last = date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1).toordinal() - 1
        out.append((year, quarter, first, date.fromordinal(last)))
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    return out[::-1]


class TargetSeeder:
    def __init__(self, *, seed: int, rows: dict[str, list[list[Any]]], sales_users: list[str], admin: str,
                 span: st.SeedSpan) -> None:
        self.seed = seed
        self.rows = rows
        self.sales_users = sales_users
        self.admin = admin
        self.span = span
        self.guids = GuidFactory(seed, "targets")
        self.by_name: dict[str, str] = {}

    def run(self) -> None:
        self.territories()
        self.goals()

    def territories(self) -> None:
        rnd = random.Random(f"{self.seed}:dynamics:territories")
        start = self.span.end - 800 * DAY
        by_country: dict[str, str] = {}
        leaves = []
        for name, parent, countries in TERRITORIES:
            tid = self.by_name[name] = self.guids.new()
            self.rows["territory"].append(st.row_for(TABLES["territory"], {
                "territoryid": tid, "name": name, "description": f"Sales territory {name}",
                "managerid": Ref("systemuser", rnd.choice(self.sales_users)),
                "parentterritoryid": Ref("territory", self.by_name[parent]) if parent else None,
                "createdon": start, "modifiedon": self.span.modified_after(start, rnd),
                "createdby": Ref("systemuser", self.admin), "modifiedby": Ref("systemuser", self.admin),
            }))
            by_country.update((country, tid) for country in countries)
            if countries:
                leaves.append(tid)
        accounts, users = TABLES["account"], TABLES["systemuser"]
        for account in self.rows["account"]:
            _link(accounts, account, "territoryid", by_country.get(account[accounts.col["address1_country"]]))
        reps = {uid: leaves[i % len(leaves)] for i, uid in enumerate(self.sales_users)}
        for user in self.rows["systemuser"]:
            _link(users, user, "territoryid", reps.get(user[0]))

    def goals(self) -> None:
        rnd = random.Random(f"{self.seed}:dynamics:goals")
        start = self.span.end - 800 * DAY
        metric = self.guids.new()
        self.rows["metric"].append(st.row_for(TABLES["metric"], {
            "metricid": metric, "name": "Revenue", "amountdatatype": 0, "isamount": True, "isstretchtracked": False,
            "description": "Actual revenue of won opportunities", "createdon": start, "modifiedon": start,
            "createdby": Ref("systemuser", self.admin), "modifiedby": Ref("systemuser", self.admin),
        }))
        won = self._won_by_owner()
        teams = {name: row[0] for row in self.rows["team"] if (name := row[TABLES["team"].col["name"]])
                 in REGION_TEAMS}
        manager = self.sales_users[0]
        for year, quarter, first, last in quarters(self.span.end, 5):
            current = _seconds(last) + DAY > self.span.end
            for uid in self.sales_users:
                target = round(rnd.lognormvariate(12.4, 0.35), -3)
                actual = sum(v for day, v in won.get(uid, ()) if first.toordinal() <= day <= last.toordinal())
                self._goal(f"Q{quarter} {year} revenue", Ref("systemuser", uid), metric, year, quarter, first, last,
                           target, round(actual, 2), current, manager, rnd)
            for name, tid in sorted(teams.items()):
                target = round(rnd.lognormvariate(13.6, 0.25), -3)
                self._goal(f"Q{quarter} {year} revenue - {name}", Ref("team", tid), metric, year, quarter, first,
                           last, target, None, current, manager, rnd)

    def _goal(self, title: str, owner: Ref, metric: str, year: int, quarter: int, first: date, last: date,
              target: float, actual: float | None, current: bool, manager: str, rnd: random.Random) -> None:
        created = self.span.clamp(_seconds(first) - 10 * DAY)
        modified = self.span.clamp(_seconds(last) + rnd.randint(1, 6) * DAY)
        self.rows["goal"].append(st.row_for(TABLES["goal"], {
            "goalid": self.guids.new(), "title": title, "goalownerid": owner, "metricid": Ref("metric", metric),
            "isfiscalperiodgoal": True, "fiscalperiod": quarter, "fiscalyear": year,
            "goalstartdate": first.toordinal(), "goalenddate": last.toordinal(), "amountdatatype": 0,
            "isamount": True, "targetmoney": target, "actualmoney": actual,
            "percentage": round(100 * actual / target, 2) if actual is not None and target else None,
            "statecode": 0 if current else 1, "statuscode": 0 if current else 1,
            **st.stamps(created, max(created, modified), manager),
        }))

    def _won_by_owner(self) -> dict[str, list[tuple[int, float]]]:
        col = TABLES["opportunity"].col
        out: dict[str, list[tuple[int, float]]] = {}
        for opp in self.rows["opportunity"]:
            if opp[col["statecode"]] == 1 and opp[col["actualvalue"]] and opp[col["actualvalue"]] > 0:
                out.setdefault(opp[col["ownerid"]], []).append((opp[col["actualclosedate"]], opp[col["actualvalue"]]))
        return out


def _link(table: Any, row: list[Any], column: str, target: str | None) -> None:
    row[table.col[column]] = target
    row[table.col[type_column(column)]] = "territory" if target else None
