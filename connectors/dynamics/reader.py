"""Reading Dataverse changes: change tracking where the table has it, ``modifiedon`` windows where it does not.

Tracked tables: the first read is a ``Prefer: odata.track-changes`` read paged by nextLink; its last page's
``@odata.deltaLink`` goes in the cursor and every later run follows it (changed rows, then ``$deletedEntity``
entries). Untracked tables: half-open windows ``[lo, hi)`` on ``modifiedon`` with ``hi = now - settle lag``, ordered
by ``(modifiedon, <pk>)`` and resumed by keyset, so ties on one second never split; deletes come from a complete id
listing taken before each window.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timedelta
from typing import Any

from connectors.base import ChangeBatch, Cursor, ObjectSpec, Tombstone
from connectors.dynamics.client import ChangeTrackingDisabled, DynamicsClient
from connectors.dynamics.metadata import Catalog
from connectors.dynamics.objects import ANNOTATIONS, MAX_PAGE
from connectors.dynamics.values import Wanted, flatten, instant_literal, parse_instant
from connectors.errors import ApiError, CursorExpired

EXPIRED_NOTE = "delta token expired; full re-read, records missing from it are tombstoned"
COLUMNS_NOTE = "mapped columns changed since the delta link was issued; full re-read"
UNTRACKED_NOTE = "change tracking is no longer enabled on this table; reading by modifiedon windows"
RESTART_NOTE = "the saved nextLink of the initial read is no longer valid; initial read restarted"
REFUSED_NOTE = "the saved delta link was refused ({}); full re-read, records missing from it are tombstoned"


class DeltaLinkRefused(CursorExpired):
    """The service refused the saved delta link as a bad request (a token it cannot read): re-read, like expiry."""


class DynamicsReader:
    def __init__(self, client: DynamicsClient, catalog: Catalog, *, settle_lag: timedelta,
                 clock: Callable[[], datetime], page_size: int = MAX_PAGE) -> None:
        self.client, self.catalog = client, catalog
        self.settle_lag, self.clock, self.page_size = settle_lag, clock, page_size

    def read(self, spec: ObjectSpec, since: Cursor, fields: Sequence[str], full_refresh: bool) -> Iterator[ChangeBatch]:
        wanted = Wanted.of(fields, always=(spec.primary_key, "modifiedon"))
        state = {} if full_refresh else dict(since.state)
        mode = state.get("mode") or ("track" if self.catalog.table(spec).tracked else "window")
        if mode == "window":
            yield from self._windowed(spec, wanted, since if state else Cursor(), ())
            return
        select = ",".join(wanted.select)
        if state.get("delta") and state.get("select") != select:
            yield from self._initial(spec, wanted, None, reconcile=True, notes=(COLUMNS_NOTE,))
        elif state.get("delta"):
            try:
                yield from self._delta(spec, wanted, state)
            except CursorExpired as exc:
                # Changes since the token are gone: read everything again and tombstone what is not there any more.
                note = REFUSED_NOTE.format(exc.message) if isinstance(exc, DeltaLinkRefused) else EXPIRED_NOTE
                yield from self._initial(spec, wanted, None, reconcile=True, notes=(note,))
            except ChangeTrackingDisabled:
                yield from self._windowed(spec, wanted, Cursor(), (UNTRACKED_NOTE,))
        else:
            yield from self._initial(spec, wanted, state.get("next"), reconcile=full_refresh, notes=())

    # --- change tracking ---------------------------------------------------------------------------------------
    def _initial(self, spec: ObjectSpec, wanted: Wanted, resume: str | None, *, reconcile: bool,
                 notes: Sequence[str]) -> Iterator[ChangeBatch]:
        """The track-changes read. A saved nextLink resumes it: its paging cookie is a keyset (the last row's key)
        and carries the snapshot version, so it stays valid; if the service refuses it all the same, the read
        restarts from scratch WITH an id reconciliation, since deletes before the new snapshot would never show."""
        select = ",".join(wanted.select)
        started = self.clock()
        url, params = (resume, None) if resume else (spec.name, {"$select": select})
        first = True
        while True:
            before = self.client.calls
            try:
                page = self.client.get(url, params=params, prefer=self._prefer(track=True), object=spec.name)
            except ApiError as exc:
                if not (resume and first and exc.status == 400):
                    raise
                yield from self._initial(spec, wanted, None, reconcile=True, notes=(*notes, RESTART_NOTE))
                return
            # Listing AFTER the first page: the snapshot is fixed by then, so a record deleted between the listing
            # and the snapshot cannot slip through; the listing lands with (not after) the first page's records.
            live = self._list_ids(spec) if reconcile and first else None
            records = [flatten(r, wanted) for r in page.get("value", [])]
            next_link = page.get("@odata.nextLink")
            if next_link:
                cursor = Cursor(None, {"mode": "track", "next": next_link, "select": select})
            else:
                cursor = Cursor(started, {"mode": "track", "delta": page["@odata.deltaLink"], "select": select})
            yield ChangeBatch(spec, records, [], cursor, self.client.calls - before, notes if first else (), live)
            if not next_link:
                return
            url, params, first = next_link, None, False

    def _delta(self, spec: ObjectSpec, wanted: Wanted, state: dict[str, Any]) -> Iterator[ChangeBatch]:
        delta, select = state["delta"], state["select"]
        url = state.get("next") or delta
        started = self.clock()
        first = True
        while True:
            before = self.client.calls
            try:
                page = self.client.get(url, prefer=self._prefer(track=False), object=spec.name)
            except ApiError as exc:
                # A saved link the service refuses as a bad request (a token it cannot read) leads to the same
                # place as an expired one: only a full re-read is sure to miss nothing.
                if first and exc.status == 400:
                    raise DeltaLinkRefused(exc.message, object=spec.name, status=400) from None
                raise
            first = False
            records, deletes = [], []
            for item in page.get("value", []):
                if _is_deleted(item):
                    deletes.append(Tombstone(str(item.get("id") or _removed_id(item))))
                else:
                    records.append(flatten(item, wanted))
            next_link = page.get("@odata.nextLink")
            if next_link:
                cursor = Cursor(None, {"mode": "track", "delta": delta, "next": next_link, "select": select})
            else:
                # Nothing changed since the link: Dataverse answers an empty JSON object, with no new delta link.
                # The link followed stays the one to follow next time.
                latest = page.get("@odata.deltaLink") or delta
                cursor = Cursor(started, {"mode": "track", "delta": latest, "select": select})
            yield ChangeBatch(spec, records, deletes, cursor, self.client.calls - before)
            if not next_link:
                return
            url = next_link

    # --- modifiedon windows --------------------------------------------------------------------------------------
    def _windowed(self, spec: ObjectSpec, wanted: Wanted, since: Cursor,
                  notes: Sequence[str]) -> Iterator[ChangeBatch]:
        state = dict(since.state)
        lo = since.watermark
        hi = parse_instant(state["hi"]) if state.get("hi") else (self.clock() - self.settle_lag).replace(microsecond=0)
        if lo is not None and hi <= lo:
            return  # nothing has settled since the last run
        pk = spec.primary_key
        last_m, last_id = state.get("last_m"), state.get("last_id")
        before = self.client.calls
        # A window started afresh lists the live ids first: deletes leave no trace an untracked query could see.
        live = self._list_ids(spec) if last_id is None else None
        while True:
            clauses = [f"modifiedon lt {instant_literal(hi)}"]
            if lo is not None:
                clauses.insert(0, f"modifiedon ge {instant_literal(lo)}")
            if last_id is not None:
                m = instant_literal(parse_instant(last_m))
                clauses.append(f"(modifiedon gt {m} or (modifiedon eq {m} and {pk} gt {last_id}))")
            params = {"$select": ",".join(wanted.select), "$filter": " and ".join(clauses),
                      "$orderby": f"modifiedon asc,{pk} asc"}
            page = self.client.get(spec.name, params=params, prefer=self._prefer(track=False), object=spec.name)
            rows = page.get("value", [])
            records = [flatten(r, wanted) for r in rows]
            if page.get("@odata.nextLink") and rows:
                last_m, last_id = rows[-1]["modifiedon"], rows[-1][pk]
                cursor = Cursor(lo, {"mode": "window", "hi": hi.isoformat(), "last_m": last_m, "last_id": last_id})
                yield ChangeBatch(spec, records, [], cursor, self.client.calls - before, notes, live)
                notes, live, before = (), None, self.client.calls
                continue
            yield ChangeBatch(spec, records, [], Cursor(hi, {"mode": "window"}), self.client.calls - before, notes,
                              live)
            return

    # --- helpers -------------------------------------------------------------------------------------------------
    def _list_ids(self, spec: ObjectSpec) -> frozenset[str]:
        """Every live id, primary key only, in pages of 5,000."""
        ids: set[str] = set()
        url = spec.name
        params: dict[str, str] | None = {"$select": spec.primary_key}
        seen: set[str] = set()
        while True:
            page = self.client.get(url, params=params, prefer=f"odata.maxpagesize={MAX_PAGE}", object=spec.name)
            ids.update(str(r[spec.primary_key]) for r in page.get("value", []))
            next_link = page.get("@odata.nextLink")
            if not next_link:
                return frozenset(ids)
            if next_link in seen:  # a repeated page token is a bug on one side, never a reason to loop for ever
                raise ApiError(f"the id listing repeated a page link: {next_link[:200]}", object=spec.name)
            seen.add(next_link)
            url, params = next_link, None

    def _prefer(self, *, track: bool) -> str:
        prefer = f"odata.maxpagesize={self.page_size},{ANNOTATIONS}"
        return prefer + ",odata.track-changes" if track else prefer


def _is_deleted(item: dict[str, Any]) -> bool:
    return "$deletedEntity" in str(item.get("@odata.context", "")) or "@removed" in item


def _removed_id(item: dict[str, Any]) -> str:
    """OData 4.01 deleted entries: ``{"@removed": {"reason": "deleted"}, "@id": ".../accounts(<guid>)"}``."""
    ref = str(item.get("@id", ""))
    return ref[ref.rfind("(") + 1:ref.rfind(")")] if "(" in ref else ref
