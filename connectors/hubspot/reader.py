"""Reading HubSpot changes: the list API for the first load, search windows after it, archived lists for deletes.

Windows are half-open ``[lo, hi)`` on the modified property with ``hi = now - settle lag``. Inside a window every
query is sorted by ``hs_object_id`` and anchored on the last id landed (``hs_object_id > last``), never on ``after``:
ties on the modified time never split, and the 10,000-result cap is never approached even when 15,000 records
share one timestamp. The cursor carries the window and the last id, so a crash resumes inside the window.

Archived lists show archives, never purges (a GDPR delete, a merge's loser the survivor no longer names): a
complete id listing (``ChangeBatch.live_ids``, list API ids only) is yielded ahead of the records on every full
refresh and, on incremental reads, when ``reconcile_every`` has passed since the last one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from connectors.base import Cascade, ChangeBatch, Cursor, ObjectSpec, Record, Tombstone, options_of
from connectors.http.paging import Body, JsonPathToken, walk
from connectors.hubspot.client import HubSpotClient
from connectors.hubspot.listings import RoleReader, read_stages
from connectors.hubspot.objects import (
    ASSOC_BATCH,
    LIST_PAGE,
    OWNERS_PAGE,
    RECONCILE_HOURS,
    SEARCH_PAGE,
    HubSpotOptions,
    modified_property,
)
from connectors.hubspot.state import HubSpotState, ListPhase, OwnersPhase, Phase, SearchPhase
from connectors.hubspot.users import OWNER_SUFFIX, UserOwners
from connectors.hubspot.values import epoch_ms, flatten, parse_instant

AFTER = JsonPathToken(("paging", "next", "after"))  # every HubSpot list pages by ``paging.next.after``


@dataclass(frozen=True, slots=True)
class LastIdAnchor:
    """Search inside a window re-anchors on the last id of a full page (``hs_object_id > last``), never on
    ``after``: the next page's token is that id while the page was full and more results remain."""

    page_size: int

    def next_token(self, body: Body) -> str | None:
        results = body.get("results")
        if not isinstance(results, list) or len(results) != self.page_size:
            return None
        total = body.get("total", 0)
        more = isinstance(total, int | str) and int(total) > len(results)
        return str(int(results[-1]["id"])) if more else None


LAST_ID = LastIdAnchor(SEARCH_PAGE)


