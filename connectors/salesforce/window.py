"""The plan of one read: its window ``[lo, hi)`` on SystemModstamp and what else it does, saved in the cursor.

A window is planned once and kept in the cursor (``SalesforceState.window``) until its last batch, so a crash
anywhere inside it resumes the same window (same ``hi``) from the last (SystemModstamp, Id) landed, or from the Bulk
job's locator.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from connectors.base import ObjectSpec, options_of
from connectors.salesforce.objects import DELETED_MARGIN_MINUTES, DELETED_REACH_DAYS, SalesforceOptions
from connectors.salesforce.state import SalesforceState, Window


@dataclass(frozen=True, slots=True)
class ReadSettings:
    page_size: int = 2000  # Sforce-Query-Options batchSize (200..2000)
    bulk_threshold: int = 10_000  # a window (or Id listing) of this many records goes through Bulk 2.0
    overlap: timedelta = timedelta(minutes=5)  # re-read behind the watermark: records that committed late
    reconcile_every: timedelta = timedelta(hours=24)  # Id reconciliation: purges that deleted/ no longer shows
    formulas_every: timedelta = timedelta(hours=24)  # full re-read when mapped formula fields may have changed
    url_limit: int = 16_384  # a GET's URI beyond this is refused (414): such a query goes through Bulk
    bulk_page: int = 50_000  # rows per Bulk results page


def plan(spec: ObjectSpec, watermark: datetime | None, state: SalesforceState, *, now: datetime,
         settle_lag: timedelta, settings: ReadSettings, full_refresh: bool,
         formulas_mapped: bool) -> Window | None:
    """A new window, or None when nothing has settled since the watermark."""
    hi = now - settle_lag
    if watermark is not None and not full_refresh and hi <= watermark:
        return None
    options = options_of(spec, SalesforceOptions)
    deletes = options.deletes
    formulas_at, reconciled_at = state.formulas_at, state.reconciled_at
    formulas_due = formulas_mapped and watermark is not None and (
        formulas_at is None or now - formulas_at >= settings.formulas_every)
    full = full_refresh or watermark is None or formulas_due
    lo = None if full or watermark is None else watermark - settings.overlap
    deleted_reach = now - timedelta(days=DELETED_REACH_DAYS) + timedelta(minutes=DELETED_MARGIN_MINUTES)
    notes: list[str] = []
    dlo = lo if deletes and options.deleted_log and lo is not None and lo >= deleted_reach else None
    reconcile_due = reconciled_at is None or now - reconciled_at >= settings.reconcile_every
    # Without a delete log (OpportunityStage, territory associations) every read lists ids: nothing else sees deletes.
    listing = deletes and (full_refresh or (watermark is not None and (full or dlo is None or reconcile_due)))
    if options.listing_only and lo is not None:
        notes.append(f"{spec.name} keeps no delete trail: its ids are listed on every read")
    elif deletes and lo is not None and dlo is None:
        # Forced whatever reconcile_hours says: deletes in the gap are beyond deleted/ and would stay live for ever.
        notes.append(f"the last sync is older than deleted/ reaches ({DELETED_REACH_DAYS} days): "
                     "Id reconciliation instead")
    if formulas_due:
        notes.append("formula fields re-read on schedule: full pass")
    query_all = deletes and options.is_deleted and lo is not None
    return Window(hi=hi, lo=lo, query_all=query_all, deleted_from=dlo, listing=listing, full=full,
                  notes=tuple(notes))
