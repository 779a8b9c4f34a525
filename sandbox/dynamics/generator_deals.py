"""Seeded deal context: competitors on opportunities, quotes, forecast categories, and the sales process stages.

Runs after the opportunities exist and draws from random and id streams of its own (per opportunity), so the rest
of the organisation is the same with or without it. Proportions: about 40% of the opportunities name 1-2
competitors (every one lost as Out-Sold does); won opportunities have a won quote (a third of them after a revised
one), open ones past Develop mostly an active or draft quote, a part of those lost late a lost quote. The forecast
category follows the state and stage as a rep would keep it (Won, Lost, Omitted for deals on hold, Committed in
Close, Best case in Propose, else Pipeline). Two business process flows define the opportunity stages.
"""

from __future__ import annotations

import random
import zlib
from datetime import UTC, datetime
from typing import Any

from sandbox.dynamics import seedtools as st
from sandbox.dynamics.guids import GuidFactory
from sandbox.dynamics.schema import HIDDEN_STAMP
from sandbox.dynamics.store import Ref
from sandbox.dynamics.tables import TABLES

DAY = 86400
COMPETITORS = (  # name, domain, strengths, weaknesses
    ("Contoso CRM", "contoso-crm.example", "Strong brand with enterprise buyers; broad partner network",
     "Long implementations; expensive add-ons"),
    ("Fabrikam Sales Cloud", "fabrikam.example", "Fast to deploy; good mobile app", "Weak analytics; few integrations"),
    ("Northwind Pipeline", "northwind.example", "Aggressive discounting; simple pricing",
     "Limited customisation; small support team"),
    ("Tailspin Revenue", "tailspin.example", "Forecasting and AI features", "Immature security certifications"),
    ("Litware Suite", "litware.example", "Bundled with their ERP; one vendor for finance and sales",
     "Dated user interface; slow release cadence"),
    ("Adventure Works CRM", "adventure-works.example", "Industry templates for manufacturing",
     "Poor fit outside manufacturing"),
    ("Woodgrove Engage", "woodgrove.example", "Marketing automation included", "Sales features are shallow"),
    ("Proseware Deals", "proseware.example", "Low price per seat", "No on-premises option; data residency gaps"),
)
PROCESSES = (  # name, unique name, primary entity, stages (name, category, entity)
    ("Opportunity Sales Process", "opportunitysalesprocess", "opportunity",
     (("Qualify", 0, "opportunity"), ("Develop", 1, "opportunity"), ("Propose", 2, "opportunity"),
      ("Close", 3, "opportunity"))),
    ("Lead to Opportunity Sales Process", "leadtoopportunitysalesprocess", "lead",
     (("Qualify", 0, "lead"), ("Develop", 1, "opportunity"), ("Propose", 2, "opportunity"),
      ("Close", 3, "opportunity"))),
)
WON, LOST, OMITTED, COMMITTED, BEST_CASE, PIPELINE = 100000005, 100000006, 100000004, 100000003, 100000002, 100000001


def _ordinal(seconds: int) -> int:
    return datetime.fromtimestamp(seconds, UTC).date().toordinal()


def code(prefix: str, n: int, salt: str) -> str:
    """An auto-number as Dataverse formats it: ``CAS-01234-X3K9Q1``."""
    digest = zlib.crc32(f"{salt}:{n}".encode())
    suffix = "".join("ABCDEFGHJKLMNPQRSTVWXYZ0123456789"[(digest >> (5 * i)) % 33] for i in range(6))
    return f"{prefix}-{n:05d}-{suffix}"


