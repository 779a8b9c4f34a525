"""The canonical store: tables, engines, migrations, bulk upsert and the repository functions sync calls.

Every repository function takes an explicit ``Connection`` and never commits: the caller owns the transaction.
"""

from store.cursors import cursor_details, delete_cursor, load_cursor, save_cursor
from store.dependents import live_dependents
from store.engine import (
    StoreUnavailable,
    current_revision,
    ensure_schema,
    make_engine,
    open_store,
    refresh_statistics,
)
from store.erasure import purge_deleted_quarantine
from store.inventory import row_counts
from store.links import link_hashes, live_counts, live_ids_absent_from, tombstone, upsert_links
from store.quarantine import (
    add_quarantine,
    close_quarantine_of_deleted,
    list_quarantine,
    quarantine_summary,
    resolve_quarantine,
    supersede_quarantine,
)
from store.raw import (
    RawColumn,
    RawTable,
    WantedColumn,
    ensure_raw_table,
    entity_table,
    list_raw_tables,
    load_raw_table,
    raw_table_name,
)
from store.runs import add_run_counts, close_abandoned_runs, finish_run, last_complete_read, list_runs, start_run
from store.tables import canonical_tables, metadata
from store.types import UtcDateTime
from store.upsert import upsert
from store.writeback import (
    add_results,
    ledger_entries,
    open_dead_letters,
    read_versions,
    record_sent,
    resolve_results,
    supersede_results,
)

__all__ = [
    "RawColumn",
    "RawTable",
    "StoreUnavailable",
    "UtcDateTime",
    "WantedColumn",
    "add_quarantine",
    "add_results",
    "add_run_counts",
    "canonical_tables",
    "close_abandoned_runs",
    "close_quarantine_of_deleted",
    "current_revision",
    "cursor_details",
    "delete_cursor",
    "ensure_raw_table",
    "ensure_schema",
    "entity_table",
    "finish_run",
    "last_complete_read",
    "ledger_entries",
    "link_hashes",
    "list_quarantine",
    "list_raw_tables",
    "list_runs",
    "live_counts",
    "live_dependents",
    "live_ids_absent_from",
    "load_cursor",
    "load_raw_table",
    "make_engine",
    "metadata",
    "open_dead_letters",
    "open_store",
    "purge_deleted_quarantine",
    "quarantine_summary",
    "raw_table_name",
    "read_versions",
    "record_sent",
    "refresh_statistics",
    "resolve_quarantine",
    "resolve_results",
    "row_counts",
    "save_cursor",
    "start_run",
    "supersede_quarantine",
    "supersede_results",
    "tombstone",
    "upsert",
    "upsert_links",
]
