"""Reading Marketo leads: a first load (REST by partition for small instances, Bulk Extract otherwise), then
changes from paging tokens kept in the cursor.

Changes come from ``leadchanges`` (New Lead and Change Data Value for the mapped fields: it sees custom-field
changes that never move ``updatedAt``), Change Score activities (a score change is not a ``leadchanges`` item) and
``deletedleads`` (tombstones). The tokens are taken BEFORE the first load reads anything, so whatever changes while
it runs is read again afterwards: overlap, never loss. Each batch's cursor holds the token after its page. Tokens
refused once the load is done (expired while a resumed load waited, or issued by another instance) are taken again
from that same instant (``LeadState.since``): the load stands.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from connectors.base import Cascade, ChangeBatch, Cursor, ObjectSpec, Record, Tombstone
from connectors.errors import ApiError, CursorExpired
from connectors.http.paging import MoreResultToken, walk
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
from connectors.marketo.state import Feed, LeadState
from connectors.marketo.values import activity_key, chunks, parse_instant, wire_instant

FLOOR = datetime(2006, 1, 1, tzinfo=UTC)  # before Marketo existed: the first window when no lead can be found
ID_PROBES = 30  # id blocks of 300 tried when looking for the oldest live lead
LEADS = "/rest/v1/leads.json"
FEED_REACH = timedelta(days=14)  # deletedleads answers Delete Lead activities this far back, no further
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
        saved = None if full_refresh else LeadState.from_state(since.state, connection=self.client.connection,
                                                               object=spec.name)
        notes: list[str] = []
        # A full refresh of a small instance also lists every live id: leads purged without a trace go.
        state = saved or self._start(reconcile=bool(full_refresh))
        if state.phase == "incremental":
            try:
                state = yield from self._listing(spec, state)
                yield from self._changes(spec, names, state, notes)
                return
            except CursorExpired as exc:
                notes.append(f"{exc.message}: full re-read of leads, purged ones reconciled")
                state = self._start(reconcile=True)
        taken = state.tokens_since()
        state = yield from self._initial(spec, names, state, notes)
        state = yield from self._listing(spec, state)  # a reconciling bulk load: the listing follows it
        try:
            yield from self._changes(spec, names, state, notes)
            return
        except CursorExpired as exc:
            # The tokens were taken before the load read anything (a resumed load's, maybe days before, or by a
            # release whose tokens this instance no longer honours). Fresh ones from that same instant see every
            # change since, the leads landed before it included: the load stands. Only when that instant is
            # unknown or beyond the feeds' reach is the load itself done again, reconciling purges, as above.
            if taken is not None and self.clock() - taken <= FEED_REACH:
                taken = min(taken, self._now_settled())  # a saved instant ahead of our clock starts from now
                token = self._token(taken)
                notes.append(f"{exc.message}: fresh paging tokens from {wire_instant(taken)}, when the first "
                             "load's tokens were taken")
                state = replace(state, changes=token, scores=token, deleted=token)
            else:  # unknown, or older than deletedleads reaches back: a deletion before it shows nowhere
                notes.append(f"{exc.message}: full re-read of leads, purged ones reconciled")
                state = self._start(reconcile=True)
                state = yield from self._initial(spec, names, state, notes)
                state = yield from self._listing(spec, state)
        yield from self._changes(spec, names, state, notes)  # freshly taken tokens: a refusal now fails the run

    def _start(self, *, reconcile: bool) -> LeadState:
        since = self._now_settled()
        token = self._token(since)
        if reconcile:  # purged leads must go: a small instance's load lists, else a listing follows the load
            return LeadState(token, token, token, reconcile=True, since=since)
        # A first load into an empty store needs no listing.
        return LeadState(token, token, token, listed_at=since, since=since)

    def _now_settled(self) -> datetime:
        return (self.clock() - self.settle_lag).replace(microsecond=0)

    def _token(self, since: datetime) -> str:
        return str(self.client.get("/rest/v1/activities/pagingtoken.json", {"sinceDatetime": wire_instant(since)},
                                   obj="leads")["nextPageToken"])

    # --- purges no feed reports ---------------------------------------------------------------------------------
    def _listing(self, spec: ObjectSpec, state: LeadState) -> Generator[ChangeBatch, None, LeadState]:
        """``deletedleads`` reaches back 14 days and misses purges altogether: every ``reconcile_every`` the live
        lead ids are listed (leads.json by partition when small, else a bulk export of ids only), BEFORE the
        changes are read, and the store tombstones the leads absent from it — with their activities and
        memberships, by their lead link."""
        if state.listed_at and self.clock() - state.listed_at < self.reconcile_every:
            return state
        started, before = self.clock(), self.client.calls
        ids = frozenset(str(r["id"]) for page in self.snapshot(["id"]) for r in page)
        state = replace(state, listed_at=started.replace(microsecond=0))
        yield ChangeBatch(spec, [], [], Cursor(started, state.to_state()), self.client.calls - before,
                          (f"periodic lead id listing: {len(ids)} live leads",), live_ids=ids,
                          cascades=lead_cascades())
        return state

    def snapshot(self, names: Sequence[str]) -> Iterator[list[Record]]:
        """Every live lead with these fields (ids as strings, typed as REST types them), in pages: leads.json by
        partition for small instances (up to 1,000 leads), else a ``createdAt`` bulk export per 31-day window
        (createdAt is allowed in every subscription). Pages may repeat a lead at a window boundary."""
        fields = sorted(set(names) | {"id"})
        if self.bulk != "always":
            try:
                for body, _ in self._partition(fields, BATCH):
                    yield [_lead(r) for r in body.get("result") or []]
                return
            except ApiError as exc:  # answered at the first call, before anything was yielded
                if "Too many results" not in exc.message or self.bulk == "never":
                    raise
        for _, _, rows in self.export.run(fields, "createdAt", windows(self._oldest(), self.clock() + SKEW)):
            yield [self._typed(r) for r in rows]

    # --- first load ---------------------------------------------------------------------------------------------
    def _initial(self, spec: ObjectSpec, names: list[str], state: LeadState,
                 notes: list[str]) -> Generator[ChangeBatch, None, LeadState]:
        if state.mode != "bulk" and self.bulk != "always":
            try:
                return (yield from self._rest(spec, names, state, notes))
            except ApiError as exc:
                if "Too many results" not in exc.message or self.bulk == "never":
                    raise
            state = replace(state, last_id=None)
        return (yield from self._bulk(spec, names, state, notes))

    def _partition(self, fields: Sequence[str], size: int) -> Iterator[tuple[dict[str, Any], str | None]]:
        """The default lead partition's pages (leads.json answers them in id order)."""
        def fetch(token: str | None) -> dict[str, Any]:
            return self.client.get(LEADS, {"filterType": "leadPartitionId", "filterValues": "1",
                                           "fields": ",".join(fields), "batchSize": size, "nextPageToken": token},
                                   obj="leads")

        # Marketo can send a ``nextPageToken`` with ``moreResult: false`` on the last page; following it would
        # read an empty page, again and again: MoreResultToken stops there.
        return walk(fetch, MoreResultToken(), connection=self.client.connection, object="leads")

    def _rest(self, spec: ObjectSpec, names: list[str], state: LeadState,
              notes: list[str]) -> Generator[ChangeBatch, None, LeadState]:
        """Up to 1,000 leads (above that Marketo answers 1003 "Too many results" and the bulk export takes over):
        list the default partition, which answers in id order. A resumed load lists again and skips what landed."""
        last_id = state.last_id or 0
        pages: list[tuple[list[Record], int]] = []
        before = self.client.calls
        for body, token in self._partition(names, self.page_size):
            pages.append(([_lead(r) for r in body.get("result") or [] if int(r["id"]) > last_id],
                          self.client.calls - before))
            if not token or not state.reconcile:
                state = yield from self._rest_pages(spec, pages, state, notes, last_id, done=not token)
                pages = []
            before = self.client.calls
        return state

    def _rest_pages(self, spec: ObjectSpec, pages: list[tuple[list[Record], int]], state: LeadState,
                    notes: list[str], last_id: int, *, done: bool) -> Generator[ChangeBatch, None, LeadState]:
        listing = frozenset(r["id"] for records, _ in pages for r in records) if state.reconcile else None
        if listing is not None:
            state = replace(state, listed_at=self.clock().replace(microsecond=0))
        for i, (records, calls) in enumerate(pages):
            last_id = max([last_id, *(int(r["id"]) for r in records)])
            final = done and i == len(pages) - 1
            state = (replace(state, phase="incremental", mode="rest", last_id=None, reconcile=False, since=None)
                     if final else
                     replace(state, mode="rest", last_id=last_id))
            yield ChangeBatch(spec, records, [], Cursor(self.clock(), state.to_state()), calls,
                              tuple([*notes, "first load through leads.json (small instance)"]),
                              live_ids=listing if i == 0 else None,
                              cascades=lead_cascades() if listing is not None and i == 0 else ())
        return state

    def _bulk(self, spec: ObjectSpec, names: list[str], state: LeadState,
              notes: list[str]) -> Generator[ChangeBatch, None, LeadState]:
        hi = state.hi or self.clock()
        lo = state.next_start or self._oldest()
        flt = state.filter or "updatedAt"
        state = replace(state, mode="bulk", hi=hi, filter=flt)
        try:
            return (yield from self._windows(spec, names, state, notes, lo, hi, flt))
        except UpdatedAtFilterDisabled:
            state = replace(state, filter="createdAt")
            return (yield from self._windows(spec, names, state, notes, lo, hi, "createdAt"))

    def _windows(self, spec: ObjectSpec, names: list[str], state: LeadState, notes: list[str], lo: datetime,
                 hi: datetime, flt: str) -> Generator[ChangeBatch, None, LeadState]:
        note = ("bulk lead export filtered on updatedAt" if flt == "updatedAt" else
                "updatedAt export filter not enabled (1035): createdAt export + leadchanges")
        before = self.client.calls
        for _, end, rows in self.export.run(names, flt, windows(lo, hi)):
            records = [self._typed(r) for r in rows]
            state = (replace(state, next_start=None, hi=None, reconcile=False, phase="incremental", since=None)
                     if end >= hi else replace(state, next_start=end))
            calls, before = self.client.calls - before, self.client.calls
            yield ChangeBatch(spec, records, [], Cursor(self.clock(), state.to_state()), calls, (*notes, note))
        return state

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
    def _changes(self, spec: ObjectSpec, names: list[str], state: LeadState,
                 notes: Sequence[str] = ()) -> Iterator[ChangeBatch]:
        watched = [n for n in names if n not in LEAD_ENVELOPE]
        feeds: list[tuple[Feed, str, dict[str, Any]]] = [
            ("changes", "/rest/v1/activities/leadchanges.json", {"fields": ",".join(watched or ["email"])})]
        if "leadScore" in names:
            feeds.append(("scores", "/rest/v1/activities.json", {"activityTypeIds": str(CHANGE_SCORE)}))
        feeds.append(("deleted", "/rest/v1/activities/deletedleads.json", {}))
        for key, path, params in feeds:
            def fetch(token: str | None, path: str = path, params: dict[str, Any] = params) -> dict[str, Any]:
                return self._page(path, {**params, "nextPageToken": token, "batchSize": BATCH})

            before = self.client.calls
            for body, _ in walk(fetch, MoreResultToken(), start=state.token(key), connection=self.client.connection,
                                object=spec.name):
                items = body.get("result") or []  # Marketo leaves ``result`` out when nothing is new
                # The last page's token (moreResult false) is where the next run starts: it is kept all the same.
                state = state.with_token(key, str(body.get("nextPageToken") or state.token(key)))
                cascades: tuple[Cascade, ...] = ()
                if key == "deleted":
                    upserts: list[Record] = []
                    deletes = [Tombstone(str(a["leadId"]), parse_instant(a["activityDate"])) for a in items]
                    # The Delete Lead activity itself outlives its lead in Marketo: it stays live in the store.
                    cascades = lead_cascades(keep=frozenset(activity_key(a) for a in items)) if items else ()
                else:
                    upserts, deletes = self.by_ids(names, [int(a["leadId"]) for a in items]), []
                watermark = max([parse_instant(a["activityDate"]) for a in items], default=None)
                yield ChangeBatch(spec, upserts, deletes, Cursor(watermark or self.clock(), state.to_state()),
                                  self.client.calls - before, tuple(notes), cascades=cascades)
                before = self.client.calls

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


def _lead(raw: dict[str, Any]) -> Record:
    record: Record = dict(raw)
    record["id"] = str(raw["id"])
    return record


def lead_cascades(keep: frozenset[str] = frozenset()) -> tuple[Cascade, ...]:
    """What goes with a deleted lead: its activities (but ``keep``: its Delete Lead activity) and memberships."""
    return tuple(Cascade(obj, entity, link, keep if obj == "activities" else frozenset())
                 for obj, entity, link in LEAD_DEPENDENTS)
