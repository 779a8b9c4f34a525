"""Reading Marketo leads: a first load (REST by partition for small instances, Bulk Extract otherwise), then
changes from paging tokens kept in the cursor.

Changes come from ``leadchanges`` (New Lead and Change Data Value for the mapped fields: it sees custom-field
changes that never move ``updatedAt``), Change Score activities (a score change is not a ``leadchanges`` item) and
``deletedleads`` (tombstones). The tokens are taken BEFORE the first load reads anything, so whatever changes while
it runs is read again afterwards: overlap, never loss. Each batch's cursor holds the token after its page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from connectors.base import Cascade, ChangeBatch, Cursor, ObjectSpec, Record, Tombstone
from connectors.errors import ApiError, CursorExpired
from connectors.marketo.bulk import LeadExport, UpdatedAtFilterDisabled, windows
from connectors.marketo.client import MarketoClient
from connectors.marketo.companies import with_company_key
from connectors.marketo.objects import (
    BATCH,
    CHANGE_SCORE,
    COMPANY_KEY,
    LEAD_DEPENDENTS,
    LEAD_ENVELOPE,
    RECONCILE_HOURS,
)
from connectors.marketo.values import activity_key, chunks, parse_instant, wire_instant

FLOOR = datetime(2006, 1, 1, tzinfo=UTC)  # before Marketo existed: the first window when no lead can be found
ID_PROBES = 30  # id blocks of 300 tried when looking for the oldest live lead
LEADS = "/rest/v1/leads.json"
SKEW = timedelta(days=1)  # listings end this far past our clock: a lead stamped by a CRM clock ahead of ours is kept


class LeadReader:
    def __init__(self, client: MarketoClient, *, settle_lag: timedelta, clock: Callable[[], datetime],
                 page_size: int = BATCH, bulk: str = "auto", export: LeadExport | None = None,
                 reconcile_every: timedelta = timedelta(hours=RECONCILE_HOURS)) -> None:
        self.client, self.settle_lag, self.clock = client, settle_lag, clock
        self.page_size, self.bulk = page_size, bulk  # bulk: "auto" (by count) | "always" | "never"
        self.reconcile_every = reconcile_every
        self.export = export or LeadExport(client)
        self._types: dict[str, str] | None = None

    def read(self, spec: ObjectSpec, since: Cursor, fields: Sequence[str], full_refresh: bool) -> Iterator[ChangeBatch]:
        keyed = COMPANY_KEY in fields  # derived here from the company name, never asked of Marketo
        names = sorted((set(fields) - {COMPANY_KEY}) | set(LEAD_ENVELOPE) | ({"company"} if keyed else set()))
        for batch in self._read(spec, since, names, full_refresh):
            if keyed:
                batch = replace(batch, upserts=[with_company_key(r) for r in batch.upserts])
            yield batch

    def _read(self, spec: ObjectSpec, since: Cursor, names: list[str], full_refresh: bool) -> Iterator[ChangeBatch]:
        state = dict(since.state)
        notes: list[str] = []
        if full_refresh or state.get("phase") not in ("initial", "incremental"):
            # A full refresh of a small instance also lists every live id: leads purged without a trace go.
            state = self._start(reconcile=bool(full_refresh))
        if state["phase"] == "incremental":
            try:
                yield from self._listing(spec, state)
                yield from self._changes(spec, names, state)
                return
            except CursorExpired as exc:
                notes.append(f"{exc.message}: full re-read of leads, purged ones reconciled")
                state = self._start(reconcile=True)
        yield from self._initial(spec, names, state, notes)
        yield from self._listing(spec, state)  # a reconciling bulk load: the listing follows it in the same run
        yield from self._changes(spec, names, state)

    def _start(self, *, reconcile: bool) -> dict[str, Any]:
        since = wire_instant(self.clock() - self.settle_lag)
        token = self.client.get("/rest/v1/activities/pagingtoken.json", {"sinceDatetime": since},
                                obj="leads")["nextPageToken"]
        state: dict[str, Any] = {"phase": "initial", "changes": token, "scores": token, "deleted": token}
        if reconcile:  # purged leads must go: a small instance's load lists, else a listing follows the load
            return {**state, "reconcile": True}
        return {**state, "listed_at": since}  # a first load into an empty store needs no listing

    # --- purges no feed reports ---------------------------------------------------------------------------------
    def _listing(self, spec: ObjectSpec, state: dict[str, Any]) -> Iterator[ChangeBatch]:
        """``deletedleads`` reaches back 14 days and misses purges altogether: every ``reconcile_every`` the live
        lead ids are listed (leads.json by partition when small, else a bulk export of ids only), BEFORE the
        changes are read, and the store tombstones the leads absent from it — with their activities and
        memberships, by their lead link."""
        listed = state.get("listed_at")
        if listed and self.clock() - parse_instant(listed) < self.reconcile_every:
            return
        started, before = self.clock(), self.client.calls
        ids = frozenset(str(r["id"]) for page in self.snapshot(["id"]) for r in page)
        state["listed_at"] = wire_instant(started)
        yield ChangeBatch(spec, [], [], Cursor(started, dict(state)), self.client.calls - before,
                          (f"periodic lead id listing: {len(ids)} live leads",), live_ids=ids,
                          cascades=lead_cascades())

    def snapshot(self, names: Sequence[str]) -> Iterator[list[Record]]:
        """Every live lead with these fields (ids as strings, typed as REST types them), in pages: leads.json by
        partition for small instances (up to 1,000 leads), else a ``createdAt`` bulk export per 31-day window
        (createdAt is allowed in every subscription). Pages may repeat a lead at a window boundary."""
        fields = sorted(set(names) | {"id"})
        if self.bulk != "always":
            try:
                token: str | None = None
                while True:
                    body = self.client.get(LEADS, {"filterType": "leadPartitionId", "filterValues": "1",
                                                   "fields": ",".join(fields), "batchSize": BATCH,
                                                   "nextPageToken": token}, obj="leads")
                    yield [_lead(r) for r in body.get("result") or []]
                    token = _next_page(body)
                    if not token:
                        return
            except ApiError as exc:  # answered at the first call, before anything was yielded
                if "Too many results" not in exc.message or self.bulk == "never":
                    raise
        for _, _, rows in self.export.run(fields, "createdAt", windows(self._oldest(), self.clock() + SKEW)):
            yield [self._typed(r) for r in rows]

    # --- first load ---------------------------------------------------------------------------------------------
    def _initial(self, spec: ObjectSpec, names: list[str], state: dict[str, Any],
                 notes: list[str]) -> Iterator[ChangeBatch]:
        if state.get("mode") != "bulk" and self.bulk != "always":
            try:
                yield from self._rest(spec, names, state, notes)
                return
            except ApiError as exc:
                if "Too many results" not in exc.message or self.bulk == "never":
                    raise
            state.pop("last_id", None)
        yield from self._bulk(spec, names, state, notes)

    def _rest(self, spec: ObjectSpec, names: list[str], state: dict[str, Any],
              notes: list[str]) -> Iterator[ChangeBatch]:
        """Up to 1,000 leads (above that Marketo answers 1003 "Too many results" and the bulk export takes over):
        list the default partition, which answers in id order. A resumed load lists again and skips what landed."""
        last_id = int(state.get("last_id", 0))
        token: str | None = None
        pages: list[tuple[list[Record], int]] = []
        while True:
            before = self.client.calls
            body = self.client.get(LEADS, {"filterType": "leadPartitionId", "filterValues": "1",
                                           "fields": ",".join(names), "batchSize": self.page_size,
                                           "nextPageToken": token}, obj="leads")
            pages.append(([_lead(r) for r in body.get("result") or [] if int(r["id"]) > last_id],
                          self.client.calls - before))
            token = _next_page(body)
            if not token or not state.get("reconcile"):
                yield from self._rest_pages(spec, pages, state, notes, last_id, done=not token)
                pages = []
            if not token:
                return

    def _rest_pages(self, spec: ObjectSpec, pages: list[tuple[list[Record], int]], state: dict[str, Any],
                    notes: list[str], last_id: int, *, done: bool) -> Iterator[ChangeBatch]:
        listing = frozenset(r["id"] for records, _ in pages for r in records) if state.get("reconcile") else None
        if listing is not None:
            state["listed_at"] = wire_instant(self.clock())
        for i, (records, calls) in enumerate(pages):
            last_id = max([last_id, *(int(r["id"]) for r in records)])
            final = done and i == len(pages) - 1
            state.update({"phase": "incremental", "mode": "rest"} if final else {"mode": "rest", "last_id": last_id})
            if final:
                state.pop("last_id", None)
                state.pop("reconcile", None)
            yield ChangeBatch(spec, records, [], Cursor(self.clock(), dict(state)), calls,
                              tuple([*notes, "first load through leads.json (small instance)"]),
                              live_ids=listing if i == 0 else None,
                              cascades=lead_cascades() if listing is not None and i == 0 else ())

    def _bulk(self, spec: ObjectSpec, names: list[str], state: dict[str, Any],
              notes: list[str]) -> Iterator[ChangeBatch]:
        hi = parse_instant(state["hi"]) if state.get("hi") else self.clock()
        lo = parse_instant(state["next_start"]) if state.get("next_start") else self._oldest()
        flt = state.get("filter", "updatedAt")
        state.update({"mode": "bulk", "hi": wire_instant(hi), "filter": flt})
        try:
            yield from self._windows(spec, names, state, notes, lo, hi, flt)
        except UpdatedAtFilterDisabled:
            state["filter"] = "createdAt"
            yield from self._windows(spec, names, state, notes, lo, hi, "createdAt")

    def _windows(self, spec: ObjectSpec, names: list[str], state: dict[str, Any], notes: list[str], lo: datetime,
                 hi: datetime, flt: str) -> Iterator[ChangeBatch]:
        note = ("bulk lead export filtered on updatedAt" if flt == "updatedAt" else
                "updatedAt export filter not enabled (1035): createdAt export + leadchanges")
        before = self.client.calls
        for _, end, rows in self.export.run(names, flt, windows(lo, hi)):
            records = [self._typed(r) for r in rows]
            state["next_start"] = wire_instant(end)
            if end >= hi:
                for key in ("next_start", "hi", "reconcile"):
                    state.pop(key, None)
                state["phase"] = "incremental"
            calls, before = self.client.calls - before, self.client.calls
            yield ChangeBatch(spec, records, [], Cursor(self.clock(), dict(state)), calls, (*notes, note))

    def _oldest(self) -> datetime:
        """Lead ids grow with creation: the lowest live id is the oldest live lead, and its createdAt the first
        window's start."""
        for block in range(ID_PROBES):
            ids = ",".join(str(i) for i in range(1 + block * BATCH, 1 + (block + 1) * BATCH))
            found = self.client.get(LEADS, {"filterType": "id", "filterValues": ids, "fields": "id,createdAt"},
                                    obj="leads").get("result") or []
            if found:
                return min(parse_instant(r["createdAt"]) for r in found) - timedelta(seconds=1)
        return FLOOR

    def _typed(self, row: Record) -> Record:
        """CSV gives strings: type them as the REST API would, so a lead read both ways hashes the same."""
        if self._types is None:
            body = self.client.get("/rest/v1/leads/describe2.json", obj="leads")
            self._types = {f["name"]: f["dataType"] for f in body["result"][0]["fields"]}
        out: Record = {}
        for name, value in row.items():
            kind = self._types.get(name)
            if value is None or value == "":
                continue  # the REST API leaves empty fields out
            if kind == "integer":
                out[name] = int(value)
            elif kind in ("float", "currency"):
                out[name] = float(value)
            elif kind == "boolean":
                out[name] = value == "true"
            else:
                out[name] = value
        out["id"] = str(out["id"])
        return out

    # --- changes ------------------------------------------------------------------------------------------------
    def _changes(self, spec: ObjectSpec, names: list[str], state: dict[str, Any]) -> Iterator[ChangeBatch]:
        watched = [n for n in names if n not in LEAD_ENVELOPE]
        feeds: list[tuple[str, str, dict[str, Any]]] = [
            ("changes", "/rest/v1/activities/leadchanges.json", {"fields": ",".join(watched or ["email"])})]
        if "leadScore" in names:
            feeds.append(("scores", "/rest/v1/activities.json", {"activityTypeIds": str(CHANGE_SCORE)}))
        feeds.append(("deleted", "/rest/v1/activities/deletedleads.json", {}))
        for key, path, params in feeds:
            while True:
                before = self.client.calls
                body = self._page(path, {**params, "nextPageToken": state[key], "batchSize": BATCH})
                items = body.get("result") or []  # Marketo leaves ``result`` out when nothing is new
                state[key] = body.get("nextPageToken") or state[key]
                cascades: tuple[Cascade, ...] = ()
                if key == "deleted":
                    upserts: list[Record] = []
                    deletes = [Tombstone(str(a["leadId"]), parse_instant(a["activityDate"])) for a in items]
                    # The Delete Lead activity itself outlives its lead in Marketo: it stays live in the store.
                    cascades = lead_cascades(keep=frozenset(activity_key(a) for a in items)) if items else ()
                else:
                    upserts, deletes = self.by_ids(names, [int(a["leadId"]) for a in items]), []
                watermark = max([parse_instant(a["activityDate"]) for a in items], default=None)
                yield ChangeBatch(spec, upserts, deletes, Cursor(watermark or self.clock(), dict(state)),
                                  self.client.calls - before, cascades=cascades)
                if not body.get("moreResult"):
                    break

    def _page(self, path: str, params: dict[str, Any]) -> dict[str, Any]:
        try:
            return self.client.get(path, params, obj="leads")
        except ApiError as exc:
            if "nextPageToken" in exc.message:
                raise CursorExpired(f"Marketo refused the saved paging token ({exc.message})",
                                    object="leads") from None
            raise

    def by_ids(self, names: Sequence[str], ids: Sequence[int]) -> list[Record]:
        """Current values of these leads (deleted ones simply do not come back), <= 300 ids a call."""
        unique = list(dict.fromkeys(ids))
        out: list[Record] = []
        for part in chunks(unique, BATCH):
            body = self.client.get(LEADS, {"filterType": "id", "filterValues": ",".join(map(str, part)),
                                           "fields": ",".join(names), "batchSize": BATCH}, obj="leads")
            out += [_lead(r) for r in body.get("result") or []]
        return out


def _next_page(body: dict[str, Any]) -> str | None:
    """The token of the next leads.json page, or None on the last one. Marketo can send a ``nextPageToken`` with
    ``moreResult: false`` on the last page; following it would read an empty page, again and again."""
    return str(body["nextPageToken"]) if body.get("moreResult") and body.get("nextPageToken") else None


def _lead(raw: dict[str, Any]) -> Record:
    record: Record = dict(raw)
    record["id"] = str(raw["id"])
    return record


def lead_cascades(keep: frozenset[str] = frozenset()) -> tuple[Cascade, ...]:
    """What goes with a deleted lead: its activities (but ``keep``: its Delete Lead activity) and memberships."""
    return tuple(Cascade(obj, entity, link, keep if obj == "activities" else frozenset())
                 for obj, entity, link in LEAD_DEPENDENTS)
