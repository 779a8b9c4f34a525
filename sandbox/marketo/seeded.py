"""Turn one row of the seeded activity columns into a full ``Activity``.

Seeded activities are stored as six numbers (date, lead, type, primary id, variant, campaign) so a million-person
log fits in memory; their attributes are derived here, deterministically, when an activity is read.
"""

from __future__ import annotations

from typing import Any, Protocol

from sandbox.marketo import activity_types as t
from sandbox.marketo import catalog as c
from sandbox.marketo.activity_model import Activity, FieldChange
from sandbox.marketo.fields import BY_NAME
from sandbox.marketo.timefmt import iso

_SCORE_FIELD = BY_NAME["leadScore"]


class LeadContacts(Protocol):
    def contact_of(self, lead_id: int) -> tuple[str | None, str | None, str | None] | None:
        """(firstName, lastName, email) of a live or deleted lead."""


def php_serialize(values: dict[str, str]) -> str:
    """Marketo stores submitted form fields PHP-serialized, and its API hands them out that way."""
    parts = []
    for key, value in values.items():
        parts.append(f's:{len(key.encode())}:"{key}";s:{len(value.encode())}:"{value}";')
    return f"a:{len(values)}:{{{''.join(parts)}}}"


def _web(lead_id: int, variant: int) -> list[tuple[str, Any]]:
    return [
        ("Client IP Address", c.client_ip(lead_id, variant)),
        ("Query Parameters", c.QUERIES[(variant // 53) % len(c.QUERIES)]),
        ("Referrer URL", c.REFERRERS[(variant // 7) % len(c.REFERRERS)]),
        ("User Agent", c.USER_AGENTS[variant % len(c.USER_AGENTS)]),
    ]


def _email(month: int) -> list[tuple[str, Any]]:
    return [("Campaign Run ID", str(10_000 + month)), ("Choice Number", 0), ("Step ID", 1)]


def decode(aid: int, lead_id: int, date: int, type_id: int, pav: int, variant: int,
           contacts: LeadContacts) -> Activity:
    act = Activity(id=aid, lead_id=lead_id, date=date, type_id=type_id)
    if type_id == t.VISIT_WEBPAGE:
        page = c.PAGE_BY_ID[pav]
        act.primary_id, act.primary_value = pav, f"{c.SITE}{page.path}"
        act.attributes = [*_web(lead_id, variant), ("Webpage URL", page.path)]
    elif type_id == t.FILL_OUT_FORM:
        form = c.FORM_BY_ID[pav]
        first, last, email = contacts.contact_of(lead_id) or (None, None, None)
        submitted = {"FirstName": first or "", "LastName": last or "", "Email": (email or "").strip()}
        act.primary_id, act.primary_value = pav, f"{form.program}.{form.name}"
        act.attributes = [*_web(lead_id, variant), ("Form Fields", php_serialize(submitted)),
                          ("Webpage ID", form.page_id)]
    elif type_id == t.CLICK_LINK:
        link = c.LINK_BY_ID[pav]
        act.primary_id, act.primary_value = pav, link.url
        act.attributes = [*_web(lead_id, variant), ("Webpage ID", 1009)]
    elif type_id in t.EMAIL_TYPES:
        _decode_email(act, pav, variant)
    elif type_id == t.NEW_LEAD:
        source = c.NEW_LEAD_SOURCES[variant % len(c.NEW_LEAD_SOURCES)]
        act.attributes = [("Source Type", source)]
        if source == "Web form fillout":
            act.attributes.append(("Form Name", f"{c.NEWSLETTER_FORM.program}.{c.NEWSLETTER_FORM.name}"))
        if source == "Salesforce.com":
            act.attributes.append(("SFDC Type", "Lead"))
    elif type_id == t.CHANGE_DATA_VALUE:
        name, old, new = c.TRANSITIONS[variant]
        lead_field = BY_NAME[name]
        act.primary_id, act.primary_value = lead_field.id, lead_field.display
        act.change = FieldChange(lead_field.id, name, new, old)
        act.attributes = [("New Value", new), ("Old Value", old),
                          ("Reason", "Changed by Smart Campaign Lead Lifecycle.Update Status action Change Data "
                                     "Value"), ("Source", "Marketo Flow Action")]
    elif type_id == t.CHANGE_SCORE:
        reason, delta = c.SCORE_RULES[variant & 31]
        score = variant >> 5
        act.primary_id, act.primary_value = _SCORE_FIELD.id, _SCORE_FIELD.display
        act.attributes = [("Change Value", f"+{delta}"), ("New Value", score), ("Old Value", score - delta),
                          ("Reason", reason)]
    elif type_id == t.DELETE_LEAD:
        first, last, _ = contacts.contact_of(lead_id) or (None, None, None)
        act.primary_id, act.primary_value = lead_id, " ".join(p for p in (first, last) if p)
    elif type_id == t.INTERESTING_MOMENT:
        act.primary_id, act.primary_value = 6000 + variant, c.MOMENT_SOURCES[variant]
        act.attributes = [("Description", c.MOMENTS[variant]), ("Source", c.MOMENT_SOURCES[variant]),
                          ("Date", iso(date))]
    return act


def _decode_email(act: Activity, pav: int, variant: int) -> None:
    month = pav - c.MAILING_BASE
    act.primary_id, act.primary_value = pav, c.mailing_name(month)
    act.campaign_id = c.CAMPAIGN_BASE + month
    attrs = _email(month)
    device, platform, mobile = c.DEVICES[(variant >> 4) % len(c.DEVICES)]
    if act.type_id == t.EMAIL_BOUNCED:
        category, sub, details = c.BOUNCES[(variant >> 4) % len(c.BOUNCES)]
        attrs += [("Category", category), ("Details", details), ("Subcategory", sub)]
    elif act.type_id == t.OPEN_EMAIL:
        attrs += [("Device", device), ("Is Mobile Device", mobile), ("Platform", platform),
                  ("User Agent", c.USER_AGENTS[(variant >> 4) % len(c.USER_AGENTS)])]
    elif act.type_id == t.CLICK_EMAIL:
        link = c.LINKS[variant & 0xF]
        attrs += [("Device", device), ("Is Mobile Device", mobile), ("Link", link.url), ("Platform", platform),
                  ("User Agent", c.USER_AGENTS[(variant >> 4) % len(c.USER_AGENTS)])]
    elif act.type_id == t.UNSUBSCRIBE_EMAIL:
        attrs = [("Campaign Run ID", str(10_000 + month)), ("Client IP Address", c.client_ip(act.lead_id, variant)),
                 ("Webform ID", 2099), ("Webpage ID", 1099)]
    act.attributes = attrs
