"""Change tracking: delta tokens, their retention, and the changes since a token.

A token looks like the platform's, ``<versionnumber>!<MM/dd/yyyy HH:mm:ss>``: the organisation's row version when the
tracked query started, and when the token was issued. A token older than the retention window (or issued before an
admin expired them all) fails with ``ExpiredVersionStamp`` (0x80044352), after which a client must re-read the table.
Changes come back as the platform orders them: new and updated rows first (by version), then deletions.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from sandbox.dynamics import errors
from sandbox.dynamics.schema import Table
from sandbox.dynamics.store import SHIFT, Store, id_of

_TOKEN = re.compile(r"^(\d+)!(\d{2}/\d{2}/\d{4} \d{2}:\d{2}:\d{2})$")
_FORMAT = "%m/%d/%Y %H:%M:%S"


@dataclass(frozen=True, slots=True)
class Change:
    deleted: bool
    version: int
    id: str


class ChangeTracker:
    def __init__(self, *, store: Store, now: Callable[[], datetime], retention_s: float,
                 tracked: frozenset[str]) -> None:
        self.store = store
        self.now = now
        self.retention_s = retention_s
        self.tracked = set(tracked)  # entity sets with ChangeTrackingEnabled
        self.min_valid_version = 0

    def enabled(self, table: Table) -> bool:
        return table.entity_set in self.tracked

    def enable(self, table: Table) -> None:
        """A maker turned Track changes on (it cannot be turned off again, as on the platform)."""
        self.tracked.add(table.entity_set)

    def require(self, table: Table) -> None:
        if not self.enabled(table):
            raise errors.DataverseError(
                400, errors.CHANGE_TRACKING_DISABLED, f"Entity {table.logical} isn't enabled for change tracking."
            )

    def token(self, version: int) -> str:
        return f"{version}!{self.now().strftime(_FORMAT)}"

    def parse(self, token: str) -> int:
        m = _TOKEN.match(token)
        if not m:
            raise errors.DataverseError(400, errors.INVALID_ARGUMENT, f"The delta token '{token}' is not valid.")
        version = int(m.group(1))
        issued = datetime.strptime(m.group(2), _FORMAT).replace(tzinfo=UTC)
        if version < self.min_valid_version or (self.now() - issued).total_seconds() > self.retention_s:
            raise errors.DataverseError(
                400, errors.EXPIRED_VERSION_STAMP,
                "Version stamp associated with the client has expired. Please perform a full sync.",
            )
        return version

    def expire_all(self) -> int:
        """Invalidate every token issued so far (what a retention clean-up or a restore does)."""
        self.min_valid_version = self.store.next_version()
        return self.min_valid_version

    def changes(self, table: Table, *, since: int, until: int, after: tuple[bool, int] | None) -> Iterator[Change]:
        """Changes with since < version <= until, rows before deletions, resuming after (deleted?, version)."""
        st = self.store.state(table.logical)
        resume_deleted, resume_version = after if after else (False, since)
        if not resume_deleted:
            keys = st.by_version.irange(minimum=(resume_version + 1) << SHIFT, maximum=(until + 1) << SHIFT,
                                        inclusive=(True, False))
            for key in keys:
                yield Change(False, key >> SHIFT, id_of(key))
            resume_version = since
        tombs = st.tombstones
        start = bisect.bisect_right(tombs, resume_version, key=lambda t: t.version)
        for tomb in tombs[start:]:
            if tomb.version > until:
                break
            alive = st.rows.get(tomb.id)
            if alive is not None and alive[st.i_ver] > tomb.version:
                continue  # deleted, then created again with the same id: the net change is the new row
            yield Change(True, tomb.version, tomb.id)
