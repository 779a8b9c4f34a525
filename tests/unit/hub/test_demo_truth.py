"""The demo's check that the table an object's links name holds a live row per live link: an entity's table and a
typed raw table alike."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, insert

import store
from hub.demo import landed_rows
from store.tables import account, source_link

NOW = datetime(2026, 3, 1, tzinfo=UTC)


def _link(obj: str, sid: str, entity: str, *, deleted: bool = False) -> dict[str, Any]:
    return {"connection": "sf", "object": obj, "source_id": sid, "entity": entity, "canonical_id": f"c-{sid}",
            "is_deleted": deleted, "updated_at": NOW}


def _row(obj: str, sid: str, *, deleted: bool = False) -> dict[str, Any]:
    return {"id": f"c-{sid}", "source_connection": "sf", "source_object": obj, "source_id": sid,
            "deleted_at": NOW if deleted else None, "synced_at": NOW}


def test_an_entity_tables_live_rows_of_the_object_are_counted(sqlite_db: Engine) -> None:
    with sqlite_db.begin() as conn:
        conn.execute(insert(account), [_row("Account", "1"), _row("Account", "2", deleted=True),
                                       {**_row("companies", "3"), "source_object": "companies"}])
        conn.execute(insert(source_link), [_link("Account", "1", "account"),
                                           _link("Account", "2", "account", deleted=True)])
        assert landed_rows(conn, "sf", "Account") == (["account"], 1)
        assert landed_rows(conn, "sf", "Contact") == ([], 0)  # nothing landed yet


def test_a_raw_tables_rows_are_found_through_the_raw_registry(sqlite_db: Engine) -> None:
    with sqlite_db.begin() as conn:
        raw, _ = store.ensure_raw_table(conn, connection="sf", object="Quota_Plan__c",
                                        wanted=[store.WantedColumn("Name", "string", "string")])
        conn.execute(insert(raw.table()), [_row("Quota_Plan__c", "a1"), _row("Quota_Plan__c", "a2"),
                                           _row("Quota_Plan__c", "a3", deleted=True)])
        conn.execute(insert(source_link), [_link("Quota_Plan__c", "a1", raw.name),
                                           _link("Quota_Plan__c", "a2", raw.name)])
        assert landed_rows(conn, "sf", "Quota_Plan__c") == ([raw.name], 2)
