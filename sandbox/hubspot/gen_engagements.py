"""Seeded engagements (calls, emails, meetings, notes, tasks): a few per contact over the two years before the data
ends, more for engaged people. Texts come from small shared pools, so two million of them stay cheap in memory."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import TypeVar

from sandbox.hubspot import enums
from sandbox.hubspot.timefmt import DAY_MS, iso

KINDS = ("emails", "calls", "notes", "tasks", "meetings")
KIND_WEIGHTS = (35, 20, 20, 15, 10)
CALL_TITLES = ("Discovery call", "Follow-up call", "Demo walkthrough", "Pricing discussion", "Check-in call",
               "Renewal call")
CALL_BODIES = ("<p>Discussed current tooling and pain points.</p>", "<p>Left a voicemail.</p>",
               "<p>Walked through the reporting module; asked for a trial.</p>",
               "<p>Budget approved for next quarter.</p>", "<p>Not the right time, call back later.</p>")
EMAIL_SUBJECTS = ("Following up on our conversation", "Your trial", "Proposal attached", "Quick question",
                  "Re: pricing", "Meeting recap", "Introduction")
MEETING_TITLES = ("Product demo", "Kick-off meeting", "Quarterly business review", "Technical deep dive",
                  "Contract review")
NOTE_BODIES = ("Interested in the enterprise tier.", "Prefers email over calls.", "Evaluating two competitors.",
               "Champion left the company.", "Asked for security documentation.")
TASK_SUBJECTS = ("Send proposal", "Follow up after demo", "Call back next week", "Prepare QBR deck",
                 "Update contact details")


T = TypeVar("T")


def pick(rnd: random.Random, seq: tuple[T, ...]) -> T:
    """``rnd.choice`` without its rejection sampling: a third of the cost, which matters for millions of picks."""
    return seq[int(rnd.random() * len(seq))]


@dataclass(slots=True)
class Engagement:
    kind: str
    created: int
    modified: int
    props: dict[str, str | None]
    contact: int
    company: int
    deal: int


def engagement_count(rnd: random.Random, engagement: float, mean: float) -> int:
    """Around ``mean`` per contact, scaled by how engaged the person is (the population mean is ~0.3)."""
    return min(12, int(rnd.expovariate(1.0) * mean * (0.4 + 2.0 * engagement)))


def make_engagement(rnd: random.Random, *, start: int, end: int, owner: str, contact: int, company: int,
                    deal: int) -> Engagement:
    kind = rnd.choices(KINDS, KIND_WEIGHTS)[0]
    ts = start + int(rnd.random() * max(1, end - start))
    created = max(start, ts - rnd.randrange(DAY_MS // 2)) if kind in ("tasks", "meetings") else ts
    modified = ts + rnd.randrange(3 * DAY_MS) if kind in ("tasks", "meetings") else ts
    if modified > end:  # no pile-up of records at the very end of the data
        modified = ts
    props: dict[str, str | None] = {"hs_timestamp": iso(ts), "hubspot_owner_id": owner}
    if kind == "calls":
        props.update(hs_call_title=pick(rnd, CALL_TITLES), hs_call_body=pick(rnd, CALL_BODIES),
                     hs_call_direction=pick(rnd, enums.CALL_DIRECTIONS),
                     hs_call_duration=str(rnd.randrange(20_000, 2_400_000)),
                     hs_call_status=pick(rnd, ("COMPLETED",) * 4 + ("NO_ANSWER", "BUSY")))
    elif kind == "emails":
        props.update(hs_email_subject=pick(rnd, EMAIL_SUBJECTS),
                     hs_email_direction=pick(rnd, ("EMAIL", "EMAIL", "INCOMING_EMAIL", "FORWARDED_EMAIL")))
    elif kind == "meetings":
        props.update(hs_meeting_title=pick(rnd, MEETING_TITLES), hs_meeting_start_time=iso(ts),
                     hs_meeting_end_time=iso(ts + pick(rnd, (30, 45, 60)) * 60_000),
                     hs_meeting_outcome=pick(rnd, ("COMPLETED", "COMPLETED", "SCHEDULED", "NO_SHOW",
                                                    "RESCHEDULED", "CANCELED")))
    elif kind == "notes":
        props.update(hs_note_body=pick(rnd, NOTE_BODIES))
    else:
        props.update(hs_task_subject=pick(rnd, TASK_SUBJECTS),
                     hs_task_status=pick(rnd, ("COMPLETED", "COMPLETED", "NOT_STARTED", "IN_PROGRESS", "WAITING")),
                     hs_task_priority=pick(rnd, enums.TASK_PRIORITIES), hs_task_type=pick(rnd, enums.TASK_TYPES))
    return Engagement(kind, created, max(created, modified), props, contact, company, deal)
