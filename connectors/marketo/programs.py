"""Marketo programs (Asset API) and their members (Lead Database API).

Programs are read by ``updatedAt`` windows (``earliestUpdatedAt``/``latestUpdatedAt``, 200 a page by offset), the
window closed at its start and ending at now - settle lag; every ``reconcile_every`` the whole program list is read
instead, and its ids are the listing that turns deleted programs into tombstones. The Asset API writes datetimes
as ``2017-01-06T21:06:42Z+0000`` (a ``Z`` and an offset), normalised here.

Members: a membership change never moves its program's ``updatedAt``, and no feed reports removals, so every read
lists every program's members (``filterType=reachedSuccess&filterValues=true,false``: all of them, 300 a page)
and carries the complete id listing (``"programId:leadId"``); unchanged members cost the store no write.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from connectors.base import ChangeBatch, Cursor, ObjectSpec, Record
from connectors.errors import ApiError
from connectors.http.paging import Body, walk
from connectors.marketo.client import MarketoClient
from connectors.marketo.objects import BATCH, MAX_RETURN, RECONCILE_HOURS
from connectors.marketo.state import MemberState, ProgramState
from connectors.marketo.values import parse_instant, wire_instant

PROGRAMS = "/rest/asset/v1/programs.json"
MEMBER_FIELDS = ("leadId", "programId", "progressionStatus", "progressionStatusType", "reachedSuccess",
                 "reachedSuccessDate", "membershipDate", "createdAt", "updatedAt")
_ASSET_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})Z([+-]\d{4})$")


def asset_instant(value: Any) -> str | None:
    """``2017-01-06T21:06:42Z+0000`` -> ``2017-01-06T21:06:42Z`` (the offset applied, never dropped)."""
    if value in (None, ""):
        return None
    text = str(value).strip()
    match = _ASSET_TIME.match(text)
    if match:
        text = f"{match.group(1)}{match.group(2)[:3]}:{match.group(2)[3:]}"
    return wire_instant(parse_instant(text))


def program_record(raw: dict[str, Any]) -> Record:
    record: Record = {k: v for k, v in raw.items() if k not in ("folder", "tags", "costs")}
    record["id"] = str(raw["id"])
    record["createdAt"], record["updatedAt"] = asset_instant(raw.get("createdAt")), asset_instant(raw.get("updatedAt"))
    folder = raw.get("folder") or {}
    record["folderName"] = folder.get("folderName")
    record["active"] = raw.get("status") in ("on", "unlocked", "")
    record["cost"] = sum(float(c.get("cost") or 0) for c in raw.get("costs") or []) or None
    return record


class Offset:
    """The Asset API pages by ``offset``: a full page of ``size`` means another may follow. One walk each: it
    counts the pages it has seen."""

    def __init__(self, size: int) -> None:
        self.size, self.offset = size, 0

    def next_token(self, body: Body) -> str | None:
        items = body.get("result")
        if not isinstance(items, list) or len(items) < self.size:
            return None
        self.offset += self.size
        return str(self.offset)


@dataclass(frozen=True, slots=True)
class MemberPages:
    """Program members: the token counts unless ``moreResult`` is present and false."""

    def next_token(self, body: Body) -> str | None:
        token = body.get("nextPageToken")
        return str(token) if token and body.get("moreResult", True) else None


MEMBER_PAGES = MemberPages()


class ProgramReader:
    def __init__(self, client: MarketoClient, *, settle_lag: timedelta, clock: Callable[[], datetime],
                 reconcile_every: timedelta = timedelta(hours=RECONCILE_HOURS)) -> None:
        self.client, self.settle_lag, self.clock = client, settle_lag, clock
        self.reconcile_every = reconcile_every

    def read(self, spec: ObjectSpec, since: Cursor, full_refresh: bool) -> Iterator[ChangeBatch]:
        state = ProgramState() if full_refresh else ProgramState.from_state(
            since.state, connection=self.client.connection, object=spec.name)
        hi = self.clock() - self.settle_lag
        listing = state.listed_at is None or hi - state.listed_at >= self.reconcile_every
        window = None if listing or since.watermark is None else (since.watermark, hi)
        before = self.client.calls
        records = [program_record(p) for p in self.pages(window)]
        if listing:
            state = ProgramState(hi.replace(microsecond=0))
        note = "every program listed (deleted ones reconciled)" if listing else \
            f"programs updated in [{wire_instant(window[0])}, {wire_instant(window[1])}]" if window else ""
        yield ChangeBatch(spec, records, [], Cursor(hi, state.to_state()), self.client.calls - before, (note,),
                          live_ids=frozenset(r["id"] for r in records) if listing else None)

    def pages(self, window: tuple[datetime, datetime] | None) -> Iterator[dict[str, Any]]:
        params: dict[str, Any] = {"maxReturn": MAX_RETURN}
        if window is not None:  # closed at both ends, as Marketo's filter: the boundary program is read twice
            params.update(earliestUpdatedAt=wire_instant(window[0]), latestUpdatedAt=wire_instant(window[1]))

        def fetch(offset: str | None) -> dict[str, Any]:
            return self.client.get(PROGRAMS, {**params, "offset": int(offset or 0)}, obj="programs")

        for body, _ in walk(fetch, Offset(MAX_RETURN), connection=self.client.connection, object="programs"):
            yield from body.get("result") or []  # no result and a warning: past the last program

    def all_ids(self) -> list[str]:
        return [str(p["id"]) for p in self.pages(None)]


class MemberReader:
    def __init__(self, client: MarketoClient, programs: ProgramReader, *, clock: Callable[[], datetime]) -> None:
        self.client, self.programs, self.clock = client, programs, clock

    def read(self, spec: ObjectSpec, since: Cursor) -> Iterator[ChangeBatch]:
        before = self.client.calls
        seen: set[str] = set()
        program_ids = self.programs.all_ids()
        batches: list[list[Record]] = []
        for program_id in program_ids:
            for page in self._members(program_id):
                batches.append(page)
                seen.update(r["id"] for r in page)
        cursor = Cursor(self.clock(), MemberState(len(program_ids), len(seen)).to_state())
        note = f"members of {len(program_ids)} programs listed"
        if not batches:
            batches = [[]]
        for i, page in enumerate(batches):
            last = i == len(batches) - 1
            # The complete listing rides on the last batch, after every member of this read was yielded.
            yield ChangeBatch(spec, page, [], cursor, self.client.calls - before if i == 0 else 0, (note,),
                              live_ids=frozenset(seen) if last else None)

    def _members(self, program_id: str) -> Iterator[list[Record]]:
        def fetch(token: str | None) -> dict[str, Any]:
            return self.client.get(f"/rest/v1/programs/{program_id}/members.json", {
                "filterType": "reachedSuccess", "filterValues": "true,false", "fields": ",".join(MEMBER_FIELDS),
                "batchSize": BATCH, "nextPageToken": token}, obj="program_members")

        try:
            for body, _ in walk(fetch, MEMBER_PAGES, connection=self.client.connection, object="program_members"):
                yield [member_record(program_id, m) for m in body.get("result") or []]
        except ApiError as exc:
            if "1013" not in exc.message:  # 1013: the program was deleted since it was listed: no members
                raise


def member_record(program_id: str, raw: dict[str, Any]) -> Record:
    record: Record = {k: v for k, v in raw.items() if k != "seq"}
    record["programId"] = str(raw.get("programId") or program_id)
    record["leadId"] = str(raw["leadId"])
    record["id"] = f"{record['programId']}:{record['leadId']}"
    return record
