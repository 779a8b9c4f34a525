"""Changing leads the way Marketo does: every create, change and delete leaves its activity in the log.

A new lead logs New Lead (12); a changed field logs Change Data Value (13), or Change Score (22) for the score; a
deletion logs Delete Lead (37) and takes the lead's other activities with it. The API and the admin surface
(acting as a person in the Marketo UI) both go through here, with different sources.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sandbox.marketo import activity_types as t
from sandbox.marketo.activity_log import ActivityLog
from sandbox.marketo.activity_model import Activity, FieldChange
from sandbox.marketo.fields import BY_NAME
from sandbox.marketo.lead_model import Lead
from sandbox.marketo.store import LeadStore
from sandbox.marketo.timefmt import iso


@dataclass(frozen=True, slots=True)
class Source:
    """Who made a change, as Marketo records it in the activity's attributes."""

    new_lead: str      # New Lead "Source Type"
    reason: str        # Change Data Value "Reason"
    source: str        # Change Data Value "Source"
    api_method: str | None = None


API = Source("Web service API", "Web service API", "Web service API", "syncLead")
PERSON = Source("New person", "Changed by user", "Person Details Page")
MASS_UPDATE = Source("List import", "Mass update: change data value", "Marketo Flow Action")


class Mutations:
    def __init__(self, *, store: LeadStore, log: ActivityLog,
                 on_delete: Callable[[Lead, int], None] = lambda lead, now: None) -> None:
        self.store = store
        self.log = log
        self.on_delete = on_delete  # what goes with a deleted lead (its linked custom object records)
        # Updates per lead through the REST API (not a person's or a mass update): proves a write applied once.
        self.saves: dict[int, int] = {}

    def create(self, values: dict[str, Any], *, now: int, source: Source, person_key: int | None = None) -> Lead:
        lead = self.store.create(values, now=now, person_key=person_key)
        attributes: list[tuple[str, Any]] = [("Source Type", source.new_lead)]
        if source.api_method:
            attributes.append(("API Method Name", source.api_method))
        if lead.get("leadSource"):
            attributes.append(("Lead Source", lead.get("leadSource")))
        self.log.log(Activity(0, lead.id, now, t.NEW_LEAD, attributes=attributes))
        return lead

    def update(self, lead: Lead, changes: dict[str, Any], *, now: int, source: Source,
               force: bool = False) -> list[FieldChange]:
        done = self.store.update(lead, changes, now=now, force=force)
        if source == API:
            self.saves[lead.id] = self.saves.get(lead.id, 0) + 1
        for change in done:
            self.log.log(self._change_activity(lead.id, change, now, source))
        return done

    def delete(self, lead_id: int, *, now: int, purge: bool = False) -> bool:
        lead = self.store.delete(lead_id, now=now, purged=purge)
        if lead is None:
            return False
        self.log.hide_lead(lead_id)
        self.on_delete(lead, now)
        name = " ".join(p for p in (lead.get("firstName"), lead.get("lastName")) if p)
        act = self.log.log(Activity(0, lead_id, now, t.DELETE_LEAD, primary_id=lead_id, primary_value=name))
        if purge:
            # A purged deletion is one whose trace has aged out: only the lead's absence still shows it.
            self.log.suppressed.add(act.id)
        return True

    @staticmethod
    def _change_activity(lead_id: int, change: FieldChange, now: int, source: Source) -> Activity:
        field = BY_NAME[change.name]
        if change.name == "leadScore":
            old, new = change.old or 0, change.new or 0
            return Activity(0, lead_id, now, t.CHANGE_SCORE, primary_id=field.id, primary_value=field.display,
                            attributes=[("Change Value", f"{new - old:+d}"), ("New Value", new), ("Old Value", old),
                                        ("Reason", source.reason)])
        attributes: list[tuple[str, Any]] = [("New Value", _text(field.data_type, change.new)),
                                             ("Old Value", _text(field.data_type, change.old)),
                                             ("Reason", source.reason), ("Source", source.source)]
        if source.api_method:
            attributes.append(("API Method Name", source.api_method))
        return Activity(0, lead_id, now, t.CHANGE_DATA_VALUE, primary_id=field.id, primary_value=field.display,
                        attributes=attributes,
                        change=FieldChange(field.id, change.name, _text(field.data_type, change.new),
                                           _text(field.data_type, change.old)))


def _text(data_type: str, value: Any) -> Any:
    """Change Data Value shows values as the UI does: datetimes rendered, the rest as stored."""
    if value is None:
        return None
    if data_type == "datetime":
        return iso(value)
    return value
