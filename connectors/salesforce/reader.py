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
from datetime import datetime, timedelta
from typing import Any

from connectors.base import ChangeBatch, Cursor, ObjectSpec, Record, Tombstone
from connectors.errors import ApiError
from connectors.salesforce.bulk import Bulk
from connectors.salesforce.client import SalesforceClient
from connectors.salesforce.deletes import deleted_since, live_ids
from connectors.salesforce.objects import CURSOR_FIELD, URL_HEADROOM
from connectors.salesforce.schema import Describer
from connectors.salesforce.values import flatten, parse_instant, soql_instant, soql_string
from connectors.salesforce.window import ReadSettings, plan

SUB_BATCH = 2000  # a Bulk page is yielded in slices of this many records, so the engine lands it in small units


class SalesforceReader:
    def __init__(self, client: SalesforceClient, bulk: Bulk, describer: Describer, *, settle_lag: timedelta,
                 clock: Callable[[], datetime], settings: ReadSettings) -> None:
        self.client, self.bulk, self.describer = client, bulk, describer
        self.settle_lag, self.clock, self.settings = settle_lag, clock, settings

    def read(self, spec: ObjectSpec, since: Cursor, fields: Sequence[str], full_refresh: bool) -> Iterator[ChangeBatch]:
        state = {} if full_refresh else dict(since.state)
        wm = None if full_refresh else since.watermark
        now = self.clock()
        select = self._select(spec, fields)
        win = state.pop("win", None)
        if not win:
            formulas = bool(self.describer.calculated(spec.name) & set(select))
            win = plan(spec, wm, state, now=now, settle_lag=self.settle_lag, settings=self.settings,
                       full_refresh=full_refresh, formulas_mapped=formulas)
            if win is None:
                return
        tracker = _Calls(self.client)
        notes = list(win.get("notes", ()))
        if win.get("list"):
            ids, how = live_ids(self.client, self.bulk, spec.name, threshold=self.settings.bulk_threshold)
            win = {**win, "list": False}
            state["reconciled_at"] = now.isoformat()
            yield ChangeBatch(spec, [], [], Cursor(wm, {**state, "win": win}), tracker.take(),
                              [*notes, f"Id reconciliation: {len(ids):,} live ids listed ({how})"],
                              live_ids=frozenset(ids))
        if "mode" not in win:
            win = {**win, **self._choose(spec, select, win)}
            if win["mode"] == "bulk":
                notes.append(f"read through Bulk API 2.0 ({win['why']})")
        seen_deleted: set[str] = set()
        if win["mode"] == "rest":
            pages = self._rest(spec, select, win)
        elif win["mode"] == "bulk":
            pages = self._bulk(spec, select, win)
        else:
            pages = iter(())
        for records, tombs, win in pages:
            seen_deleted.update(t.source_id for t in tombs)
            yield ChangeBatch(spec, records, tombs, Cursor(wm, {**state, "win": win}), tracker.take(), notes)
        tombs = []
        if win.get("dlo"):
            tombs = [t for t in deleted_since(self.client, spec.name, parse_instant(win["dlo"]),
                                              parse_instant(win["hi"]), now) if t.source_id not in seen_deleted]
        done = {k: v for k, v in state.items() if k in ("reconciled_at", "formulas_at")}
        if win.get("full"):
            done.update(formulas_at=now.isoformat(), reconciled_at=done.get("reconciled_at") or now.isoformat())
        yield ChangeBatch(spec, [], tombs, Cursor(parse_instant(win["hi"]), done), tracker.take(), notes)

    # --- choosing the path ------------------------------------------------------------------------------------
    def _choose(self, spec: ObjectSpec, select: list[str], win: dict[str, Any]) -> dict[str, Any]:
        where = self._where(win, None)
        endpoint = "queryAll" if win["all"] else "query"
        count = int(self.client.get_json(endpoint, obj=spec.name, params={
            "q": f"SELECT COUNT() FROM {spec.name}{where}"})["totalSize"])
        if count == 0:
            return {"mode": "none", "count": 0}
        soql = self._soql(spec, select, win, after=None)
        wide = self.client.url_length(endpoint, {"q": soql}) > self.settings.url_limit - URL_HEADROOM
        if wide:
            return {"mode": "bulk", "count": count, "why": f"{len(select)} fields make the query URL too long"}
        if count >= self.settings.bulk_threshold:
            return {"mode": "bulk", "count": count,
                    "why": f"COUNT() {count:,} >= bulk_threshold {self.settings.bulk_threshold:,}"}
        return {"mode": "rest", "count": count}

    # --- REST: keyset-anchored queries, nextRecordsUrl inside one ----------------------------------------------
    def _rest(self, spec: ObjectSpec, select: list[str],
              win: dict[str, Any]) -> Iterator[tuple[list[Record], list[Tombstone], dict[str, Any]]]:
        endpoint = "queryAll" if win["all"] else "query"
        headers = {"Sforce-Query-Options": f"batchSize={self.settings.page_size}"}
        next_url: str | None = None
        while True:
            try:
                if next_url:
                    body = self.client.get_json(next_url, obj=spec.name, headers=headers)
                else:
                    soql = self._soql(spec, select, win, after=win.get("after"))
                    body = self.client.get_json(endpoint, obj=spec.name, params={"q": soql}, headers=headers)
            except ApiError as exc:
                if next_url and "INVALID_QUERY_LOCATOR" in exc.message:
                    next_url = None  # the locator expired (15 minutes idle): the keyset says where we were
                    continue
                raise
            rows = [flatten(r) for r in body.get("records", [])]
            if rows:
                win = {**win, "after": [rows[-1][CURSOR_FIELD], rows[-1]["Id"]]}
            records, tombs = split(rows)
            next_url = None if body.get("done", True) else body.get("nextRecordsUrl")
            yield records, tombs, win
            if not next_url:
                return

    # --- Bulk 2.0: one job per window, resumed by its locator ---------------------------------------------------
    def _bulk(self, spec: ObjectSpec, select: list[str],
              win: dict[str, Any]) -> Iterator[tuple[list[Record], list[Tombstone], dict[str, Any]]]:
        types = self.describer.types(spec.name)
        if win.get("bulk_done"):
            return
        job = win.get("job")
        if job:
            try:
                self.bulk.wait(spec.name, job)
            except ApiError:
                job = None  # results gone (or the job failed): run the window's query again
        if not job:
            soql = self._soql(spec, select, win, after=None, order=False)
            job = self.bulk.start_query(spec.name, soql, include_deleted=win["all"])
            win = {**win, "job": job, "locator": None}
            self.bulk.wait(spec.name, job)
        for page in self.bulk.pages(spec.name, job, win.get("locator"), types):
            before = win
            after = {**win, "locator": page.locator, "bulk_done": page.locator is None}
            for start in range(0, max(len(page.rows), 1), SUB_BATCH):
                last = start + SUB_BATCH >= len(page.rows)
                records, tombs = split(page.rows[start:start + SUB_BATCH])
                # Only the page's last slice may carry the cursor past the page: a crash before it re-reads it.
                yield records, tombs, after if last else before
            win = after

    # --- SOQL ------------------------------------------------------------------------------------------------
    def _select(self, spec: ObjectSpec, fields: Sequence[str]) -> list[str]:
        wanted = ["Id", CURSOR_FIELD]
        if spec.options.get("deletes"):
            wanted.append("IsDeleted")
        if spec.options.get("mergeable"):
            wanted.append("MasterRecordId")
        seen = {w.lower() for w in wanted}
        for f in sorted(fields):
            if f.lower() not in seen and f.lower() != "id":
                wanted.append(f)
                seen.add(f.lower())
        return wanted

    def _where(self, win: dict[str, Any], after: Sequence[str] | None) -> str:
        parts = [f"{CURSOR_FIELD} < {soql_instant(parse_instant(win['hi']))}"]
        if win.get("lo"):
            parts.insert(0, f"{CURSOR_FIELD} >= {soql_instant(parse_instant(win['lo']))}")
        if after:
            ts, rid = soql_instant(parse_instant(after[0])), soql_string(str(after[1]))
            parts.append(f"({CURSOR_FIELD} > {ts} OR ({CURSOR_FIELD} = {ts} AND Id > {rid}))")
        return " WHERE " + " AND ".join(parts)

    def _soql(self, spec: ObjectSpec, select: list[str], win: dict[str, Any], *, after: Sequence[str] | None,
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


class _Calls:
    """API calls spent since the last batch: each batch says what it cost."""

    def __init__(self, client: SalesforceClient) -> None:
        self.client, self._mark = client, client.calls

    def take(self) -> int:
        now = self.client.calls
        spent, self._mark = now - self._mark, now
        return spent
