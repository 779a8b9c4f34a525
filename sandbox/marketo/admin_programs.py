"""Admin for programs, program members and the company rollup: ground truth, and a marketer's edits in the UI.

Marketo keeps no company record: a lead carries its company's fields. ``companies`` truth is the rollup a
per-company view must match: one entry per distinct company key among LIVE leads, the key being the company name
trimmed, inner whitespace collapsed and case-folded (leads with no company name belong to no company).
"""

from __future__ import annotations

from typing import Any

from sandbox.marketo.admin_records import AdminError
from sandbox.marketo.programs import CHANNELS, MEMBER_FIELDS, Program
from sandbox.marketo.state import State

PROGRAM_TYPES = {"Default": "", "Event": "", "Event with Webinar": "", "Email": "unlocked", "Engagement": "on"}
EDITABLE = ("name", "description", "status")


def company_key(name: str | None) -> str | None:
    if not name or not name.strip():
        return None
    return " ".join(name.split()).casefold()


def truth(state: State, name: str, *, with_ids: bool) -> dict[str, Any]:
    if name == "programs":
        ids = [str(i) for i in sorted(state.programs.programs)]
    elif name == "program_members":
        live = state.store.live
        ids = sorted(f"{pid}:{lead}" for pid, members in state.programs.members.items() for lead in members
                     if lead in live)
    else:
        ids = sorted({key for lead in state.store.live.values() if (key := company_key(lead.get("company")))})
    out: dict[str, Any] = {"object": name, "count": len(ids), "deleted_count": 0}
    if with_ids:
        out["ids"], out["deleted_ids"] = ids, []
    return out


def truth_record(state: State, name: str, record_id: str) -> dict[str, Any]:
    if name == "programs":
        program = state.programs.programs.get(_int(record_id))
        if program is None:
            raise AdminError(404, "no such program")
        return program.api()
    if name == "companies":
        raise AdminError(404, "companies are a rollup of live leads: see GET /_admin/truth/companies?ids=true")
    program_id, lead_id = _member_key(record_id)
    member = state.programs.members.get(program_id, {}).get(lead_id)
    if member is None or lead_id not in state.store.live:
        raise AdminError(404, "no such program member")
    return member.api(state.programs.programs[program_id], lead_id, list(MEMBER_FIELDS))


def create(state: State, name: str, fields: dict[str, Any]) -> dict[str, Any]:
    now = state.now_ts()
    if name == "programs":
        kind = str(fields.get("type", "Default"))
        channel = str(fields.get("channel", "Content"))
        if kind not in PROGRAM_TYPES or channel not in CHANNELS:
            raise AdminError(400, f"type must be one of {sorted(PROGRAM_TYPES)}, channel one of {sorted(CHANNELS)}")
        if not fields.get("name"):
            raise AdminError(400, "a program needs a 'name'")
        created = Program(state.programs.next_id, str(fields["name"]), kind, channel, PROGRAM_TYPES[kind],
                          created=now, updated=now, description=str(fields.get("description", "")))
        state.programs.next_id += 1
        return state.programs.add_program(created).api()
    program_id, lead_id = _int(fields.get("programId")), _int(fields.get("leadId"))
    program = state.programs.programs.get(program_id)
    if program is None or lead_id not in state.store.live:
        raise AdminError(404, "no such program or live lead")
    status = str(fields.get("progressionStatus") or CHANNELS[program.channel][0][0])
    if status not in dict(CHANNELS[program.channel]):
        raise AdminError(400, f"status {status!r} is not in the {program.channel} channel: "
                              f"{[s for s, _ in CHANNELS[program.channel]]}")
    state.programs.join(program_id, lead_id, status, now=now)
    return truth_record(state, "program_members", f"{program_id}:{lead_id}")


def edit(state: State, name: str, record_id: str, fields: dict[str, Any]) -> dict[str, Any]:
    if name != "programs":
        raise AdminError(405, "a member's status moves by adding it again with a later status")
    program = state.programs.programs.get(_int(record_id))
    if program is None:
        raise AdminError(404, "no such program")
    bad = sorted(set(fields) - set(EDITABLE))
    if bad:
        raise AdminError(400, f"program fields {bad} cannot be edited; editable: {list(EDITABLE)}")
    for key, value in fields.items():
        setattr(program, key, str(value))
    program.updated = state.now_ts()
    return program.api()


def delete(state: State, name: str, record_id: str) -> dict[str, Any]:
    if name == "programs":
        program_id = _int(record_id)
        if state.programs.programs.pop(program_id, None) is None:
            raise AdminError(404, "no such program")
        state.programs.members.pop(program_id, None)
    else:
        program_id, lead_id = _member_key(record_id)
        if state.programs.members.get(program_id, {}).pop(lead_id, None) is None:
            raise AdminError(404, "no such program member")
    return {"id": record_id, "deleted": True}


def _int(raw: Any) -> int:
    try:
        return int(raw)
    except (TypeError, ValueError) as exc:
        raise AdminError(400, f"expected an integer id, got {raw!r}") from exc


def _member_key(record_id: str) -> tuple[int, int]:
    program, _, lead = record_id.partition(":")
    return _int(program), _int(lead)