class DealSeeder:
    def __init__(self, *, seed: int, rows: dict[str, list[list[Any]]], admin: str, span: st.SeedSpan) -> None:
        self.seed = seed
        self.rows = rows
        self.admin = admin
        self.span = span
        self.guids = GuidFactory(seed, "deals")
        self.competitors: list[str] = []

    def run(self) -> None:
        self.processes()
        self.competitor_catalogue()
        opps = TABLES["opportunity"]
        for n, opp in enumerate(self.rows["opportunity"]):
            opp[opps.col["msdyn_forecastcategory"]] = forecast_category(opp)
            rnd = random.Random(f"{self.seed}:dynamics:deal:{opp[0]}")
            self.competitors_on(opp, rnd)
            self.quotes_on(opp, n, rnd)

    def processes(self) -> None:
        start = self.span.end - 1000 * DAY
        for name, unique, entity, stages in PROCESSES:
            wid = self.guids.new()
            self.rows["workflow"].append(st.row_for(TABLES["workflow"], {
                "workflowid": wid, "name": name, "uniquename": unique, "category": 4, "primaryentity": entity,
                "statecode": 1, "statuscode": 2, **st.stamps(start, start, self.admin),
            }))
            for stage, category, stage_entity in stages:
                self.rows["processstage"].append(st.row_for(TABLES["processstage"], {
                    "processstageid": self.guids.new(), "stagename": stage, "stagecategory": category,
                    "primaryentitytypecode": stage_entity, "processid": Ref("workflow", wid),
                    "clientdata": '{"steps":[]}', HIDDEN_STAMP: start,
                }))

    def competitor_catalogue(self) -> None:
        rnd = random.Random(f"{self.seed}:dynamics:competitors")
        start = self.span.end - 900 * DAY
        for name, domain, strengths, weaknesses in COMPETITORS:
            cid = self.guids.new()
            self.competitors.append(cid)
            created = start + rnd.randrange(300 * DAY)
            self.rows["competitor"].append(st.row_for(TABLES["competitor"], {
                "competitorid": cid, "name": name, "websiteurl": f"https://www.{domain}", "strengths": strengths,
                "weaknesses": weaknesses, "winpercentage": float(rnd.randrange(10, 45)),
                "reportedrevenue": float(rnd.randrange(20, 900) * 1_000_000),
                "createdon": created, "modifiedon": self.span.modified_after(created, rnd),
                "createdby": Ref("systemuser", self.admin), "modifiedby": Ref("systemuser", self.admin),
            }))

    def competitors_on(self, opp: list[Any], rnd: random.Random) -> None:
        col = TABLES["opportunity"].col
        out_sold = opp[col["statecode"]] == 2 and opp[col["statuscode"]] == 5
        if not out_sold and rnd.random() >= 0.35:
            return
        created = opp[col["createdon"]]
        for cid in rnd.sample(self.competitors, rnd.choice((1, 1, 2))):
            self.rows["opportunitycompetitors"].append(st.row_for(TABLES["opportunitycompetitors"], {
                "opportunitycompetitorid": self.guids.new(), "opportunityid": opp[0], "competitorid": cid,
                HIDDEN_STAMP: self.span.clamp(created + rnd.randint(DAY, 40 * DAY)),
            }))

    def quotes_on(self, opp: list[Any], n: int, rnd: random.Random) -> None:
        col = TABLES["opportunity"].col
        value, state, stage = opp[col["estimatedvalue"]], opp[col["statecode"]], opp[col["salesstagecode"]]
        if value is None or value <= 0:
            return
        if state == 1:
            plan = [(3, 7), (2, 4)] if rnd.random() < 0.3 else [(2, 4)]
        elif state == 2:
            plan = [(3, 5)] if stage >= 2 and rnd.random() < 0.6 else []
        else:
            plan = [rnd.choice(((1, 3), (1, 3), (1, 3), (0, 1)))] if stage >= 2 and rnd.random() < 0.7 else []
        created = self.span.clamp(opp[col["createdon"]] + rnd.randint(5 * DAY, 30 * DAY))
        closed = opp[col["actualclosedate"]]
        for revision, (quote_state, status) in enumerate(plan):
            percent = rnd.choice((None, 0.0, 5.0, 10.0, 15.0))
            discount = round(value * (percent or 0.0) / 100, 2)
            ended = quote_state in (2, 3)
            closed_on = closed if quote_state == 2 and closed else _ordinal(self.span.clamp(created + 20 * DAY))
            self.rows["quote"].append(st.row_for(TABLES["quote"], {
                "quoteid": self.guids.new(), "quotenumber": code("QUO", n * 3 + revision + 1, f"{self.seed}:quo"),
                "name": f"{opp[col['name']]} - Quote", "revisionnumber": revision,
                "opportunityid": Ref("opportunity", opp[0]),
                "customerid": Ref(opp[col["~customerid_type"]], opp[col["customerid"]]),
                "totallineitemamount": value, "discountpercentage": percent, "discountamount": discount or None,
                "totalamount": round(value - discount, 2), "effectivefrom": _ordinal(created),
                "effectiveto": _ordinal(created) + 30, "expireson": _ordinal(created) + 30,
                "closedon": closed_on if ended else None, "statecode": quote_state, "statuscode": status,
                **st.stamps(created, self.span.clamp(created + rnd.randint(0, 25 * DAY)), opp[col["ownerid"]]),
            }))
            created = self.span.clamp(created + rnd.randint(3 * DAY, 15 * DAY))


def forecast_category(opp: list[Any]) -> int:
    col = TABLES["opportunity"].col
    state, stage = opp[col["statecode"]], opp[col["salesstagecode"]]
    if state == 1:
        return WON
    if state == 2:
        return LOST
    if opp[col["statuscode"]] == 2:  # on hold: kept out of the forecast
        return OMITTED
    return {3: COMMITTED, 2: BEST_CASE}.get(stage, PIPELINE)
