"""Programs and their members, seeded from the activity log so membership follows behaviour.

A form's program (``catalog.FORMS``) takes everyone who filled the form out; the Webinar Registration form signs a
person up for that quarter's webinar (an "Event with Webinar" program; some attend, the rest are no-shows); the
Newsletter engagement program holds newsletter sign-ups and everyone who clicked a newsletter. A membership shows
only while its lead lives: deleting a lead removes it from every program, as in Marketo. A program's ``updatedAt``
moves when the program itself is edited, never when its membership changes (Marketo's asset semantics).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np

from sandbox.marketo import activity_types as t
from sandbox.marketo import catalog as c
from sandbox.marketo.seeded_columns import SeededColumns
from sandbox.marketo.timefmt import iso
from sandbox.marketo.truth import stable_unit

DAY = 86_400
# channel -> (status name, success?) in progression order
CHANNELS: dict[str, tuple[tuple[str, bool], ...]] = {
    "Web Request": (("Member", False), ("Filled-out Form", True)),
    "Content": (("Member", False), ("Engaged", True)),
    "Webinar": (("Invited", False), ("Registered", False), ("No Show", False), ("Attended", True)),
    "Nurture": (("Member", False), ("Engaged", True)),
    "Email Send": (("Member", False), ("Sent", False), ("Clicked Link", True)),
}
FORM_PROGRAMS = {c.DEMO_FORM.id: 1101, c.CONTACT_FORM.id: 1102, c.WHITEPAPER_FORM.id: 1103,
                 c.NEWSLETTER_FORM.id: 1104}
NEWSLETTER_PROGRAM = 1104
WEBINAR_BASE = 1200  # + quarter index since the epoch


def asset_time(ts: int) -> str:
    """The Asset API's own datetime format: ``2017-01-06T21:06:42Z+0000`` (a ``Z`` AND an offset)."""
    return datetime.fromtimestamp(int(ts), UTC).strftime("%Y-%m-%dT%H:%M:%SZ+0000")


@dataclass(slots=True)
class Program:
    id: int
    name: str
    type: str
    channel: str
    status: str
    created: int
    updated: int
    description: str = ""
    folder: str = "Marketing Activities"

    def api(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "description": self.description,
                "createdAt": asset_time(self.created), "updatedAt": asset_time(self.updated),
                "url": f"https://app-sj01.marketo.com/#PG{self.id}A1", "type": self.type, "channel": self.channel,
                "folder": {"type": "Folder", "value": 40 + self.id % 7, "folderName": self.folder},
                "status": self.status, "workspace": "Default", "tags": [], "costs": []}


@dataclass(slots=True)
class Member:
    status: str
    success: bool
    joined: int
    updated: int
    success_at: int | None = None

    def api(self, program: Program, lead_id: int, names: list[str]) -> dict[str, Any]:
        values: dict[str, Any] = {
            "leadId": lead_id, "programId": program.id, "progressionStatus": self.status,
            "progressionStatusType": "Success" if self.success else "Standard", "reachedSuccess": self.success,
            "reachedSuccessDate": iso(self.success_at) if self.success_at else None,
            "membershipDate": iso(self.joined), "createdAt": iso(self.joined), "updatedAt": iso(self.updated),
            "acquiredBy": False, "isExhausted": False, "statusName": self.status,
            "nurtureCadence": "norm" if program.type == "Engagement" else None,
            "stream": "Monthly" if program.type == "Engagement" else None,
        }
        return {name: values[name] for name in names if values.get(name) is not None}


MEMBER_FIELDS = ("leadId", "programId", "progressionStatus", "progressionStatusType", "reachedSuccess",
                 "reachedSuccessDate", "membershipDate", "createdAt", "updatedAt", "acquiredBy", "isExhausted",
                 "statusName", "nurtureCadence", "stream")
DEFAULT_MEMBER_FIELDS = ("leadId", "reachedSuccess", "programId", "acquiredBy", "membershipDate",
                         "progressionStatus")
SEARCHABLE_MEMBER_FIELDS = ("leadId", "reachedSuccess", "statusName")


