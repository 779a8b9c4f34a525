"""Seed issue 17's sales and service objects from the seeded accounts, contacts and opportunities.

Proportions (document them when they change): Cases on about 30 % of Accounts (1 to 4 each, older ones mostly
closed); a Contract for each Closed Won Opportunity of a customer Account, starting at its close date, with a
renewal date at its end; Quotes on Opportunities that reached Proposal/Price Quote (1 or 2 each, the won one's last
Accepted, the lost one's Denied); Contact Roles on about 85 % of Opportunities whose Account has Contacts (1 to 3,
one primary); Competitors on about 40 % of Opportunities; every Closed Lost Opportunity carries a
``Loss_Reason__c`` (mostly "Lost to Competitor" when a competitor is recorded). Each object draws from its own
random streams, so adding one never changes another's seed.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sandbox.salesforce import picklists as pl
from sandbox.salesforce.derive_service import add_months, format_auto_number
from sandbox.salesforce.seed_context import SeedContext, SeededRows
from sandbox.salesforce.store import record_number
from sandbox.salesforce.timefmt import fmt_datetime, stored_to_datetime

CASE_SHARE, CONTACT_ROLE_SHARE, COMPETITOR_SHARE = 0.30, 0.85, 0.40
_CASE_SUBJECTS = ("Cannot log in", "Sync job failing", "Invoice question", "Feature request: export", "Slow reports",
                  "API limit reached", "Onboarding help", "Data import error", "SSO configuration", "Billing change")
COMPETITORS: tuple[tuple[str, str, str], ...] = (
    ("Northwind CRM", "Low price, quick setup", "Weak reporting"),
    ("Contoso Sales Cloud", "Enterprise references", "Long implementations"),
    ("Fabrikam Revenue", "Strong forecasting", "Expensive add-ons"),
    ("Tailspin Pipeline", "Great mobile app", "Few integrations"),
    ("Adatum Engage", "Marketing suite bundled", "Poor support"),
    ("Litware Deals", "Existing relationship", "Outdated UI"),
)
_QUOTE_STAGES = frozenset({"Proposal/Price Quote", "Negotiation/Review", "Closed Won", "Closed Lost"})


def _dt(value: str) -> datetime:
    return stored_to_datetime(value)


def seed_service(ctx: SeedContext) -> None:
    opps = SeededRows(ctx, "Opportunity")
    contacts: dict[str, list[str]] = {}
    people = SeededRows(ctx, "Contact")
    for row in people.rows:
        contacts.setdefault(people.get(row, "AccountId"), []).append(people.get(row, "Id"))
    _cases(ctx, contacts)
    with_competitor = _competitors(ctx, opps)
    _loss_reasons(ctx, opps, with_competitor)
    _contact_roles(ctx, opps, contacts)
    _contracts(ctx, opps)
    _quotes(ctx, opps, contacts)


def _cases(ctx: SeedContext, contacts: dict[str, list[str]]) -> None:
    for company in ctx.population.companies:
        rnd = ctx.rnd("case", company.key)
        if rnd.random() >= CASE_SHARE:
            continue
        account = ctx.account_ids[company.key]
        for _ in range(rnd.choice((1, 1, 2, 3, 4))):
            cid = ctx.next_id("Case")
            opened = ctx.later(rnd, company.created_at, skew=0.5)
            closed = (opened < ctx.end - timedelta(days=14) and rnd.random() < 0.85) or rnd.random() < 0.2
            closed_at = ctx.later(rnd, opened, min(ctx.end, opened + timedelta(days=30))) if closed else None
            owner = ctx.account_owner[company.key] if rnd.random() < 0.4 else rnd.choice(ctx.users)
            people = contacts.get(account, [])
            status = "Closed" if closed else rnd.choice(("New", "Working", "Working", "Escalated"))
            ctx.add("Case", {
                "Id": cid, **ctx.audit(opened, closed_at or ctx.later(rnd, opened), by=owner, owner=owner, rnd=rnd),
                "CaseNumber": format_auto_number("{00000000}", record_number(cid) + 1),
                "AccountId": account, "ContactId": rnd.choice(people) if people and rnd.random() < 0.8 else None,
                "Subject": rnd.choice(_CASE_SUBJECTS), "Description": None, "Status": status,
                "Priority": rnd.choice(("High", "Medium", "Medium", "Low")), "Origin": rnd.choice(pl.CASE_ORIGIN),
                "Type": rnd.choice(("Problem", "Feature Request", "Question")), "Reason": rnd.choice(pl.CASE_REASON),
                "IsClosed": closed, "ClosedDate": fmt_datetime(closed_at) if closed_at else None,
                "IsEscalated": status == "Escalated",
            })


def _competitors(ctx: SeedContext, opps: SeededRows) -> set[str]:
    out = set()
    for row in opps.rows:
        oid = opps.get(row, "Id")
        rnd = ctx.rnd("competitor", oid)
        if rnd.random() >= COMPETITOR_SHARE:
            continue
        out.add(oid)
        created = _dt(opps.get(row, "CreatedDate"))
        for name, strengths, weaknesses in rnd.sample(COMPETITORS, rnd.choice((1, 1, 2))):
            at = ctx.later(rnd, created, min(ctx.end, created + timedelta(days=60)))
            owner = opps.get(row, "OwnerId")
            ctx.add("OpportunityCompetitor", {
                "Id": ctx.next_id("OpportunityCompetitor"), **ctx.audit(at, ctx.later(rnd, at), by=owner),
                "OpportunityId": oid, "CompetitorName": name, "Strengths": strengths, "Weaknesses": weaknesses,
            })
    return out


def _loss_reasons(ctx: SeedContext, opps: SeededRows, with_competitor: set[str]) -> None:
    ix = opps.columns["Loss_Reason__c"]
    for row in opps.rows:
        if opps.get(row, "StageName") != "Closed Lost":
            continue
        rnd = ctx.rnd("loss", opps.get(row, "Id"))
        competitor = opps.get(row, "Id") in with_competitor and rnd.random() < 0.7
        row[ix] = "Lost to Competitor" if competitor else rnd.choice(
            tuple(r for r in pl.LOSS_REASON if r != "Lost to Competitor"))


def _contact_roles(ctx: SeedContext, opps: SeededRows, contacts: dict[str, list[str]]) -> None:
    for row in opps.rows:
        oid = opps.get(row, "Id")
        people = contacts.get(opps.get(row, "AccountId"), [])
        rnd = ctx.rnd("contact-role", oid)
        if not people or rnd.random() >= CONTACT_ROLE_SHARE:
            continue
        created = _dt(opps.get(row, "CreatedDate"))
        chosen = rnd.sample(people, min(len(people), rnd.choice((1, 1, 2, 3))))
        for i, contact in enumerate(chosen):
            at = ctx.later(rnd, created, min(ctx.end, created + timedelta(days=30)))
            role = "Decision Maker" if i == 0 and rnd.random() < 0.5 else rnd.choice(pl.CONTACT_ROLE)
            ctx.add("OpportunityContactRole", {
                "Id": ctx.next_id("OpportunityContactRole"),
                **ctx.audit(at, ctx.later(rnd, at), by=opps.get(row, "OwnerId")),
                "OpportunityId": oid, "ContactId": contact, "Role": role, "IsPrimary": i == 0,
            })


def _contracts(ctx: SeedContext, opps: SeededRows) -> None:
    for row in opps.rows:
        if opps.get(row, "StageName") != "Closed Won":
            continue
        oid = opps.get(row, "Id")
        rnd = ctx.rnd("contract", oid)
        start = date.fromisoformat(opps.get(row, "CloseDate"))
        term = rnd.choice((12, 12, 12, 24, 36))
        end = add_months(start, term) - timedelta(days=1)
        signed = datetime.combine(start, datetime.min.time(), tzinfo=ctx.end.tzinfo) - timedelta(days=rnd.randint(0, 5))
        owner = opps.get(row, "OwnerId")
        cid = ctx.next_id("Contract")
        status = "Activated" if rnd.random() < 0.9 else "In Approval Process"
        kind = rnd.choice(("Subscription", "Subscription", "Subscription", "Contract", "Partner Agreement"))
        ctx.add("Contract", {
            "Id": cid, **ctx.audit(signed, ctx.later(rnd, signed), by=owner, owner=owner, rnd=rnd),
            "ContractNumber": format_auto_number("{00000000}", record_number(cid) + 1),
            "AccountId": opps.get(row, "AccountId"), "Name": f"{opps.get(row, 'Name')} ({kind})",
            "Status": status, "StatusCode": "Activated" if status == "Activated" else "Draft",
            "StartDate": start.isoformat(), "EndDate": end.isoformat(), "ContractTerm": term,
            "OwnerExpirationNotice": rnd.choice(("30", "60", "90")),
            "ActivatedDate": fmt_datetime(signed) if status == "Activated" else None, "Description": None,
            "Renewal_Date__c": (end + timedelta(days=1)).isoformat(),
            "Contract_Value__c": opps.get(row, "Amount"), "Auto_Renew__c": rnd.random() < 0.6,
            "Contract_Type__c": kind,
        })


def _quotes(ctx: SeedContext, opps: SeededRows, contacts: dict[str, list[str]]) -> None:
    for row in opps.rows:
        stage = opps.get(row, "StageName")
        amount = opps.get(row, "Amount")
        if stage not in _QUOTE_STAGES or amount is None or amount <= 0:
            continue
        oid = opps.get(row, "Id")
        rnd = ctx.rnd("quote", oid)
        if stage == "Closed Lost" and rnd.random() < 0.5:
            continue  # lost before a quote was sent
        created = _dt(opps.get(row, "LastStageChangeDate") or opps.get(row, "CreatedDate")) - timedelta(days=20)
        created = max(created, _dt(opps.get(row, "CreatedDate")))
        count = rnd.choice((1, 1, 2))
        people = contacts.get(opps.get(row, "AccountId"), [])
        for i in range(count):
            last = i == count - 1
            status = ("Accepted" if stage == "Closed Won" else "Denied" if stage == "Closed Lost"
                      else rnd.choice(("Presented", "In Review"))) if last else "Rejected"
            discount = float(rnd.choice((0, 0, 5, 10, 15, 20)))
            at = created + timedelta(days=i * 7)
            qid = ctx.next_id("Quote")
            ctx.add("Quote", {
                "Id": qid, **ctx.audit(at, ctx.later(rnd, at, min(ctx.end, at + timedelta(days=14))),
                                       by=opps.get(row, "OwnerId")),
                "Name": f"{opps.get(row, 'Name')} Q{i + 1}",
                "QuoteNumber": format_auto_number("{00000000}", record_number(qid) + 1),
                "OpportunityId": oid, "AccountId": opps.get(row, "AccountId"),
                "ContactId": rnd.choice(people) if people else None, "Status": status,
                "ExpirationDate": (at + timedelta(days=30)).date().isoformat(),
                "Subtotal": amount, "Discount": discount, "TotalPrice": round(amount * (1 - discount / 100), 2),
                "GrandTotal": round(amount * (1 - discount / 100), 2), "IsSyncing": last and stage == "Closed Won",
                "Description": None,
            })


def seed_dispositions(ctx: SeedContext) -> None:
    """Completed calls carry a Call Result (CallDisposition), as reps log them."""
    tasks = SeededRows(ctx, "Task")
    ix = tasks.columns["CallDisposition"]
    for row in tasks.rows:
        if tasks.get(row, "Type") == "Call" and tasks.get(row, "IsClosed"):
            row[ix] = ctx.rnd("call", tasks.get(row, "Id")).choice(pl.CALL_DISPOSITION)
