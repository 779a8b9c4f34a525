"""Seed the org's custom objects: training programs and enrolments, coaching sessions and assessments.

Proportions: about one Training_Program__c per two reps (6 to 40); each rep enrolled in 2 to 5 programs (completed
when the program ended, a few dropped, scores on completion); a Coaching_Session__c per rep about every month over
the last six months (coach: the sales manager, or a peer), 60 % about one of the rep's open opportunities; an
Assessment__c for about 70 % of completed enrolments (pass mark 70 %).
"""

from __future__ import annotations

from datetime import timedelta

from sandbox.salesforce.derive_service import format_auto_number
from sandbox.salesforce.seed_context import SeedContext
from sandbox.salesforce.store import record_number
from sandbox.salesforce.timefmt import fmt_datetime

_PROGRAMS = (("Sales Onboarding Bootcamp", "Onboarding", 24.0), ("Platform Product Certification", "Product", 12.0),
             ("Discovery Skills Lab", "Skills", 6.0), ("Negotiation Masterclass", "Skills", 8.0),
             ("Partner Enablement Track", "Partner", 10.0), ("Customer Success Academy", "Customer", 16.0),
             ("Analytics Add-on Deep Dive", "Product", 4.0), ("Forecasting Fundamentals", "Skills", 3.0))
_SKILLS = ("Discovery", "Negotiation", "Product Knowledge", "Forecasting", "Objection Handling")
_TOPICS = ("Pipeline review", "Call coaching", "Deal strategy", "Demo practice", "Forecast accuracy",
           "Objection handling role-play")


def seed_training(ctx: SeedContext) -> None:
    programs = _programs(ctx)
    completed = _enrolments(ctx, programs)
    _assessments(ctx, completed)
    _coaching(ctx)


def _programs(ctx: SeedContext) -> list[tuple[str, str, str | None, str]]:
    """(id, start date, end date or None, type) of each program."""
    out = []
    count = max(6, min(40, len(ctx.users) // 2))
    for i in range(count):
        rnd = ctx.rnd("training-program", i)
        name, kind, hours = _PROGRAMS[i % len(_PROGRAMS)]
        start = ctx.later(rnd, ctx.end - timedelta(days=720), ctx.end + timedelta(days=30))
        end = start + timedelta(days=rnd.choice((14, 30, 60, 90)))
        status = ("Planned" if start > ctx.end else "Completed" if end < ctx.end
                  else "Active")
        created = min(ctx.end, start) - timedelta(days=rnd.randint(10, 40))
        owner = rnd.choice(ctx.users)
        pid = ctx.next_id("Training_Program__c")
        ctx.add("Training_Program__c", {
            "Id": pid, **ctx.audit(created, ctx.later(rnd, created), by=owner, owner=owner),
            "Name": f"{name} {start.year}-{i // len(_PROGRAMS) + 1}", "Program_Type__c": kind, "Status__c": status,
            "Start_Date__c": start.date().isoformat(), "End_Date__c": end.date().isoformat(),
            "Duration_Hours__c": hours, "Description__c": None,
        })
        out.append((pid, start.date().isoformat(), end.date().isoformat() if end < ctx.end else None, kind))
    return out


def _enrolments(ctx: SeedContext, programs: list[tuple[str, str, str | None, str]]) -> list[tuple[str, str, str]]:
    """(user, program, completed date) of each completed enrolment."""
    completed = []
    started = [p for p in programs if p[1] <= ctx.end.date().isoformat()] or programs
    for user in ctx.users:
        rnd = ctx.rnd("enrolment", user)
        for pid, start, end, _ in rnd.sample(started, min(len(started), rnd.randint(2, 5))):
            eid = ctx.next_id("Training_Enrollment__c")
            roll = rnd.random()
            status = "Dropped" if roll < 0.08 else "Completed" if end is not None else "Enrolled"
            score = round(rnd.uniform(55, 100), 1) if status == "Completed" else None
            enrolled = ctx.later(rnd, ctx.end - timedelta(days=730), ctx.end)
            enrolled = min(enrolled, ctx.end)
            ctx.add("Training_Enrollment__c", {
                "Id": eid, **ctx.audit(enrolled, ctx.later(rnd, enrolled), by=user),
                "Name": format_auto_number("TE-{00000}", record_number(eid) + 1),
                "Training_Program__c": pid, "User__c": user, "Status__c": status,
                "Enrolled_On__c": min(start, enrolled.date().isoformat()),
                "Completed_On__c": end if status == "Completed" else None, "Score__c": score,
            })
            if status == "Completed" and end is not None:
                completed.append((user, pid, end))
    return completed


def _assessments(ctx: SeedContext, completed: list[tuple[str, str, str]]) -> None:
    for n, (user, pid, end) in enumerate(completed):
        rnd = ctx.rnd("assessment", n)
        if rnd.random() >= 0.7:
            continue
        score = round(rnd.uniform(40, 100), 1)
        skill = rnd.choice(_SKILLS)
        aid = ctx.next_id("Assessment__c")
        taken = ctx.end.replace(year=int(end[:4]), month=int(end[5:7]), day=int(end[8:10]))
        ctx.add("Assessment__c", {
            "Id": aid, **ctx.audit(taken, ctx.later(rnd, taken), by=user, owner=user),
            "Name": f"{skill} assessment", "User__c": user, "Training_Program__c": pid, "Skill__c": skill,
            "Score__c": score, "Max_Score__c": 100.0, "Passed__c": score >= 70, "Taken_On__c": end,
        })


def _coaching(ctx: SeedContext) -> None:
    opps = ctx.store.tables["Opportunity"].columns
    open_by_owner: dict[str, list[str]] = {}
    for row in ctx.rows.get("Opportunity", []):
        if not row[opps["IsClosed"]]:
            open_by_owner.setdefault(row[opps["OwnerId"]], []).append(row[opps["Id"]])
    manager = ctx.users[0]
    for user in ctx.users:
        rnd = ctx.rnd("coaching", user)
        for month in range(6):
            if rnd.random() < 0.15:
                continue  # a month without a session
            held = ctx.later(rnd, ctx.end - timedelta(days=30 * (month + 1)), ctx.end - timedelta(days=30 * month))
            held = held.replace(minute=0, second=0, microsecond=0)
            coach = manager if user != manager and rnd.random() < 0.7 else rnd.choice(ctx.users)
            deals = open_by_owner.get(user, [])
            sid = ctx.next_id("Coaching_Session__c")
            ctx.add("Coaching_Session__c", {
                "Id": sid, **ctx.audit(held - timedelta(days=3), ctx.later(rnd, held), by=coach, owner=coach),
                "Name": format_auto_number("CS-{00000}", record_number(sid) + 1), "Coach__c": coach, "Rep__c": user,
                "Opportunity__c": rnd.choice(deals) if deals and rnd.random() < 0.6 else None,
                "Held_At__c": fmt_datetime(held), "Duration_Minutes__c": float(rnd.choice((30, 45, 60))),
                "Topic__c": rnd.choice(_TOPICS), "Rating__c": float(rnd.randint(2, 5)),
            })
