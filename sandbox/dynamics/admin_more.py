"""A person's edits and new rows for the sales, service and custom tables (``admin_edits`` has the core ones).

Custom tables have no hand-written edits: a person retypes one of the maker's own columns (text, number, date or
choice), and a new row gets a name and, where the table has one, a link to an existing account.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from sandbox.dynamics import errors
from sandbox.dynamics.schema import Attr, Table
from sandbox.dynamics.store import Ref, Store, id_of

Values = dict[str, Any]

MORE_EDITS: dict[str, Callable[[random.Random], Values]] = {
    "incident": lambda rnd: rnd.choice(({"prioritycode": rnd.choice((1, 2, 3))},
                                        {"description": f"Customer called back ({rnd.randint(1, 99)})"},
                                        {"statuscode": rnd.choice((1, 2, 3, 4))})),
    "competitor": lambda rnd: rnd.choice(({"winpercentage": float(rnd.randint(5, 60))},
                                          {"strengths": f"Won on price in {rnd.randint(2, 9)} recent deals"})),
    "quote": lambda rnd: rnd.choice(({"description": f"Revised terms v{rnd.randint(2, 9)}"},
                                     {"discountpercentage": float(rnd.choice((0, 5, 10, 15)))})),
    "goal": lambda rnd: {"targetmoney": float(rnd.randint(100, 600) * 1000)},
    "territory": lambda rnd: {"description": f"Coverage plan {rnd.randint(2024, 2030)}"},
    "contract": lambda rnd: rnd.choice(({"contractlanguage": f"Amendment {rnd.randint(1, 9)} signed"},
                                        {"billingfrequencycode": rnd.choice((1, 3, 5))})),
    "metric": lambda rnd: {"description": f"Definition v{rnd.randint(2, 9)}"},
}


def custom_edit(table: Table, rnd: random.Random) -> Values:
    """Retype one of the maker's own columns."""
    columns = [a for a in table.attrs if a.custom and a.update and not a.is_lookup and a.name != table.primary_name]
    if not columns:
        return {table.primary_name: f"Renamed {rnd.randint(1, 9999)}"}
    attr = rnd.choice(columns)
    return {attr.name: _value(attr, rnd)}


def _value(attr: Attr, rnd: random.Random) -> Any:
    if attr.kind in ("string", "memo"):
        return f"Updated by hand {rnd.randint(1, 9999)}"[: attr.max_length or 100]
    if attr.kind in ("picklist", "bool"):
        assert attr.options is not None
        option = rnd.choice(attr.options.values())
        return bool(option) if attr.kind == "bool" else option
    if attr.kind == "date":
        return 739000 + rnd.randint(0, 700)  # a day in 2024-2026 (proleptic ordinal)
    if attr.kind == "datetime":
        return 1_704_067_200 + rnd.randint(0, 700) * 86400
    lo = float(attr.min_value or 0)
    hi = float(attr.max_value) if attr.max_value is not None else lo + 1000
    value = rnd.uniform(lo, min(hi, lo + 1000))
    return int(value) if attr.kind in ("int", "bigint") else round(value, 2)


class MoreCreations:
    """New rows of the sales, service and custom tables, as someone would type them (mixed into ``Creator``)."""

    store: Store

    def _some(self, logical: str, rnd: random.Random) -> str | None:
        pk = self.store.state(logical).pk
        return id_of(pk[rnd.randrange(len(pk))]) if len(pk) else None

    def _needs(self, logical: str, rnd: random.Random, what: str) -> str:
        found = self._some(logical, rnd)
        if found is None:
            raise errors.DataverseError(400, "nothing_to_link", f"a new {what} needs a {logical}; create one first")
        return found

    def _incident(self, rnd: random.Random) -> Values:
        account = self._needs("account", rnd, "case")
        return {"title": f"Customer reported an issue #{rnd.randint(100, 999)}", "prioritycode": 2,
                "caseorigincode": rnd.choice((1, 2, 3)), "customerid": Ref("account", account)}

    def _competitor(self, rnd: random.Random) -> Values:
        n = rnd.randint(100, 999)
        return {"name": f"Upstart Software {n}", "websiteurl": f"https://www.upstart{n}.example"}

    def _quote(self, rnd: random.Random) -> Values:
        account = self._needs("account", rnd, "quote")
        opportunity = self._some("opportunity", rnd)
        return {"name": f"Quote {rnd.randint(100, 999)}", "customerid": Ref("account", account),
                "opportunityid": Ref("opportunity", opportunity) if opportunity else None,
                "totalamount": float(rnd.randint(5, 500) * 1000)}

    def _goal(self, rnd: random.Random) -> Values:
        metric = self._needs("metric", rnd, "goal")
        user = self._needs("systemuser", rnd, "goal")
        return {"title": f"Stretch goal {rnd.randint(1, 99)}", "metricid": Ref("metric", metric),
                "goalownerid": Ref("systemuser", user), "targetmoney": float(rnd.randint(50, 500) * 1000)}

    def _territory(self, rnd: random.Random) -> Values:
        return {"name": f"New region {rnd.randint(1, 999)}"}

    def _contract(self, rnd: random.Random) -> Values:
        account = self._needs("account", rnd, "contract")
        start = 739300 + rnd.randint(0, 300)
        return {"title": f"Service agreement {rnd.randint(1, 999)}", "customerid": Ref("account", account),
                "activeon": start, "expireson": start + 364, "billingfrequencycode": 5}

    def _metric(self, rnd: random.Random) -> Values:
        return {"name": f"Metric {rnd.randint(1, 999)}", "amountdatatype": 2, "isamount": False}

    def _opportunitycompetitors(self, rnd: random.Random) -> Values:
        """Associate a competitor with an opportunity it is not yet linked to."""
        table = self.store.catalog["opportunitycompetitors"]
        pairs = {(r[table.col["opportunityid"]], r[table.col["competitorid"]])
                 for r in self.store.state("opportunitycompetitors").rows.values()}
        for _ in range(100):
            pair = (self._needs("opportunity", rnd, "link"), self._needs("competitor", rnd, "link"))
            if pair not in pairs:
                return {"opportunityid": pair[0], "competitorid": pair[1]}
        raise errors.DataverseError(400, "nothing_to_link", "every opportunity tried already names that competitor")

    def custom_values(self, table: Table, rnd: random.Random) -> Values:
        values: Values = {table.primary_name: f"Added by hand {rnd.randint(1, 9999)}"}
        for attr in table.attrs:
            if attr.custom and attr.is_lookup and attr.targets == ("account",):
                account = self._some("account", rnd)
                values[attr.name] = Ref("account", account) if account else None
        return values
