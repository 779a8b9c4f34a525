"""Our own writes coming back: a record read by a sync whose version is the one our write-back left and whose
written fields (when the read carries them) hold what we sent is an *echo* — counted, and nothing more.

A record whose written fields hold something else, at a version after our write, was edited by a person: the ledger
notes when (``edited_at``), and the next write-back treats it as a conflict under the connection's policy, however
recently the record was read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection

from connectors.base import Record
from store import writeback as ledger
from sync.writeback.compare import instant, same_instant, same_value


@dataclass(slots=True)
class ReadBack:
    echoes: frozenset[str] = frozenset()  # source ids
    edited: dict[tuple[str, str], datetime | None] = field(default_factory=dict)  # (source_id, field_set) -> edited at


def record_read_back(conn: Connection, *, connection: str, object: str, records: Sequence[Record], primary_key: str,
             version_field: str | None) -> ReadBack:
    """Count the echoes among ``records`` and WRITE to the ledger: mark the entries a person has since edited."""
    out = ReadBack()
    if not records or version_field is None:
        return out
    # Most streams were never written back to: one probe of the ledger's key instead of looking up every record.
    # Asked per unit, not once per run: a write-back (sync/writeback/run.py) takes no stream lock, so one may start
    # while this sync runs, and its records read after that must still be told from a person's edits.
    if not ledger.ledger_holds(conn, connection=connection, object=object):
        return out
    by_id = {str(r[primary_key]): r for r in records}
    sent = ledger.ledger_for_records(conn, connection=connection, object=object, source_ids=list(by_id))
    echoed: set[str] = set()
    for entry in sent:
        record = by_id[entry["source_id"]]
        version = record.get(version_field)
        present = {f: v for f, v in entry["values"].items() if f in record}
        ours = all(same_value(record[f], v) for f, v in present.items())
        if ours and entry["version"] is not None and same_instant(version, entry["version"]):
            echoed.add(entry["source_id"])
        elif present and not ours and _after(version, entry["version"]) and entry["edited_at"] is None:
            out.edited[(entry["source_id"], entry["field_set"])] = instant(version)
    out.echoes = frozenset(echoed)
    if out.edited:
        ledger.mark_edited(conn, connection=connection, object=object, edited=out.edited)
    return out


def _after(version: object, ours: str | None) -> bool:
    """Read at or after our write. Equal counts: Marketo's ``updatedAt`` does not move for custom fields, so a
    person's edit of one keeps the version our write left."""
    read, written = instant(version), instant(ours)
    return read is not None and (written is None or read >= written)
