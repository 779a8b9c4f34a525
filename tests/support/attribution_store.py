"""A small hand-built store for the attribution tests: two accounts, a lead converted into a contact, one won and
one open deal, leads with no account and campaigns with and without cost. Every figure the tests
expect follows from the rows below by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine

from tests.support.canonical_rows import NOW
from tests.support.canonical_rows import add_many as _add_many

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def day(n: float) -> datetime:
    return T0 + timedelta(days=n)


def add_many(engine: Engine, table: str, rows: list[dict[str, Any]]) -> None:
    """Rows of one batch share their columns (the bulk upsert's rule): absent fields are None."""
    keys = {k for row in rows for k in row}
    _add_many(engine, table, [{k: row.get(k) for k in sorted(keys)} for row in rows])


def build(engine: Engine) -> None:
    add_many(engine, "account", [{"id": "acc-1", "name": "Acme"}, {"id": "acc-2", "name": "Globex"}])
    add_many(engine, "campaign", [
        {"id": "cmp-web", "name": "Webinar", "type": "webinar", "actual_cost": 1000.0, "budget": 1500.0},
        {"id": "cmp-ads", "name": "Ads", "type": "paid", "actual_cost": None, "budget": 500.0},
    ])
    add_many(engine, "contact", [
        {"id": "con-1", "account_id": "acc-1", "created_at": day(5), "lead_source": "event"},
        {"id": "con-2", "account_id": "acc-1", "created_at": day(20), "lead_source": "organic"},
        {"id": "con-3", "account_id": "acc-2", "created_at": day(1), "lead_source": "organic"},
    ])
    add_many(engine, "lead", [
        # converted into con-1: the same person, so its touches join con-1's
        {"id": "led-1", "created_at": day(2), "lead_source": "event", "converted": True, "converted_at": day(5),
         "converted_contact_id": "con-1", "converted_account_id": "acc-1"},
        {"id": "led-2", "created_at": day(3), "lead_source": "paid_search", "converted": False},
        {"id": "led-3", "created_at": day(4), "lead_source": "paid_search", "converted": False},
    ])
    add_many(engine, "opportunity", [
        {"id": "opp-won", "account_id": "acc-1", "amount": 10000.0, "created_at": day(30),
         "close_date": date(2026, 3, 1), "is_closed": True, "is_won": True},
        {"id": "opp-open", "account_id": "acc-1", "amount": 500.0, "created_at": day(40), "is_closed": False,
         "is_won": False},
    ])
    add_many(engine, "opportunity_contact_role", [{"id": "ocr-1", "opportunity_id": "opp-won", "contact_id": "con-1"}])
    add_many(engine, "activity", [
        {"id": "a1", "type": "web_visit", "occurred_at": day(1), "lead_id": "led-1"},
        {"id": "a2", "type": "form_fill", "occurred_at": day(2), "lead_id": "led-1", "campaign_id": "cmp-web"},
        {"id": "a3", "type": "email_click", "occurred_at": day(10), "contact_id": "con-1"},
        {"id": "a4", "type": "meeting", "occurred_at": day(25), "contact_id": "con-2"},
        {"id": "a5", "type": "call", "occurred_at": day(35), "account_id": "acc-1"},  # after opp-won's creation
        {"id": "a6", "type": "email_open", "occurred_at": day(12), "contact_id": "con-1"},  # not a touch kind
        {"id": "a7", "type": "web_visit", "occurred_at": day(3), "contact_id": "con-3"},
        {"id": "a8", "type": "web_visit", "occurred_at": day(6), "lead_id": "led-2", "campaign_id": "cmp-ads"},
        {"id": "a9", "type": "form_fill", "occurred_at": day(70), "contact_id": "con-1"},  # after the close
    ])
    add_many(engine, "campaign_member", [
        {"id": "cm-1", "campaign_id": "cmp-web", "contact_id": "con-1", "responded": True,
         "first_responded_at": date(2026, 1, 16)},  # day 15
        {"id": "cm-2", "campaign_id": "cmp-web", "lead_id": "led-2", "responded": False},
        {"id": "cm-3", "campaign_id": "cmp-ads", "lead_id": "led-3", "responded": True,
         "first_responded_at": date(2026, 1, 8)},
    ])


__all__ = ["NOW", "build", "day"]
