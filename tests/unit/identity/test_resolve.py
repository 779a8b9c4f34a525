"""Resolution over a store: rules, the matcher, survivorship, the merge log, undo, re-runs, duplicates."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from config.models.sections import IDENTITY_GOLDEN_FIELDS, IdentitySettings
from identity import duplicates, report, resolve, undo
from identity.survivorship import GOLDEN_FIELDS
from store.tables import identity_cluster, identity_member, identity_merge
from tests.support.identity_rows import land, row


def _rows() -> list[dict[str, Any]]:
    return [
        # Ada: the same address in three CRMs (case differs), a Marketo lead naming her Salesforce contact
        row("contact", "hubspot", "contacts", "101", day=3, first_name="Ada", last_name="Lovelace",
            email="ada.lovelace@acme.io", phone="+442079460123", title="VP Sales", city="London",
            account_id=row("account", "hubspot", "companies", "41001")["id"]),
        row("contact", "salesforce", "Contact", "003000000000001AAA", day=5, first_name="Ada", last_name="Lovelace",
            email="Ada.Lovelace@acme.io", phone="+442079460123", title="Chief Revenue Officer", city="London"),
        row("lead", "marketo", "leads", "1001", day=4, first_name="Ada", last_name="Lovelace",
            email="ada.l@acme-old.io", custom={"sfdcContactId": "003000000000001AAA"}),
        # her personal-address duplicate in HubSpot: no shared key, found by the matcher
        row("contact", "hubspot", "contacts", "102", day=1, first_name="Ada", last_name="Lovelace",
            email="ada.lovelace@gmail.com", phone="+442079460123", city="London"),
        # a namesake elsewhere: must stay apart
        row("lead", "dynamics", "leads", "d-1", day=2, first_name="Ada", last_name="Lovelace",
            email="alovelace@other.fr", phone="+33123456789", city="Paris", company="Other SA"),
        # a converted Salesforce lead and its contact
        row("lead", "salesforce", "Lead", "00Q000000000009AAA", day=1, first_name="Alan", last_name="Turing",
            email="alan@bletchley.uk", converted=True,
            converted_contact_id=row("contact", "salesforce", "Contact", "003000000000009AAA")["id"]),
        row("contact", "salesforce", "Contact", "003000000000009AAA", day=2, first_name="Alan", last_name="Turing",
            email="a.turing@bletchley.uk"),
        # accounts: one company by domain in two CRMs, another only by name + phone
        row("account", "hubspot", "companies", "41001", day=1, name="Acme Widgets", domain="acme.io",
            phone="+442079460100", country="GB", city="London"),
        row("account", "salesforce", "Account", "001000000000001AAA", day=2, name="Acme Widgets Ltd",
            website="https://www.acme.io", country="GB", city="London"),
        row("account", "dynamics", "accounts", "a-1", day=3, name="Bletchley Park Ltd", phone="+441908640404",
            country="GB", city="Milton Keynes"),
        row("account", "salesforce", "Account", "001000000000002AAA", day=4, name="Bletchley Park",
            phone="+441908640404", country="GB", city="Milton Keynes"),
    ]


def _clusters(engine: Engine) -> dict[str, set[str]]:
    with engine.connect() as conn:
        out: dict[str, set[str]] = {}
        for r in conn.execute(select(identity_member.c.cluster_id, identity_member.c.source_id)):
            out.setdefault(r.cluster_id, set()).add(r.source_id)
    return out


def _groups(engine: Engine) -> list[set[str]]:
    return sorted(_clusters(engine).values(), key=min)


EXPECTED = [
    {"001000000000001AAA", "41001"},
    {"001000000000002AAA", "a-1"},
    {"003000000000001AAA", "101", "102", "1001"},
    {"003000000000009AAA", "00Q000000000009AAA"},
    {"d-1"},
]


@pytest.fixture
def options() -> IdentitySettings:
    return IdentitySettings(source_priority={"title": ["hubspot"]}, match_threshold=0.9)


def test_rules_matcher_and_golden_records(db: Engine, options: IdentitySettings) -> None:
    land(db, _rows())
    result = resolve(db, options)
    assert _groups(db) == EXPECTED
    assert result["person"]["records"] == 7 and result["account"]["clusters"] == 2
    with db.connect() as conn:
        members = {r.source_id: r for r in conn.execute(select(identity_member))}
        ada = conn.execute(select(identity_cluster).where(identity_cluster.c.id == members["101"].cluster_id)).one()
    assert members["1001"].rule == "crm_id" and members["102"].rule == "probabilistic"
    assert 0.9 <= members["102"].confidence < 1 and members["00Q000000000009AAA"].rule == "converted"
    assert members["d-1"].rule == "single"
    # title: HubSpot has priority; the rest: the most recent (Salesforce, day 5)
    assert ada.golden["title"] == "VP Sales" and ada.sources["fields"]["title"]["rule"] == "source_priority"
    assert ada.golden["email"] == "Ada.Lovelace@acme.io"
    assert ada.sources["fields"]["email"]["connection"] == "salesforce"
    assert {v["value"] for v in ada.sources["conflicts"]["title"]} == {"VP Sales", "Chief Revenue Officer"}
    assert "first_name" not in ada.sources["conflicts"]


def test_rerun_is_idempotent_and_undo_keeps_the_pair_apart(db: Engine, options: IdentitySettings) -> None:
    land(db, _rows())
    resolve(db, options)
    before = _clusters(db)
    with db.connect() as conn:
        merges = {(r.record_a, r.record_b): r.id for r in conn.execute(select(identity_merge))}
    again = resolve(db, options)
    assert _clusters(db) == before and again["person"]["merge_log"]["new"] == 0
    with db.connect() as conn:
        assert {(r.record_a, r.record_b): r.id for r in conn.execute(select(identity_merge))} == merges
        probabilistic = conn.execute(select(identity_merge).where(identity_merge.c.rule == "probabilistic",
                                                                  identity_merge.c.kind == "person")).one()
    result = undo(db, options, probabilistic.id, by="admin@example.com")
    assert result["undone"]["id"] == probabilistic.id and result["resolve"]["person"]["kept_apart"] >= 1
    assert {"102"} in _groups(db)
    resolve(db, options)  # and on every later resolve
    assert {"102"} in _groups(db)
    assert {"003000000000001AAA", "101", "1001"} in _groups(db)
    with db.connect() as conn:  # a person-only resolve still names the person's account cluster
        members = {r.source_id: r.cluster_id for r in conn.execute(select(identity_member))}
        ada = conn.execute(select(identity_cluster.c.golden).where(identity_cluster.c.id == members["101"])).one()
    assert ada.golden["account_cluster_id"] == members["41001"]
    with pytest.raises(ValueError, match="already undone"):
        undo(db, options, probabilistic.id, by="admin@example.com")
    with pytest.raises(LookupError, match="no merge 999999"):
        undo(db, options, 999999, by="admin@example.com")
    shown = report(db)
    assert shown["merges"]["listed"][0]["status"] == "undone"
    assert shown["kinds"]["person"]["clusters_across_connections"] == 1  # Ada; Alan is Salesforce only


def test_duplicates_within_one_object(db: Engine, options: IdentitySettings) -> None:
    land(db, _rows())
    found = duplicates(db, options)
    pairs = {(p["connection"], p["object"], p["id_a"], p["id_b"]): p for p in found["pairs"]}
    assert set(pairs) == {("hubspot", "contacts", "101", "102")}
    assert pairs[("hubspot", "contacts", "101", "102")]["evidence"]["phone"] == "same"


def test_config_names_golden_fields_with_did_you_mean() -> None:
    assert set(IDENTITY_GOLDEN_FIELDS) == set(GOLDEN_FIELDS["person"]) | set(GOLDEN_FIELDS["account"])
    with pytest.raises(ValueError, match="did you mean 'email'"):
        IdentitySettings(source_priority={"emial": ["hubspot_main"]})


def test_empty_store(db: Engine, options: IdentitySettings) -> None:
    assert resolve(db, options)["person"]["clusters"] == 0
    with db.connect() as conn:
        assert conn.execute(select(func.count()).select_from(identity_cluster)).scalar_one() == 0
