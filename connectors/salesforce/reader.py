"""Reading Salesforce changes: one window ``[lo, hi)`` on SystemModstamp per read, REST or Bulk 2.0 by a COUNT().

REST queries sort by (SystemModstamp, Id) and page with ``nextRecordsUrl``; every batch's cursor holds the last
(SystemModstamp, Id) landed, and a resume (or an expired query locator) re-queries with that keyset, so ties on the
timestamp never split. Incremental windows use ``queryAll``: soft deletes and merges arrive as IsDeleted rows (with
MasterRecordId) in the same pages; hard deletes and purges come from ``deleted/`` at the window's end, or from an Id
listing yielded first (``live_ids``) when a reconciliation is due. Windows start ``overlap`` behind the watermark so
records that committed late with an earlier SystemModstamp are still seen.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from connectors.base import ChangeBatch, Cursor, ObjectSpec, Record, Tombstone, options_of
from connectors.errors import ApiError
from connectors.http.paging import walk
from connectors.salesforce.bulk import Bulk
from connectors.salesforce.client import SalesforceClient
from connectors.salesforce.deletes import deleted_since, live_ids
from connectors.salesforce.objects import CURSOR_FIELD, URL_HEADROOM, SalesforceOptions
from connectors.salesforce.paging import NEXT_RECORDS
from connectors.salesforce.schema import Describer
from connectors.salesforce.state import BulkPath, NoRecords, Path, RestPath, SalesforceState, Window
from connectors.salesforce.values import flatten, parse_instant, soql_instant, soql_string
from connectors.salesforce.window import ReadSettings, plan

SUB_BATCH = 2000  # a Bulk page is yielded in slices of this many records, so the engine lands it in small units


class SalesforceReader:
    def __init__(self, client: SalesforceClient, bulk: Bulk, describer: Describer, *, settle_lag: timedelta,
                 clock: Callable[[], datetime], settings: ReadSettings) -> None:
        self.client, self.bulk, self.describer = client, bulk, describer
        self.settle_lag, self.clock, self.settings = settle_lag, clock, settings

    def read(self, spec: ObjectSpec, since: Cursor, fields: Sequence[str], full_refresh: bool) -> Iterator[ChangeBatch]:
        state = (SalesforceState() if full_refresh
                 else SalesforceState.from_state(since.state, connection=self.client.connection, object=spec.name))
        wm = None if full_refresh else since.watermark
        now = self.clock()
        select = self._select(spec, fields)
        win, state = state.window, replace(state, window=None)
        if win is None:
            formulas = bool(self.describer.calculated(spec.name) & set(select))
            win = plan(spec, wm, state, now=now, settle_lag=self.settle_lag, settings=self.settings,
                       full_refresh=full_refresh, formulas_mapped=formulas)
            if win is None:
                return
        tracker = _Calls(self.client)
        notes = list(win.notes)
        if win.listing:
            ids, how = live_ids(self.client, self.bulk, spec.name, threshold=self.settings.bulk_threshold)
            win = replace(win, listing=False)
            state = replace(state, reconciled_at=now)
            yield ChangeBatch(spec, [], [], Cursor(wm, replace(state, window=win).to_state()), tracker.take(),
                              [*notes, f"Id reconciliation: {len(ids):,} live ids listed ({how})"],
                              live_ids=frozenset(ids))
        if win.path is None:
            win = replace(win, path=self._choose(spec, select, win))
            if isinstance(win.path, BulkPath):
                notes.append(f"read through Bulk API 2.0 ({win.path.why})")
        seen_deleted: set[str] = set()
        match win.path:
            case RestPath():
                pages = self._rest(spec, select, win)
            case BulkPath():
                pages = self._bulk(spec, select, win)
            case _:
                pages = iter(())
        for records, tombs, win in pages:
            seen_deleted.update(t.source_id for t in tombs)
            yield ChangeBatch(spec, records, tombs, Cursor(wm, replace(state, window=win).to_state()),
                              tracker.take(), notes)
        tombs = []
        if win.deleted_from is not None:
            tombs = [t for t in deleted_since(self.client, spec.name, win.deleted_from, win.hi, now)
                     if t.source_id not in seen_deleted]
        done = state
        if win.full:
            done = replace(done, formulas_at=now, reconciled_at=done.reconciled_at or now)
        yield ChangeBatch(spec, [], tombs, Cursor(win.hi, done.to_state()), tracker.take(), notes)

    # --- choosing the path ------------------------------------------------------------------------------------
    def _choose(self, spec: ObjectSpec, select: list[str], win: Window) -> Path:
        where = self._where(win, None)
        endpoint = "queryAll" if win.query_all else "query"
        count = int(self.client.get_json(endpoint, obj=spec.name, params={
            "q": f"SELECT COUNT() FROM {spec.name}{where}"})["totalSize"])
        if count == 0:
            return NoRecords()
        soql = self._soql(spec, select, win, after=None)
        wide = self.client.url_length(endpoint, {"q": soql}) > self.settings.url_limit - URL_HEADROOM
        if wide:
            return BulkPath(count, f"{len(select)} fields make the query URL too long")
        if count >= self.settings.bulk_threshold:
            return BulkPath(count, f"COUNT() {count:,} >= bulk_threshold {self.settings.bulk_threshold:,}")
        return RestPath(count)

    # --- REST: keyset-anchored queries, nextRecordsUrl inside one ----------------------------------------------
    def _rest(self, spec: ObjectSpec, select: list[str],
              win: Window) -> Iterator[tuple[list[Record], list[Tombstone], Window]]:
        endpoint = "queryAll" if win.query_all else "query"
        headers = {"Sforce-Query-Options": f"batchSize={self.settings.page_size}"}

        def fetch(next_url: str | None) -> dict[str, Any]:
            if next_url is None:
                after = win.path.after if isinstance(win.path, RestPath) else None
                soql = self._soql(spec, select, win, after=after)
                first: dict[str, Any] = self.client.get_json(endpoint, obj=spec.name, params={"q": soql},
                                                             headers=headers)
                return first
            try:
                body: dict[str, Any] = self.client.get_json(next_url, obj=spec.name, headers=headers)
                return body
            except ApiError as exc:
                if "INVALID_QUERY_LOCATOR" in exc.message:
                    raise _LocatorExpired from exc
                raise

        expired = True
        while expired:  # not a page loop: a query locator expired (15 minutes idle) and the keyset says where we were
            expired = False
            try:
                for body, _ in walk(fetch, NEXT_RECORDS, connection=self.client.connection, object=spec.name):
                    rows = [flatten(r) for r in body.get("records", [])]
                    if rows:
                        win = replace(win, path=RestPath(_count(win), (str(rows[-1][CURSOR_FIELD]),
                                                                       str(rows[-1]["Id"]))))
                    records, tombs = split(rows)
                    yield records, tombs, win
            except _LocatorExpired:
                expired = True

    # --- Bulk 2.0: one job per window, resumed by its locator ---------------------------------------------------
    def _bulk(self, spec: ObjectSpec, select: list[str],
              win: Window) -> Iterator[tuple[list[Record], list[Tombstone], Window]]:
        types = self.describer.types(spec.name)
        path = win.path
        assert isinstance(path, BulkPath)  # _bulk runs only on a window whose COUNT() chose Bulk
        if path.done:
            return
        job = path.job
        if job:
            try:
                self.bulk.wait(spec.name, job)
            except ApiError:
                job = None  # results gone (or the job failed): run the window's query again
        if not job:
            soql = self._soql(spec, select, win, after=None, order=False)
            job = self.bulk.start_query(spec.name, soql, include_deleted=win.query_all)
            path = replace(path, job=job, locator=None)
            win = replace(win, path=path)
            self.bulk.wait(spec.name, job)
        for page in self.bulk.pages(spec.name, job, path.locator, types):
            before = win
            path = replace(path, locator=page.locator, done=page.locator is None)
            after = replace(win, path=path)
            for start in range(0, max(len(page.rows), 1), SUB_BATCH):
                last = start + SUB_BATCH >= len(page.rows)
                records, tombs = split(page.rows[start:start + SUB_BATCH])
                # Only the page's last slice may carry the cursor past the page: a crash before it re-reads it.
                yield records, tombs, after if last else before
            win = after

    # --- SOQL ------------------------------------------------------------------------------------------------
    def _select(self, spec: ObjectSpec, fields: Sequence[str]) -> list[str]:
        wanted = ["Id", CURSOR_FIELD]
        options = options_of(spec, SalesforceOptions)
        if options.deletes and options.is_deleted:
            wanted.append("IsDeleted")
        if options.mergeable:
            wanted.append("MasterRecordId")
        seen = {w.lower() for w in wanted}
        for f in sorted(fields):
            if f.lower() not in seen and f.lower() != "id":
                wanted.append(f)
                seen.add(f.lower())
        return wanted

    def _where(self, win: Window, after: Sequence[str] | None) -> str:
        parts = [f"{CURSOR_FIELD} < {soql_instant(win.hi)}"]
        if win.lo is not None:
            parts.insert(0, f"{CURSOR_FIELD} >= {soql_instant(win.lo)}")
        if after:
            ts, rid = soql_instant(parse_instant(after[0])), soql_string(str(after[1]))
            parts.append(f"({CURSOR_FIELD} > {ts} OR ({CURSOR_FIELD} = {ts} AND Id > {rid}))")
        return " WHERE " + " AND ".join(parts)

    def _soql(self, spec: ObjectSpec, select: list[str], win: Window, *, after: Sequence[str] | None,
              order: bool = True) -> str:
        tail = f" ORDER BY {CURSOR_FIELD}, Id" if order else ""
        return f"SELECT {', '.join(select)} FROM {spec.name}{self._where(win, after)}{tail}"


def split(rows: Sequence[Record]) -> tuple[list[Record], list[Tombstone]]:
    """queryAll rows: live ones are records; IsDeleted ones tombstones (a merge's loser names its master)."""
    records: list[Record] = []
    tombs: list[Tombstone] = []
    for row in rows:
        if row.get("IsDeleted"):
            when = row.get(CURSOR_FIELD)
            tombs.append(Tombstone(str(row["Id"]), parse_instant(when) if when else None,
                                   merged_into=row.get("MasterRecordId") or None))
        else:
            records.append(row)
    return records, tombs


def _count(win: Window) -> int:
    return win.path.count if isinstance(win.path, RestPath | BulkPath) else 0


class _LocatorExpired(Exception):
    """A REST query locator Salesforce no longer knows: the query restarts from the window's keyset."""


class _Calls:
    """API calls spent since the last batch: each batch says what it cost."""

    def __init__(self, client: SalesforceClient) -> None:
        self.client, self._mark = client, client.calls

    def take(self) -> int:
        now = self.client.calls
        spent, self._mark = now - self._mark, now
        return spent
