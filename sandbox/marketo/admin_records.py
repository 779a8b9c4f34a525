"""Admin helpers for single records: a lead's truth, values typed in as a person would, logging an activity."""

from __future__ import annotations

from typing import Any

from sandbox.marketo import activity_types as t
from sandbox.marketo import catalog
from sandbox.marketo.activity_model import Activity
from sandbox.marketo.fields import BY_NAME, FieldValueError, coerce
from sandbox.marketo.state import State
from sandbox.marketo.timefmt import iso

# Activities that only lead changes produce; the admin logs the others as a person's browser or inbox would.
DERIVED_TYPES = (t.NEW_LEAD, t.CHANGE_DATA_VALUE, t.CHANGE_SCORE, t.DELETE_LEAD)


class AdminError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def lead_changes(fields: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    """Typed values for a person's edit. Unlike the API, the UI lets a malformed email through (dirt)."""
    out: dict[str, Any] = {}
    for name, value in fields.items():
        field = BY_NAME.get(name)
        if field is None:
            raise AdminError(400, f"unknown lead field {name!r}")
        if field.read_only:
            raise AdminError(400, f"field {name!r} is read-only")
        if field.data_type == "email" and isinstance(value, str):
            out[name] = value or None
            continue
        try:
            out[name] = coerce(field, value)
        except FieldValueError as exc:
            raise AdminError(400, str(exc)) from exc
    if creating and not out:
        raise AdminError(400, "a new lead needs at least one field")
    return out


def truth_of_lead(state: State, lead_id: int) -> dict[str, Any]:
    lead = state.store.get(lead_id)
    gone = state.store.deleted.get(lead_id)
    if lead is not None:
        source = lead
    elif gone is not None:
        source = gone.lead
    else:
        raise AdminError(404, "no such lead")
    record = source.render_all()
    record["_sandbox"] = {
        "person_key": source.person_key, "deleted": gone is not None,
        "deleted_at": iso(gone.deleted_at) if gone else None, "purged": bool(gone and gone.purged),
        "modified_at": iso(source.modified), "duplicate": source.duplicate, "dirt": list(source.dirt),
    }
    return record


def create_activity(state: State, fields: dict[str, Any]) -> Activity:
    try:
        lead_id, type_id = int(fields["leadId"]), int(fields["activityTypeId"])
    except (KeyError, TypeError, ValueError) as exc:
        raise AdminError(400, "an activity needs integer 'leadId' and 'activityTypeId'") from exc
    if state.store.get(lead_id) is None:
        raise AdminError(404, "no such lead")
    if type_id not in t.TYPES_BY_ID or type_id in DERIVED_TYPES:
        raise AdminError(400, f"activity type {type_id} cannot be logged directly; allowed: "
                              f"{sorted(set(t.TYPES_BY_ID) - set(DERIVED_TYPES))}")
    primary_id = fields.get("primaryAttributeValueId")
    primary_value = fields.get("primaryAttributeValue")
    attributes = dict(fields.get("attributes") or {})
    if type_id == t.VISIT_WEBPAGE and isinstance(primary_value, str) and primary_value.startswith("/"):
        page = next((p for p in catalog.PAGES if p.path == primary_value), None)
        attributes.setdefault("Webpage URL", primary_value)
        primary_id = primary_id or (page.id if page else 1999)
        primary_value = f"{catalog.SITE}{primary_value}"
    if type_id == t.FILL_OUT_FORM and primary_id in catalog.FORM_BY_ID:
        form = catalog.FORM_BY_ID[primary_id]
        primary_value = primary_value or f"{form.program}.{form.name}"
    act = Activity(0, lead_id, state.now_ts(), type_id,
                   primary_id=int(primary_id) if primary_id is not None else None,
                   primary_value=str(primary_value) if primary_value is not None else None,
                   attributes=sorted(attributes.items()))
    return state.log.log(act)
