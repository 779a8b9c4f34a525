"""Journeys from the canonical store: touches stitched person -> account -> opportunity.

A person is an identity cluster where identity resolution placed the lead or contact in one, else the contact (a lead
converted into a contact is that contact). An opportunity's journey holds the touches of its people (contact roles,
its contact, the lead converted into it), of every person of its account, of the account itself and of the
opportunity, inside the window: before its creation (pipeline) or before the end of its close date (revenue; only
closed opportunities, won ones converting). Accounts and people with touches and no opportunity are non-converting
journeys: the Markov model needs them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Connection, and_, select

from analytics.attribution.journey import Journey, Touch
from store.tables import (
    activity,
    campaign_member,
    contact,
    identity_member,
    lead,
    opportunity,
    opportunity_contact_role,
)

WINDOWS: tuple[str, ...] = ("pipeline", "revenue")
CHANNEL_BY: tuple[str, ...] = ("kind", "campaign")
TOUCH_KINDS: tuple[str, ...] = ("web_visit", "form_fill", "email_click", "meeting", "call")


@dataclass(frozen=True, slots=True)
class JourneyOptions:
    window: str = "pipeline"
    channel_by: str = "kind"  # kind: the activity type; campaign: the campaign's type where the touch has one
    kinds: tuple[str, ...] = TOUCH_KINDS
    lookback_days: int = 365

    def __post_init__(self) -> None:
        if self.window not in WINDOWS:
            raise ValueError(f"attribution window must be one of {', '.join(WINDOWS)}, not {self.window!r}")
        if self.channel_by not in CHANNEL_BY:
            raise ValueError(f"channel_by must be one of {', '.join(CHANNEL_BY)}, not {self.channel_by!r}")
        if self.lookback_days <= 0:
            raise ValueError(f"lookback_days must be > 0, not {self.lookback_days}")


@dataclass(slots=True)
class _People:
    """Who is who: person keys of leads and contacts, their accounts, opportunities and first appearance."""

    of_contact: dict[str, str]
    of_lead: dict[str, str]
    accounts: dict[str, set[str]]
    opportunities: dict[str, set[str]]
    created: dict[str, datetime]
    source: dict[str, str | None]


def load_journeys(conn: Connection, options: JourneyOptions, campaign_types: dict[str, str | None]) -> list[Journey]:
    """Every converting and non-converting journey in the store under ``options``."""
    people = _people(conn)
    by_person, by_account, by_opp = _touches(conn, options, people, campaign_types)
    account_people: dict[str, set[str]] = defaultdict(set)
    for person, accounts in people.accounts.items():
        for account_id in accounts:
            account_people[account_id].add(person)
    opp_people: dict[str, set[str]] = defaultdict(set)
    for person, opps in people.opportunities.items():
        for opp_id in opps:
            opp_people[opp_id].add(person)
    journeys: list[Journey] = []
    linked_accounts: set[str] = set()
    linked_people: set[str] = set()
    for opp in conn.execute(select(opportunity.c.id, opportunity.c.account_id, opportunity.c.contact_id,
                                   opportunity.c.amount, opportunity.c.created_at, opportunity.c.close_date,
                                   opportunity.c.is_closed, opportunity.c.is_won)
                            .where(opportunity.c.deleted_at.is_(None)).order_by(opportunity.c.id)):
        who = set(opp_people[opp.id]) | (account_people[opp.account_id] if opp.account_id else set())
        linked_people |= who
        if opp.account_id:
            linked_accounts.add(opp.account_id)
        cutoff, converted = _cutoff(opp, options.window)
        if cutoff is None:
            continue
        touches = _merge([*(t for p in who for t in by_person[p]), *by_account.get(opp.account_id or "", ()),
                          *by_opp[opp.id]], cutoff - timedelta(days=options.lookback_days), cutoff)
        if touches:
            born = min((people.created[p] for p in who if p in people.created), default=None)
            opened = _last_at_or_before(touches, opp.created_at)
            journeys.append(Journey(
                f"opportunity:{opp.id}", touches, converted, float(opp.amount or 0.0) if converted else 0.0,
                converted_at=cutoff, lead_index=_last_at_or_before(touches, born) or 0,
                opportunity_index=None if options.window == "pipeline" else opened, opportunity_id=opp.id,
                people=tuple(sorted(who))))
    journeys += _unconverted(by_person, by_account, account_people, linked_people, linked_accounts, options)
    return journeys


def person_keys(conn: Connection) -> dict[tuple[str, str], str]:
    """(entity, record id) -> person key, for every live contact and lead."""
    people = _people(conn)
    return {**{("contact", k): v for k, v in people.of_contact.items()},
            **{("lead", k): v for k, v in people.of_lead.items()}}


def _cutoff(opp: Any, window: str) -> tuple[datetime | None, bool]:
    if window == "pipeline":
        return opp.created_at, opp.created_at is not None
    if not opp.is_closed or opp.close_date is None:
        return None, False
    return _day_end(opp.close_date), bool(opp.is_won)


def _unconverted(by_person: dict[str, list[Touch]], by_account: dict[str, list[Touch]],
                 account_people: dict[str, set[str]], linked_people: set[str], linked_accounts: set[str],
                 options: JourneyOptions) -> list[Journey]:
    """Accounts without opportunities (with their people) and people of no account nor opportunity."""
    groups: dict[str, list[Touch]] = {}
    for account_id in sorted(set(by_account) | set(account_people)):
        if account_id not in linked_accounts:
            groups[f"account:{account_id}"] = [*by_account.get(account_id, ()),
                                               *(t for p in account_people[account_id] for t in by_person[p])]
    in_accounts = {p for members in account_people.values() for p in members}
    for person in sorted(by_person):
        if person not in linked_people and person not in in_accounts:
            groups[f"person:{person}"] = by_person[person]
    journeys = []
    for key, raw in groups.items():
        if not raw:
            continue
        end = max(t.at for t in raw) + timedelta(microseconds=1)
        touches = _merge(raw, end - timedelta(days=options.lookback_days), end)
        journeys.append(Journey(key, touches, False, converted_at=None))
    return journeys


def _merge(touches: Iterable[Touch], start: datetime, end: datetime) -> tuple[Touch, ...]:
    """The touches in [start, end), each record once, oldest first (ties by record, so the order is stable)."""
    unique = {t.record: t for t in touches if start <= t.at < end}
    return tuple(sorted(unique.values(), key=lambda t: (t.at, t.record)))


def _last_at_or_before(touches: tuple[Touch, ...], moment: datetime | None) -> int | None:
    if moment is None:
        return None
    before = [i for i, t in enumerate(touches) if t.at <= moment]
    return before[-1] if before else None


def _day_end(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=UTC)


def _people(conn: Connection) -> _People:
    member = identity_member.c
    cluster: dict[tuple[str, str], str] = {
        (r.entity, r.record_id): f"cluster:{r.cluster_id}"
        for r in conn.execute(select(member.entity, member.record_id, member.cluster_id)
                              .where(member.entity.in_(("contact", "lead"))))}
    found = _People({}, {}, defaultdict(set), defaultdict(set), {}, {})
    for c in conn.execute(select(contact.c.id, contact.c.account_id, contact.c.created_at, contact.c.lead_source)
                          .where(contact.c.deleted_at.is_(None))):
        person = cluster.get(("contact", c.id), f"contact:{c.id}")
        found.of_contact[c.id] = person
        _note(found, person, c.account_id, c.created_at, c.lead_source)
    for ld in conn.execute(select(lead.c.id, lead.c.account_id, lead.c.converted_account_id, lead.c.created_at,
                                  lead.c.lead_source, lead.c.converted_contact_id, lead.c.converted_opportunity_id)
                           .where(lead.c.deleted_at.is_(None))):
        person = cluster.get(("lead", ld.id)) or found.of_contact.get(ld.converted_contact_id or "", f"lead:{ld.id}")
        found.of_lead[ld.id] = person
        _note(found, person, ld.account_id or ld.converted_account_id, ld.created_at, ld.lead_source)
        if ld.converted_opportunity_id:
            found.opportunities[person].add(ld.converted_opportunity_id)
    roles = select(opportunity_contact_role.c.opportunity_id, opportunity_contact_role.c.contact_id).where(
        opportunity_contact_role.c.deleted_at.is_(None))
    primary = select(opportunity.c.id, opportunity.c.contact_id).where(
        and_(opportunity.c.deleted_at.is_(None), opportunity.c.contact_id.is_not(None)))
    for opp_id, contact_id in [*conn.execute(roles), *conn.execute(primary)]:
        if contact_id in found.of_contact:
            found.opportunities[found.of_contact[contact_id]].add(opp_id)
    return found


def _note(found: _People, person: str, account_id: str | None, created: datetime | None, source: str | None) -> None:
    if account_id:
        found.accounts[person].add(account_id)
    if created is not None and (person not in found.created or created < found.created[person]):
        found.created[person] = created
    if source and not found.source.get(person):
        found.source[person] = source


def _touches(conn: Connection, options: JourneyOptions, people: _People, campaign_types: dict[str, str | None]
             ) -> tuple[dict[str, list[Touch]], dict[str, list[Touch]], dict[str, list[Touch]]]:
    """Touches per person, per account (activities of an account and no person) and per opportunity (the same)."""
    by_person: dict[str, list[Touch]] = defaultdict(list)
    by_account: dict[str, list[Touch]] = defaultdict(list)
    by_opp: dict[str, list[Touch]] = defaultdict(list)

    def channel(kind: str, campaign_id: str | None) -> str:
        if options.channel_by == "campaign" and campaign_id:
            return campaign_types.get(campaign_id) or "campaign"
        return kind

    rows = conn.execute(select(activity.c.id, activity.c.type, activity.c.occurred_at, activity.c.contact_id,
                               activity.c.lead_id, activity.c.account_id, activity.c.opportunity_id,
                               activity.c.campaign_id)
                        .where(and_(activity.c.deleted_at.is_(None), activity.c.type.in_(options.kinds),
                                    activity.c.occurred_at.is_not(None))))
    for a in rows:
        person = people.of_contact.get(a.contact_id or "") or people.of_lead.get(a.lead_id or "")
        touch = Touch(a.occurred_at, channel(a.type, a.campaign_id), a.campaign_id,
                      people.source.get(person) if person else None, f"activity:{a.id}")
        if person:
            by_person[person].append(touch)
        elif a.opportunity_id:
            by_opp[a.opportunity_id].append(touch)
        elif a.account_id:
            by_account[a.account_id].append(touch)
    members = conn.execute(select(campaign_member.c.id, campaign_member.c.campaign_id, campaign_member.c.contact_id,
                                  campaign_member.c.lead_id, campaign_member.c.first_responded_at)
                           .where(and_(campaign_member.c.deleted_at.is_(None), campaign_member.c.responded.is_(True),
                                       campaign_member.c.first_responded_at.is_not(None))))
    for m in members:
        person = people.of_contact.get(m.contact_id or "") or people.of_lead.get(m.lead_id or "")
        if person:
            at = datetime.combine(m.first_responded_at, time(), tzinfo=UTC)
            by_person[person].append(Touch(at, channel("campaign_response", m.campaign_id), m.campaign_id,
                                           people.source.get(person), f"campaign_member:{m.id}"))
    return by_person, by_account, by_opp
