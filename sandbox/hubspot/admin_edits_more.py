"""A person's edits and new records for the objects added after the first ones (tickets, quotes, goal targets,
survey responses) and for any custom object, driven by its schema: what ``/_admin/random_edits`` does to them."""

from __future__ import annotations

import random
from typing import Any

from sandbox.hubspot import enums
from sandbox.hubspot.records import Rec
from sandbox.hubspot.schema import ObjectSchema, PropertyDef
from sandbox.hubspot.store import Store
from sandbox.hubspot.timefmt import DAY_MS, iso, iso_date

_TICKET_FLOW = {"1": ("2", "3"), "2": ("3", "4"), "3": ("4",)}


def edit_more(store: Store, otype: str, rec: Rec, rnd: random.Random) -> dict[str, str]:
    schema = store.schemas[otype]
    if otype == "tickets":
        stage = rec.get(schema.columns["hs_pipeline_stage"]) or "1"
        if stage in _TICKET_FLOW and rnd.random() < 0.6:
            nxt = rnd.choice(_TICKET_FLOW[stage])
            return {"hs_pipeline_stage": nxt, **({"closed_date": iso(store.now_ms())} if nxt == "4" else {})}
        return {"hs_ticket_priority": rnd.choice(enums.TICKET_PRIORITIES)}
    if otype == "quotes":
        return {"hs_status": rnd.choice(enums.QUOTE_STATUSES)}
    if otype == "goal_targets":
        amount = float(rec.get(schema.columns["hs_target_amount"]) or 50_000)
        return {"hs_target_amount": f"{round(amount * rnd.uniform(0.9, 1.2) / 1000) * 1000:.0f}"}
    if otype == "feedback_submissions":
        return {"hs_content": rnd.choice(("Updated after a follow-up call.", "Much better since the fix."))}
    return _custom_edit(schema, rec, rnd)


def _custom_edit(schema: ObjectSchema, rec: Rec, rnd: random.Random) -> dict[str, str]:
    """Another option of a custom enumeration, else a revised text: what a person changes on a custom record."""
    props = [p for p in schema.props.values() if not p.hubspot_defined and p.kind == "column" and not p.read_only]
    enums_ = [p for p in props if p.type == "enumeration" and len(p.options) > 1]
    if enums_:
        prop = rnd.choice(enums_)
        current = rec.get(schema.columns[prop.name])
        return {prop.name: rnd.choice([o.value for o in prop.options if o.value != current])}
    texts = [p for p in props if p.type == "string"]
    if not texts:
        raise ValueError(f"{schema.name} has no custom property a person could edit")
    prop = rnd.choice(texts)
    return {prop.name: f"{rec.get(schema.columns[prop.name]) or prop.label} (revised {rnd.randrange(1000)})"}


def create_more(store: Store, otype: str, rnd: random.Random) -> Rec:
    """A new record as a person makes one, associated with random live records of what its type links to."""
    schema = store.schemas[otype]
    now = store.now_ms()
    if otype == "tickets":
        props: dict[str, Any] = {"subject": f"New ticket {rnd.randrange(10_000)}", "hs_pipeline": "0",
                                 "hs_pipeline_stage": "1", "hs_ticket_priority": rnd.choice(enums.TICKET_PRIORITIES)}
    elif otype == "quotes":
        props = {"hs_title": f"New quote {rnd.randrange(10_000)}", "hs_status": "DRAFT",
                 "hs_expiration_date": iso_date(now - now % DAY_MS + 30 * DAY_MS)}
    else:
        props = {p.name: _value(p, rnd) for p in schema.props.values() if p.name in schema.required}
    assoc = []
    for target in schema.link_targets:
        live = store.tables[target].live
        if live:
            to_id = live[rnd.randrange(len(live))]
            assoc.append({"to": {"id": str(to_id)}, "types": [{"associationCategory": "HUBSPOT_DEFINED",
                                                                "associationTypeId":
                                                                    store.assoc.types.plain[otype, target]}]})
    return store.create(otype, props, associations=assoc)


def _value(prop: PropertyDef, rnd: random.Random) -> str:
    if prop.options:
        return rnd.choice(prop.options).value
    if prop.type == "number":
        return str(rnd.randrange(1, 100_000))
    return f"New {prop.label.lower()} {rnd.randrange(10_000)}"
