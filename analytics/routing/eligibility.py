"""Who may take a lead now: territory, product skill, language, working hours and absences, capacity."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from analytics.routing.spec import DAYS, Member, Pool


def field_value(lead: Mapping[str, Any], name: str) -> str | None:
    """A lead column, or ``custom.<key>`` from its custom fields; folded for case-insensitive matching."""
    if name.startswith("custom."):
        custom = lead.get("custom") or {}
        value = custom.get(name.removeprefix("custom.")) if isinstance(custom, Mapping) else None
    else:
        value = lead.get(name)
    if value is None or value == "":
        return None
    return str(value).casefold()


def routing_fields(lead: Mapping[str, Any], pool: Pool) -> dict[str, str | None]:
    """The lead's values that routing in ``pool`` reads: what a decision stores so it can be replayed."""
    return {"territory": field_value(lead, pool.territory_field), "skill": field_value(lead, pool.skill_field),
            "language": field_value(lead, pool.language_field), "segment": field_value(lead, pool.segment_field)}


def available(member: Member, now: datetime) -> str | None:
    """Why ``member`` is not working at ``now`` (UTC-aware), or None when they are."""
    local = now.astimezone(ZoneInfo(member.timezone))
    for absence in member.out_of_office:
        if absence.start <= local.date() <= absence.end:
            return f"out of office {absence.start}..{absence.end}"
    if member.hours is None:
        return None
    if DAYS[local.weekday()] not in member.days:
        return f"not a working day ({DAYS[local.weekday()]} in {member.timezone})"
    start, end = member.hours
    if not start <= local.time().replace(tzinfo=None) < end:
        return f"outside working hours {start:%H:%M}-{end:%H:%M} {member.timezone}"
    return None


def ineligible(member: Member, fields: Mapping[str, str | None], *, available_now: str | None,
               load: int | None) -> str | None:
    """Why ``member`` may not take a lead with these routing ``fields``, or None when they may; ``load`` None
    leaves the cap out (batch routing enforces it across the whole batch instead)."""
    for kind, allowed in (("territory", member.territories), ("skill", member.skills),
                          ("language", member.languages)):
        if allowed and fields[kind] not in allowed:
            return f"{kind} {fields[kind]!r} not in {sorted(allowed)}"
    if available_now is not None:
        return available_now
    if member.cap is not None and load is not None and load >= member.cap:
        return f"at cap ({load}/{member.cap} open leads)"
    return None