@dataclass
class Programs:
    programs: dict[int, Program] = field(default_factory=dict)
    members: dict[int, dict[int, Member]] = field(default_factory=dict)
    next_id: int = 1500

    def add_program(self, program: Program) -> Program:
        self.programs[program.id] = program
        self.members.setdefault(program.id, {})
        return program

    def join(self, program_id: int, lead_id: int, status: str, *, now: int) -> Member:
        """Add a lead or move it forward; a status never moves a member back down its progression."""
        program = self.programs[program_id]
        steps = [name for name, _ in CHANNELS[program.channel]]
        success = dict(CHANNELS[program.channel])[status]
        current = self.members[program_id].get(lead_id)
        if current is None:
            current = Member(status, success, now, now, now if success else None)
            self.members[program_id][lead_id] = current
        elif steps.index(status) > steps.index(current.status):
            current.status, current.updated = status, max(current.updated, now)
            if success and not current.success:
                current.success, current.success_at = True, max(current.joined, now)
        return current

    def program_for_form(self, form_id: int) -> int | None:
        if form_id == c.WEBINAR_FORM.id:
            webinars = [p for p in self.programs if WEBINAR_BASE <= p < WEBINAR_BASE + 100]
            return max(webinars, default=None)
        return FORM_PROGRAMS.get(form_id)

    def on_activity(self, lead_id: int, type_id: int, primary_id: int | None, now: int) -> None:
        """A person's new behaviour joins programs the way the seeded log did."""
        if type_id == t.FILL_OUT_FORM and primary_id is not None:
            program = self.program_for_form(primary_id)
            if program is not None and program in self.programs:
                status = "Registered" if self.programs[program].channel == "Webinar" else \
                    CHANNELS[self.programs[program].channel][-1][0]
                self.join(program, lead_id, status, now=now)
        elif type_id == t.CLICK_EMAIL and NEWSLETTER_PROGRAM in self.programs:
            self.join(NEWSLETTER_PROGRAM, lead_id, "Engaged", now=now)


def _quarter(ts: np.ndarray) -> np.ndarray:
    months = ts.astype("datetime64[s]").astype("datetime64[M]").astype(np.int64)
    return months // 3


def _quarter_start(q: int) -> int:
    return int(np.datetime64(int(q * 3), "M").astype("datetime64[s]").astype(np.int64))


def _first_by_lead(cols: SeededColumns, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(lead ids, date of their first matching row); rows are in date order, so the first index is the earliest."""
    rows = np.flatnonzero(mask)
    leads, first = np.unique(cols.lead[rows], return_index=True)
    return leads, cols.date[rows[first]]


def seed_programs(cols: SeededColumns, *, seed: int, log_end: int, epoch: int) -> Programs:
    out = Programs()
    forms = cols.type == t.FILL_OUT_FORM
    for form_id, program_id in FORM_PROGRAMS.items():
        form = c.FORM_BY_ID[form_id]
        kind, channel = ("Engagement", "Nurture") if program_id == NEWSLETTER_PROGRAM else \
            ("Default", "Content" if form_id == c.WHITEPAPER_FORM.id else "Web Request")
        status = "on" if kind == "Engagement" else ""
        out.add_program(Program(program_id, form.program, kind, channel, status, created=epoch - 90 * DAY,
                                updated=log_end - (program_id % 5 + 1) * 17 * DAY,
                                description=f"Everyone who filled out the {form.name}"))
        leads, dates = _first_by_lead(cols, forms & (cols.pav == form_id))
        success = CHANNELS[channel][-1][0]
        for lead, date in zip(leads.tolist(), dates.tolist(), strict=True):
            out.join(program_id, lead, "Member" if program_id == NEWSLETTER_PROGRAM else success, now=date)
    # Newsletter clickers become engaged members (after, or instead of, signing up).
    leads, dates = _first_by_lead(cols, cols.type == t.CLICK_EMAIL)
    for lead, date in zip(leads.tolist(), dates.tolist(), strict=True):
        out.join(NEWSLETTER_PROGRAM, lead, "Engaged", now=date)
    # Webinars: one program per quarter; registrants of that quarter, 45 % of them attend.
    webinar = forms & (cols.pav == c.WEBINAR_FORM.id)
    quarters = _quarter(cols.date[webinar])
    rows = np.flatnonzero(webinar)
    for q in sorted(set(quarters.tolist())):
        start = _quarter_start(q)
        year, month = divmod(q * 3, 12)
        program_id = WEBINAR_BASE + q - int(_quarter(np.array([epoch]))[0])
        out.add_program(Program(program_id, f"Webinar {1970 + year}-Q{month // 3 + 1}", "Event with Webinar",
                                "Webinar", "", created=start - 20 * DAY, updated=min(log_end, start + 95 * DAY),
                                description="Quarterly product webinar", folder="Events"))
        mine = rows[quarters == q]
        leads, first = np.unique(cols.lead[mine], return_index=True)
        event_day = min(log_end, start + 88 * DAY)
        for lead, date in zip(leads.tolist(), cols.date[mine[first]].tolist(), strict=True):
            out.join(program_id, lead, "Registered", now=date)
            if date < event_day:
                status = "Attended" if stable_unit(seed, "webinar", program_id, lead) < 0.45 else "No Show"
                out.join(program_id, lead, status, now=event_day)
    return out