class HubSpotReader:
    def __init__(self, client: HubSpotClient, *, settle_lag: timedelta, clock: Callable[[], datetime],
                 reconcile_every: timedelta = timedelta(hours=RECONCILE_HOURS)) -> None:
        self.client, self.settle_lag, self.clock = client, settle_lag, clock
        self.reconcile_every = reconcile_every

    def read(self, spec: ObjectSpec, since: Cursor, fields: Sequence[str], full_refresh: bool) -> Iterator[ChangeBatch]:
        state = HubSpotState.from_state(since.state, connection=self.connection, object=spec.name).phase
        api = options_of(spec, HubSpotOptions).api
        if api == "owners":
            yield from self._owners(spec)
            return
        if api == "pipelines":
            yield from read_stages(self.client, spec, self.clock())
            return
        if api == "roles":
            yield from RoleReader(self.client, self).read(spec, since, full_refresh)
            return
        users = UserOwners(self.client, fields)
        props = self._properties(spec, fields)
        resuming = isinstance(state, ListPhase)  # a first load or full refresh that stopped part-way
        if full_refresh and not resuming:
            # The store may hold records archived or purged before this read began: only a listing tells which.
            state = ListPhase(hi=self.clock() - self.settle_lag, reconciled_at=self.clock())
            yield self._listing(spec, Cursor(None, HubSpotState(state).to_state()))
        if full_refresh or resuming or (since.watermark is None and not isinstance(state, SearchPhase)):
            yield from self._initial(spec, props, fields, state if isinstance(state, ListPhase) else None, users)
            return
        yield from self._incremental(spec, props, fields, since.watermark,
                                     state if isinstance(state, SearchPhase) else SearchPhase(), users)

    # --- first load: the list API, ordered by id ---------------------------------------------------------------
    def _initial(self, spec: ObjectSpec, props: list[str], fields: Sequence[str],
                 state: ListPhase | None, users: UserOwners) -> Iterator[ChangeBatch]:
        hi = state.hi if state else self.clock() - self.settle_lag
        # A first load into an empty stream sees every live record as of hi: the next listing is due from then.
        reconciled_at = (state.reconciled_at if state else None) or hi
        calls_before = self.client_calls()
        for page, after in walk(lambda token: self.client.list_page(spec.name, after=token, properties=props,
                                                                    limit=LIST_PAGE),
                                AFTER, start=state.after if state else None, connection=self.connection,
                                object=spec.name):
            records = [flatten(r) for r in page.get("results", [])]
            self._associate(spec, records, fields)
            users.fill(records)
            phase: Phase = (SearchPhase(archived_since=hi, reconciled_at=reconciled_at) if after is None
                            else ListPhase(hi, reconciled_at, after))
            cursor = Cursor(hi if after is None else None, HubSpotState(phase).to_state())
            yield ChangeBatch(spec, records, self._merged(spec, records), cursor, self.client_calls() - calls_before,
                              cascades=_cascades(spec))
            calls_before = self.client_calls()

    # --- id reconciliation: every live id, before any record of the read ---------------------------------------
    def _listing(self, spec: ObjectSpec, cursor: Cursor) -> ChangeBatch:
        calls_before = self.client_calls()
        ids: set[str] = set()
        # The list API, not search: search is eventually consistent and would miss records saved just now.
        for page, _ in walk(lambda token: self.client.list_page(spec.name, after=token, properties=["hs_object_id"],
                                                                limit=LIST_PAGE),
                            AFTER, connection=self.connection, object=spec.name):
            ids.update(str(r["id"]) for r in page.get("results", []))
        note = f"id reconciliation: {len(ids):,} live ids listed"
        return ChangeBatch(spec, [], [], cursor, self.client_calls() - calls_before, (note,), live_ids=frozenset(ids),
                           cascades=_cascades(spec))

    def _reconcile_due(self, state: SearchPhase) -> bool:
        done = state.reconciled_at
        return done is None or self.clock() - done >= self.reconcile_every

    # --- incremental: search windows anchored on the id ------------------------------------------------------
    def _incremental(self, spec: ObjectSpec, props: list[str], fields: Sequence[str], lo: datetime | None,
                     state: SearchPhase, users: UserOwners) -> Iterator[ChangeBatch]:
        hi = state.window_hi or self.clock() - self.settle_lag
        if lo is not None and hi <= lo:
            return  # nothing has settled since the last run
        if state.window_hi is None and self._reconcile_due(state):
            # Only as a window starts: a resumed window's records are already partly landed after its listing.
            state = replace(state, reconciled_at=self.clock())
            yield self._listing(spec, Cursor(lo, HubSpotState(state).to_state()))
        modified = modified_property(spec)

        def fetch(anchor: str | None) -> dict[str, Any]:
            filters = [{"propertyName": modified, "operator": "LT", "value": epoch_ms(hi)},
                       {"propertyName": "hs_object_id", "operator": "GT", "value": anchor or "0"}]
            if lo is not None:
                filters.insert(0, {"propertyName": modified, "operator": "GTE", "value": epoch_ms(lo)})
            return self.client.search_page(spec.name, {
                "filterGroups": [{"filters": filters}],
                "sorts": [{"propertyName": "hs_object_id", "direction": "ASCENDING"}],
                "properties": props, "limit": SEARCH_PAGE,
            })

        calls_before = self.client_calls()
        for page, anchor in walk(fetch, LAST_ID, start=str(state.last_id) if state.last_id else None,
                                 connection=self.connection, object=spec.name):
            records = [flatten(r) for r in page.get("results", [])]
            self._associate(spec, records, fields)
            users.fill(records)
            if anchor is not None:
                window = SearchPhase(state.archived_since, state.reconciled_at, window_hi=hi, last_id=int(anchor))
                cursor = Cursor(lo, HubSpotState(window).to_state())
                yield ChangeBatch(spec, records, self._merged(spec, records), cursor,
                                  self.client_calls() - calls_before)
                calls_before = self.client_calls()
                continue
            # The window is complete: deletes up to hi, then the watermark moves to hi with the same batch.
            deletes = self._merged(spec, records) + self._archived(spec, state.archived_since or lo, hi)
            cursor = Cursor(hi, HubSpotState(SearchPhase(hi, state.reconciled_at)).to_state())
            yield ChangeBatch(spec, records, deletes, cursor, self.client_calls() - calls_before,
                              cascades=_cascades(spec))

    def _archived(self, spec: ObjectSpec, lo: datetime | None, hi: datetime) -> list[Tombstone]:
        """HubSpot search never returns archived records: read the archived list, keep those archived in [lo, hi)."""
        out: list[Tombstone] = []
        for page, _ in walk(lambda token: self.client.list_page(spec.name, after=token, properties=["hs_object_id"],
                                                                archived=True, limit=LIST_PAGE),
                            AFTER, connection=self.connection, object=spec.name):
            for r in page.get("results", []):
                at = parse_instant(r.get("archivedAt")) if r.get("archivedAt") else None
                if at is None or ((lo is None or at >= lo) and at < hi):
                    out.append(Tombstone(str(r["id"]), at))
        return out

    # --- owners: a small list with no search; read whole, unchanged rows cost nothing downstream ---------------
    def _owners(self, spec: ObjectSpec) -> Iterator[ChangeBatch]:
        for archived in (False, True):
            calls_before = self.client_calls()
            def fetch(token: str | None, archived: bool = archived) -> dict[str, Any]:
                return self.client.owners_page(after=token, archived=archived, limit=OWNERS_PAGE)

            for page, after in walk(fetch, AFTER, connection=self.connection, object=spec.name):
                rows = [_owner(o) for o in page.get("results", [])]
                last = archived and after is None
                cursor = Cursor(self.clock() if last else None, HubSpotState(OwnersPhase()).to_state())
                if archived:
                    deletes = [Tombstone(r["id"], parse_instant(r.get("updatedAt"))) for r in rows]
                    yield ChangeBatch(spec, [], deletes, cursor, self.client_calls() - calls_before)
                else:
                    yield ChangeBatch(spec, rows, [], cursor, self.client_calls() - calls_before)
                calls_before = self.client_calls()

    # --- helpers --------------------------------------------------------------------------------------------------
    def _properties(self, spec: ObjectSpec, fields: Sequence[str]) -> list[str]:
        """Only mapped properties are requested, plus what the reader itself needs."""
        wanted = {f for f in fields if not f.startswith("associations.") and f not in ("id", "createdAt", "updatedAt",
                                                                                      "archived", "archivedAt")}
        wanted = {f.removesuffix(OWNER_SUFFIX) for f in wanted}  # a user field's owner: the user id is read
        wanted |= {modified_property(spec), "hs_object_id", "createdate"}
        if options_of(spec, HubSpotOptions).mergeable:
            wanted.add("hs_merged_object_ids")
        return sorted(wanted)

    def _associate(self, spec: ObjectSpec, records: list[Record], fields: Sequence[str]) -> None:
        """Fill ``associations.<type>`` (first associated id) for the types a mapping asked for: one call a page."""
        types = [f.split(".", 1)[1] for f in fields if f.startswith("associations.")]
        if not records:
            return
        for to_type in types:
            ids = [r["id"] for r in records]
            found: dict[str, str] = {}
            for start in range(0, len(ids), ASSOC_BATCH):
                page = self.client.associations(spec.name, to_type, ids[start:start + ASSOC_BATCH])
                for row in page.get("results", []):
                    targets = row.get("to") or []
                    if targets:
                        found[str(row["from"]["id"])] = str(targets[0]["toObjectId"])
            for r in records:
                r[f"associations.{to_type}"] = found.get(r["id"])

    @staticmethod
    def _merged(spec: ObjectSpec, records: Sequence[Record]) -> list[Tombstone]:
        """A merge absorbs records into a survivor: they vanish without an archive entry, so tombstone them here."""
        out: list[Tombstone] = []
        for r in records:
            merged = r.get("hs_merged_object_ids")
            if merged:
                modified = options_of(spec, HubSpotOptions).modified
                when = parse_instant((r.get(modified) if modified else None) or r.get("updatedAt"))
                out += [Tombstone(m.strip(), when, merged_into=r["id"]) for m in str(merged).split(";") if m.strip()]
        return out

    def client_calls(self) -> int:
        return self.client.calls

    @property
    def connection(self) -> str:
        return self.client.connection


def _cascades(spec: ObjectSpec) -> tuple[Cascade, ...]:
    return options_of(spec, HubSpotOptions).cascades


def _owner(o: dict[str, Any]) -> Record:
    teams = o.get("teams") or []
    primary = next((t for t in teams if t.get("primary")), teams[0] if teams else None)
    return {"id": str(o["id"]), "email": o.get("email"), "firstName": o.get("firstName"),
            "lastName": o.get("lastName"), "userId": o.get("userId"), "createdAt": o.get("createdAt"),
            "updatedAt": o.get("updatedAt"), "archived": o.get("archived", False),
            "team": primary.get("name") if primary else None}
