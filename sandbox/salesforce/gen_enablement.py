"""Seed the enablement objects: sales playbooks and the enablement platforms' monthly usage.

Proportions (document them when they change): a Sales_Playbook__c for about 70 % of (open stage, segment) pairs
(Enterprise, Commercial), an "All Segments" one for about half the stages, about 10 % of them still drafts and a
retired edition of last year for about a quarter; three enablement platforms adopted 24, 18 and 9 months ago, the second
retired four months ago, each with an Enablement_Platform_Usage__c per complete month in use (licences a little
above the number of reps, adoption rising over the first six months), loaded by the integration user.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sandbox.salesforce import picklists as pl
from sandbox.salesforce.derive_service import add_months
from sandbox.salesforce.seed_context import SeedContext

PLAYBOOK_SHARE, ALL_SEGMENTS_SHARE, DRAFT_SHARE, RETIRED_SHARE = 0.7, 0.5, 0.1, 0.25
_STEPS = {
    "Prospecting": ("Research the account's last two quarters of news", "Find three personas on the buying team",
                    "Send the industry-specific sequence", "Log every touch against the account"),
    "Qualification": ("Confirm pain, budget range and timeline", "Name the economic buyer",
                      "Agree the next meeting before hanging up"),
    "Needs Analysis": ("Run the discovery workshop", "Map the current process and its cost",
                       "Write the success criteria with the champion"),
    "Value Proposition": ("Tailor the demo to the success criteria", "Share two references of the same size",
                          "Send the value summary within 24 hours"),
    "Id. Decision Makers": ("Build the stakeholder map", "Meet the economic buyer",
                            "Agree the evaluation plan and its dates"),
    "Perception Analysis": ("Ask each stakeholder how they see the options", "Handle the top three objections",
                            "Confirm the champion still backs us"),
    "Proposal/Price Quote": ("Build the quote from the standard price book", "Get discount approval above 15 %",
                             "Walk the buyer through the proposal live"),
    "Negotiation/Review": ("Agree the mutual close plan", "Bring legal in early with the standard terms",
                           "Trade every concession for a commitment"),
}
_PLATFORMS = (("Lumen Coach", "Lumen Learning Inc.", 24, None, 25.0),
              ("Harbor Content Hub", "Harbor Software Ltd", 18, 4, 40.0),
              ("Summit Call Insights", "Summit Analytics", 9, None, 8.0))


def seed_enablement(ctx: SeedContext) -> None:
    _playbooks(ctx)
    _platform_usage(ctx)


def _playbooks(ctx: SeedContext) -> None:
    for stage in pl.OPEN_STAGES:
        for segment in ("Enterprise", "Commercial", "All Segments"):
            rnd = ctx.rnd("playbook", stage.name, segment)
            if rnd.random() >= (ALL_SEGMENTS_SHARE if segment == "All Segments" else PLAYBOOK_SHARE):
                continue
            if rnd.random() < RETIRED_SHARE:
                _playbook(ctx, stage.name, segment, edition=ctx.end.year - 1, status="Retired")
            _playbook(ctx, stage.name, segment, edition=ctx.end.year,
                      status="Draft" if rnd.random() < DRAFT_SHARE else "Published")


def _playbook(ctx: SeedContext, stage: str, segment: str, *, edition: int, status: str) -> None:
    rnd = ctx.rnd("playbook", stage, segment, edition)
    owner = ctx.users[0] if rnd.random() < 0.6 else rnd.choice(ctx.users)
    created = ctx.later(rnd, ctx.end - timedelta(days=365 * (ctx.end.year - edition) + 300),
                        ctx.end - timedelta(days=365 * (ctx.end.year - edition) + 30))
    steps = _STEPS[stage]
    slug = f"{segment}-{stage}".lower().replace(" ", "-").replace("/", "-").replace(".", "")
    ctx.add("Sales_Playbook__c", {
        "Id": ctx.next_id("Sales_Playbook__c"), **ctx.audit(created, ctx.later(rnd, created), by=owner, owner=owner),
        "Name": f"{segment} · {stage}" + (f" ({edition} edition)" if status == "Retired" else ""),
        "Stage__c": stage, "Segment__c": segment, "Status__c": status,
        "Steps__c": "\n".join(f"{n}. {step}" for n, step in enumerate(steps, start=1)),
        "Content_Link__c": f"https://enablement.crmhub-sandbox.example/playbooks/{slug}-{edition}",
    })


def _platform_usage(ctx: SeedContext) -> None:
    this_month = date(ctx.end.year, ctx.end.month, 1)
    admin = ctx.store.integration_user_id
    reps = len(ctx.users)
    for name, vendor, adopted, retired, views_per_user in _PLATFORMS:
        rnd = ctx.rnd("enablement-platform", name)
        licensed = float(-(-int(reps * 1.1 + 2) // 5) * 5)  # bought in packs of five, a few spare
        last = add_months(this_month, -(retired or 0))
        for age in range(adopted):
            month = add_months(this_month, age - adopted)
            if month >= last:
                break
            adoption = min(0.92, 0.35 + 0.1 * age) * rnd.uniform(0.9, 1.05)
            active = float(min(licensed, max(1, round(reps * adoption))))
            loaded = datetime.combine(add_months(month, 1), datetime.min.time(), tzinfo=UTC) + timedelta(
                hours=rnd.randint(2, 60))
            loaded = min(loaded, ctx.end)
            ctx.add("Enablement_Platform_Usage__c", {
                "Id": ctx.next_id("Enablement_Platform_Usage__c"), **ctx.audit(loaded, loaded, by=admin, owner=admin),
                "Name": name, "Vendor__c": vendor, "Period_Start__c": month.isoformat(),
                "Licensed_Users__c": licensed, "Active_Users__c": active,
                "Logins__c": float(round(active * rnd.uniform(8, 25))),
                "Content_Views__c": float(round(active * views_per_user * rnd.uniform(0.6, 1.4))),
            })
