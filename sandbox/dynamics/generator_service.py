"""Seeded service and subscription data: cases on about 30% of the accounts, contracts for the customers who won a
deal (renewed when they ran out, so a customer's history is a chain of contracts), and the activity details a rep
records (a phone call's voicemail flag, a completed meeting's duration).

Cases: 1-6 per account that has any, raised by one of its contacts, by email, phone or the portal; cases older than
a month are mostly resolved. Contracts start at the first won deal's close date, run 12, 24 or 36 months, are
renewed three times in four when they expire, and are worth the deal's value per year of their term. Own random and
id streams, keyed by the record, so the rest of the organisation does not change.
"""

from __future__ import annotations

import random
import zlib
from datetime import UTC, date, datetime
from typing import Any

from sandbox.dynamics import seedtools as st
from sandbox.dynamics.generator_deals import code
from sandbox.dynamics.guids import GuidFactory
from sandbox.dynamics.store import Ref
from sandbox.dynamics.tables import TABLES

DAY = 86400
CASE_SHARE = 0.3
RENEWAL_SHARE = 0.75
CASE_TITLES = ("Cannot sign in after password reset", "Invoice shows the wrong amount", "Report export times out",
               "Request for additional licences", "Integration sync stopped", "How do I configure approvals?",
               "Data import failed with an error", "Slow dashboard load times", "Need a training session",
               "Question about the renewal terms")


def _seconds(ordinal: int) -> int:
    day = date.fromordinal(ordinal)
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())


def _add_months(ordinal: int, months: int) -> int:
    day = date.fromordinal(ordinal)
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, 28)).toordinal()


class ServiceSeeder:
    def __init__(self, *, seed: int, rows: dict[str, list[list[Any]]], contacts_by_account: dict[str, list[str]],
                 span: st.SeedSpan) -> None:
        self.seed = seed
        self.rows = rows
        self.contacts_by_account = contacts_by_account
        self.span = span
        self.guids = GuidFactory(seed, "service")
        self.cases = 0
        self.contracts = 0

    def run(self) -> None:
        first_win = self._first_wins()
        for account in self.rows["account"]:
            rnd = random.Random(f"{self.seed}:dynamics:service:{account[0]}")
            if rnd.random() < CASE_SHARE:
                self.cases_for(account, rnd)
            if account[0] in first_win:
                self.contracts_for(account, *first_win[account[0]], rnd)
        self.activity_details()

    def cases_for(self, account: list[Any], rnd: random.Random) -> None:
        col = TABLES["account"].col
        contacts = self.contacts_by_account.get(account[0], [])
        life = max(DAY, self.span.end - 1 - account[col["createdon"]])
        for _ in range(min(6, 1 + int(rnd.expovariate(1 / 1.2)))):
            created = self.span.clamp(account[col["createdon"]] + rnd.randrange(life))
            age = self.span.end - created
            roll = rnd.random()
            state, status = (0, rnd.choice((1, 1, 2, 3, 4))) if age < 30 * DAY or roll < 0.1 else \
                (2, 6) if roll < 0.15 else (1, rnd.choice((5, 5, 5, 1000)))
            modified = created if state == 0 else self.span.clamp(created + rnd.randint(DAY // 2, 20 * DAY))
            self.cases += 1
            self.rows["incident"].append(st.row_for(TABLES["incident"], {
                "incidentid": self.guids.new(), "ticketnumber": code("CAS", self.cases, f"{self.seed}:cas"),
                "title": rnd.choice(CASE_TITLES), "description": "Reported by the customer." if roll < 0.5 else None,
                "prioritycode": rnd.choices((1, 2, 3), weights=(15, 60, 25))[0],
                "caseorigincode": rnd.choices((2, 1, 3, 2483, 3986), weights=(40, 30, 25, 3, 2))[0],
                "casetypecode": rnd.choices((1, 2, 3, None), weights=(30, 45, 20, 5))[0],
                "customerid": Ref("account", account[0]),
                "primarycontactid": Ref("contact", rnd.choice(contacts)) if contacts else None,
                "responseby": created + DAY, "resolveby": created + 5 * DAY, "statecode": state, "statuscode": status,
                **st.stamps(created, modified, account[col["ownerid"]]),
            }))

    def contracts_for(self, account: list[Any], start: int, yearly: float, rnd: random.Random) -> None:
        col = TABLES["account"].col
        previous: str | None = None
        end_ordinal = _ordinal(self.span.end - 1)
        while start <= end_ordinal:
            months = rnd.choices((12, 24, 36), weights=(60, 25, 15))[0]
            expires = _add_months(start, months) - 1
            expired = expires < end_ordinal
            renewed = expired and rnd.random() < RENEWAL_SHARE
            price = round(yearly * months / 12, 2)
            discount = round(price * rnd.choice((0, 0, 0.05, 0.1)), 2)
            created = self.span.clamp(_seconds(start) - rnd.randint(1, 10) * DAY)
            modified = self.span.clamp(_seconds(expires) + DAY) if expired else self.span.modified_after(created, rnd)
            self.contracts += 1
            cid = self.guids.new()
            self.rows["contract"].append(st.row_for(TABLES["contract"], {
                "contractid": cid, "contractnumber": code("CNR", self.contracts, f"{self.seed}:cnr"),
                "title": f"{account[col['name']] or 'Customer'} subscription {date.fromordinal(start).year}",
                "activeon": start, "expireson": expires, "billingstarton": start, "billingendon": expires,
                "customerid": Ref("account", account[0]), "billingcustomerid": Ref("account", account[0]),
                "originatingcontract": Ref("contract", previous) if previous else None,
                "totalprice": price, "totaldiscount": discount or None, "netprice": round(price - discount, 2),
                "billingfrequencycode": rnd.choices((5, 3, 1), weights=(50, 25, 25))[0],
                "contractservicelevelcode": rnd.choice((1, 2, 2, 3)),
                "statecode": 5 if expired else 2, "statuscode": 6 if expired else 3,
                **st.stamps(created, max(created, modified), account[col["ownerid"]]),
            }))
            if not renewed:
                return
            previous, start = cid, expires + 1

    def activity_details(self) -> None:
        """What a rep notes on completing an activity: whether a call ended on voicemail, how long a meeting ran."""
        calls, meetings = TABLES["phonecall"].col, TABLES["appointment"].col
        for call in self.rows["phonecall"]:
            call[calls["leftvoicemail"]] = call[calls["subject"]] == "Left voicemail"
        for meeting in self.rows["appointment"]:
            if meeting[meetings["statecode"]] == 1:
                meeting[meetings["actualdurationminutes"]] = (30, 45, 60, 60, 90)[zlib.crc32(meeting[0].encode()) % 5]

    def _first_wins(self) -> dict[str, tuple[int, float]]:
        """account id -> (close date of its first won deal, that deal's value as a yearly price)."""
        col = TABLES["opportunity"].col
        out: dict[str, tuple[int, float]] = {}
        for opp in self.rows["opportunity"]:
            value = opp[col["actualvalue"]]
            if opp[col["statecode"]] != 1 or not value or value <= 0 or opp[col["~customerid_type"]] != "account":
                continue
            account, closed = opp[col["customerid"]], opp[col["actualclosedate"]]
            if account not in out or closed < out[account][0]:
                out[account] = (closed, round(value, 2))
        return out


def _ordinal(seconds: int) -> int:
    return datetime.fromtimestamp(seconds, UTC).date().toordinal()
