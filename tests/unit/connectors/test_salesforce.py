"""Salesforce connector pieces that need no sandbox: window planning, wire values, Bulk CSV, write values."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from config import parse_config
from config.models import SalesforceConnection
from connectors.base import options_of, spec_named
from connectors.errors import ConfigError
from connectors.salesforce.auth import jwt_audience
from connectors.salesforce.bulk import parse_csv
from connectors.salesforce.config import object_specs
from connectors.salesforce.objects import OBJECTS, SalesforceOptions
from connectors.salesforce.reader import split
from connectors.salesforce.state import SalesforceState, Window
from connectors.salesforce.values import flatten, parse_instant, soql_instant
from connectors.salesforce.window import ReadSettings, plan
from connectors.salesforce.write_values import bulk_rows, failure_of

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
LAG = timedelta(seconds=60)
ACCOUNT = OBJECTS[0]
USER = next(s for s in OBJECTS if s.name == "User")


def planned(watermark: datetime | None, state: dict[str, str] | None = None, *, full: bool = False,
            formulas: bool = False) -> Window | None:
    saved = SalesforceState.from_state(state or {}, connection="salesforce_main", object="Account")
    return plan(ACCOUNT, watermark, saved, now=NOW, settle_lag=LAG, settings=ReadSettings(),
                full_refresh=full, formulas_mapped=formulas)


def test_an_incremental_window_starts_an_overlap_behind_and_ends_a_settle_lag_ago() -> None:
    fresh = {"reconciled_at": NOW.isoformat(), "formulas_at": NOW.isoformat()}
    win = planned(NOW - timedelta(hours=1), fresh)
    assert win is not None
    assert win.lo == NOW - timedelta(hours=1) - ReadSettings().overlap
    assert win.hi == NOW - LAG
    assert win.query_all and win.deleted_from == win.lo and not win.listing and not win.full


def test_nothing_to_read_before_the_settle_lag_has_passed() -> None:
    assert planned(NOW - timedelta(seconds=30)) is None


def test_a_first_read_is_full_without_a_listing_and_a_full_refresh_lists_ids_first() -> None:
    first = planned(None)
    assert first is not None and first.full and first.lo is None and not first.listing and not first.query_all
    refresh = planned(NOW - timedelta(hours=1), full=True)
    assert refresh is not None and refresh.full and refresh.listing


def test_deleted_reaches_15_days_so_an_older_watermark_reconciles_ids() -> None:
    fresh = {"reconciled_at": NOW.isoformat(), "formulas_at": NOW.isoformat()}
    # A gap of 16 to 29 days: deleted/ answers for 15 days only, so the listing is forced although reconcile_hours
    # (a fresh reconciled_at here) would not call for one.
    for days in (16, 20, 29, 40):
        stale = planned(NOW - timedelta(days=days), fresh)
        assert stale is not None and stale.deleted_from is None and stale.listing, days
        assert any("15 days" in n for n in stale.notes)
    # Within the reach (less the margin for clocks and minute rounding), deleted/ is read and no listing is due.
    recent = planned(NOW - timedelta(days=14), fresh)
    assert recent is not None and recent.deleted_from == recent.lo and not recent.listing and not recent.notes
    edge = planned(NOW - timedelta(days=15) + ReadSettings().overlap, fresh)
    assert edge is not None and edge.deleted_from is None and edge.listing


def test_reconciliation_and_formula_re_reads_come_on_schedule() -> None:
    old = (NOW - timedelta(days=2)).isoformat()
    due = planned(NOW - timedelta(hours=1), {"reconciled_at": old, "formulas_at": NOW.isoformat()})
    assert due is not None and due.listing and not due.full
    formulas = planned(NOW - timedelta(hours=1), {"reconciled_at": NOW.isoformat(), "formulas_at": old},
                       formulas=True)
    assert formulas is not None and formulas.full and formulas.listing and formulas.lo is None


def test_users_are_never_deleted_so_no_delete_reads_are_planned() -> None:
    win = plan(USER, NOW - timedelta(hours=1), SalesforceState(), now=NOW, settle_lag=LAG, settings=ReadSettings(),
               full_refresh=True, formulas_mapped=False)
    assert win is not None and not win.listing and not win.query_all and win.deleted_from is None


def test_objects_without_a_delete_trail_list_their_ids_on_every_read() -> None:
    """OpportunityStage has neither IsDeleted nor deleted/: only an Id listing sees a stage an admin removed."""
    stage = next(s for s in OBJECTS if s.name == "OpportunityStage")
    fresh = SalesforceState(reconciled_at=NOW, formulas_at=NOW)
    win = plan(stage, NOW - timedelta(hours=1), fresh, now=NOW, settle_lag=LAG, settings=ReadSettings(),
               full_refresh=False, formulas_mapped=False)
    assert win is not None and win.listing and not win.query_all and win.deleted_from is None
    assert any("no delete trail" in n for n in win.notes)


def test_a_quota_has_a_delete_log_but_no_is_deleted() -> None:
    quota = next(s for s in OBJECTS if s.name == "ForecastingQuota")
    fresh = SalesforceState(reconciled_at=NOW, formulas_at=NOW)
    win = plan(quota, NOW - timedelta(hours=1), fresh, now=NOW, settle_lag=LAG, settings=ReadSettings(),
               full_refresh=False, formulas_mapped=False)
    assert win is not None and not win.query_all and not win.listing
    assert win.deleted_from == NOW - timedelta(hours=1) - ReadSettings().overlap


def test_a_custom_object_reads_like_a_standard_one_and_unknown_names_stay_unknown() -> None:
    cfg = parse_config(
        "version: 1\nconnections:\n  sf:\n    kind: salesforce\n"
        "    auth: {flow: client_credentials, client_id: a, client_secret: b}\n"
        "    objects: [Account, Coaching_Session__c, Bogus]\n")
    conn = cfg.connection("sf")
    assert isinstance(conn, SalesforceConnection)
    specs = {s.name: s for s in object_specs(conn)}
    custom = options_of(specs["Coaching_Session__c"], SalesforceOptions)
    assert custom.custom and custom.deletes and custom.is_deleted and custom.deleted_log
    assert "Bogus" not in specs
    with pytest.raises(ConfigError, match="'Bogus' is not supported"):
        spec_named(tuple(specs.values()), "Bogus", connection="sf")


def test_soql_instants_keep_milliseconds_in_utc() -> None:
    local = datetime(2026, 3, 1, 13, 0, 0, 123456, tzinfo=timezone(timedelta(hours=1)))
    assert soql_instant(local) == "2026-03-01T12:00:00.123Z"
    assert parse_instant("2026-03-01T12:00:00.123+0000") == parse_instant("2026-03-01T12:00:00.123Z")


def test_bulk_csv_cells_read_as_rest_sends_them() -> None:
    text = ('"Id","IsDeleted","NumberOfEmployees","AnnualRevenue","SystemModstamp","Name","Owner.Name"\n'
            '"001A","false","12","1500.5","2026-03-01T12:00:00.000Z","Acme","Jo Rep"\n')
    types = {"Id": "id", "IsDeleted": "boolean", "NumberOfEmployees": "int", "AnnualRevenue": "currency",
             "SystemModstamp": "datetime", "Name": "string"}
    [row] = parse_csv(text, types)
    rest = flatten({"attributes": {"type": "Account"}, "Id": "001A", "IsDeleted": False, "NumberOfEmployees": 12,
                    "AnnualRevenue": 1500.5, "SystemModstamp": "2026-03-01T12:00:00.000+0000", "Name": "Acme",
                    "Owner": {"attributes": {"type": "User"}, "Name": "Jo Rep"}})
    assert row == rest


def test_rest_records_flatten_relationships_in_order_and_keep_empty_lookups() -> None:
    row = {"attributes": {"type": "Contact", "url": "/x"}, "Id": "003A",
           "Account": {"attributes": {"type": "Account"}, "Name": "Acme",
                       "Owner": {"attributes": {"type": "User"}, "Name": "Jo Rep", "Email": None}},
           "ReportsTo": None, "Title": "VP", "MailingAddress": {"city": "Oslo"}}
    flat = flatten(row)
    assert list(flat.items()) == [("Id", "003A"), ("Account.Name", "Acme"), ("Account.Owner.Name", "Jo Rep"),
                                  ("Account.Owner.Email", None), ("ReportsTo", None), ("Title", "VP"),
                                  ("MailingAddress.city", "Oslo")]


def test_query_all_rows_split_into_records_and_tombstones_with_merges() -> None:
    rows = [{"Id": "003A", "IsDeleted": False, "SystemModstamp": "2026-03-01T12:00:00.000+0000"},
            {"Id": "003B", "IsDeleted": True, "SystemModstamp": "2026-03-01T12:00:01.000+0000",
             "MasterRecordId": "003A"}]
    records, tombs = split(rows)
    assert [r["Id"] for r in records] == ["003A"]
    assert tombs[0].source_id == "003B" and tombs[0].merged_into == "003A" and tombs[0].deleted_at is not None


def test_bulk_write_rows_leave_unset_fields_unchanged_and_null_as_na() -> None:
    header, rows = bulk_rows("Id", [("003A", {"Title": "VP"}), ("003B", {"Score__c": None})])
    assert header == ["Id", "Score__c", "Title"]
    assert rows == [["003A", "", "VP"], ["003B", "#N/A", ""]]


def test_bulk_failed_results_name_code_message_and_fields() -> None:
    code, message, fields = failure_of("FIELD_CUSTOM_VALIDATION_EXCEPTION:Score must be 0-100:Score__c --")
    assert (code, message, fields) == ("FIELD_CUSTOM_VALIDATION_EXCEPTION", "Score must be 0-100", ("Score__c",))


def test_jwt_audience_is_the_authorization_server() -> None:
    assert jwt_audience("https://acme.my.salesforce.com") == "https://login.salesforce.com"
    assert jwt_audience("https://acme--uat.sandbox.my.salesforce.com") == "https://test.salesforce.com"
    assert jwt_audience("https://127.0.0.1:8443") == "https://127.0.0.1:8443"
