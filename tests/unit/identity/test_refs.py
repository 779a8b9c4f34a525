"""Refs read through identity: the cases, contracts and quotes of one company synced from two CRMs name one
canonical account once its two account records are resolved into one cluster."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, insert, update

import store
from config.models.sections import IdentitySettings
from identity import resolve
from identity.refs import resolvable_refs, resolved_refs
from tests.support.identity_rows import land, row

SYNCED = datetime(2025, 2, 1, tzinfo=UTC)
HS_ACME = row("account", "hubspot", "companies", "41001", name="Acme Widgets", domain="acme.io", country="GB")
SF_ACME = row("account", "salesforce", "Account", "001000000000001AAA", day=2, name="Acme Widgets Ltd",
              website="https://www.acme.io", country="GB")
OTHER = row("account", "dynamics", "accounts", "a-9", name="Globex", domain="globex.example", country="US")
ADA = row("contact", "hubspot", "contacts", "101", first_name="Ada", last_name="Lovelace", email="ada@acme.io",
          account_id=HS_ACME["id"])
ADA_SF = row("contact", "salesforce", "Contact", "003000000000001AAA", first_name="Ada", last_name="Lovelace",
             email="Ada@acme.io", account_id=SF_ACME["id"])


def _insert(engine: Engine, table: str, rows: list[dict[str, Any]]) -> None:
    blank = {"account_id": None, "contact_id": None, "source_connection": "x", "source_object": table,
             "synced_at": SYNCED}
    target = store.canonical_tables[table]
    with engine.begin() as conn:
        conn.execute(insert(target), [{k: v for k, v in {**blank, **r}.items() if k in target.c} for r in rows])


def test_every_entity_naming_an_account_resolves_it() -> None:
    for entity in ("opportunity", "case", "contract", "quote", "qbr", "customer_health", "feedback",
                   "product_usage", "channel_partner", "partner_deal", "territory_assignment"):
        assert "account_id" in resolvable_refs(entity), entity
    assert resolvable_refs("case") == ("account_id", "contact_id")
    assert resolvable_refs("quota") == ()


def test_cases_and_contracts_of_one_company_in_two_crms_name_one_account(engine: Engine) -> None:
    land(engine, [HS_ACME, SF_ACME, OTHER, ADA, ADA_SF])
    _insert(engine, "support_case", [
        {"id": "case-hs", "source_id": "1", "account_id": HS_ACME["id"], "contact_id": ADA["id"]},
        {"id": "case-sf", "source_id": "2", "account_id": SF_ACME["id"], "contact_id": ADA_SF["id"]},
        {"id": "case-other", "source_id": "3", "account_id": OTHER["id"]},
        {"id": "case-orphan", "source_id": "4", "account_id": "no-such-account"},
    ])
    _insert(engine, "contract", [{"id": "contract-sf", "source_id": "1", "account_id": SF_ACME["id"]}])
    resolve(engine, IdentitySettings())
    with engine.connect() as conn:
        accounts = resolved_refs(conn, "case", "account_id")
        people = resolved_refs(conn, "case", "contact_id")
        contracts = resolved_refs(conn, "contract", "account_id")
    assert set(accounts) == {"case-hs", "case-sf", "case-other"}  # an unknown account is in no cluster
    assert accounts["case-hs"] == accounts["case-sf"] == contracts["contract-sf"] != accounts["case-other"]
    assert set(people) == {"case-hs", "case-sf"} and people["case-hs"] == people["case-sf"]

    with engine.begin() as conn:  # a tombstoned case drops out; the cluster of the others stays
        table = store.canonical_tables["support_case"]
        conn.execute(update(table).where(table.c.id == "case-other").values(deleted_at=SYNCED))
    with engine.connect() as conn:
        assert set(resolved_refs(conn, "case", "account_id")) == {"case-hs", "case-sf"}


def test_an_unresolvable_column_is_refused(engine: Engine) -> None:
    with engine.connect() as conn, pytest.raises(ValueError, match=r"quota\.owner_id is not a ref identity "
                                                                    r"resolves; quota has: none"):
        resolved_refs(conn, "quota", "owner_id")
