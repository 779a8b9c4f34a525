"""``crmhub audit verify``: walk the chain and the signed checkpoints and say exactly what does not hold.

Each finding names a seq and what was found: an ``edited`` row (its hash is not the hash of its content), a
``deleted`` one (a gap in seq), an ``inserted`` one (a second row at a seq, or a row past the head), rows
``reordered`` (seq order and insertion order disagree), a ``broken_link`` (prev_hash is not the previous row's
hash: a row rewritten with a recomputed hash), a ``truncated`` tail (a signed checkpoint or the head is past the
last row), a checkpoint that is ``forged`` (bad signature), ``mismatch``ed (the row at its seq is not the one signed)
or ``checkpoint_deleted`` (in the file, not in the store), and an ``anchor`` no signed checkpoint vouches for.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import groupby, pairwise
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from access.audit_canon import GENESIS, row_hash
from access.audit_checkpoint import AuditKey, Checkpoint, read_lines
from store.tables import audit_checkpoint, audit_event, audit_head


@dataclass(frozen=True, slots=True)
class Finding:
    seq: int
    kind: str
    detail: str

    def public(self) -> dict[str, Any]:
        return {"seq": self.seq, "kind": self.kind, "detail": self.detail}


@dataclass(slots=True)
class Report:
    events: int = 0
    first_seq: int | None = None
    last_seq: int = 0
    anchor_seq: int = 0
    checkpoints: int = 0
    file_checkpoints: int | None = None
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings

    def public(self) -> dict[str, Any]:
        return {"ok": self.ok, "events": self.events, "first_seq": self.first_seq, "last_seq": self.last_seq,
                "anchor_seq": self.anchor_seq, "checkpoints": self.checkpoints,
                "file_checkpoints": self.file_checkpoints, "findings": [f.public() for f in self.findings]}


def verify(engine: Engine, key: AuditKey, *, file: Path | None = None) -> Report:
    with engine.connect() as conn:
        rows = [r._mapping for r in conn.execute(select(audit_event).order_by(audit_event.c.seq, audit_event.c.id))]
        head = conn.execute(select(audit_head)).first()
        points = [Checkpoint(r.seq, r.hash, r.at, r.signature)
                  for r in conn.execute(select(audit_checkpoint).order_by(audit_checkpoint.c.id))]
    report = Report(events=len(rows), checkpoints=len(points))
    anchor_seq, anchor_hash = (int(head.anchor_seq), str(head.anchor_hash)) if head else (0, GENESIS)
    report.anchor_seq = anchor_seq
    hashes = _walk(rows, anchor_seq, anchor_hash, report)
    last = max(hashes, default=anchor_seq)
    report.first_seq, report.last_seq = (min(hashes) if hashes else None), last
    if head is None:
        report.findings.append(Finding(last, "head_missing", "the audit_head row is gone"))
    elif int(head.seq) > last:
        report.findings.append(Finding(last + 1, "truncated", f"the head is at seq {head.seq} but the last row is "
                                                              f"seq {last}"))
    elif int(head.seq) < last:
        report.findings.append(Finding(int(head.seq) + 1, "inserted", f"rows past the head (seq {head.seq}), up "
                                                                      f"to seq {last}"))
    signed = _check_points(points, key, hashes, last, anchor_seq, report, where="store")
    if anchor_seq > 0 and (anchor_seq, anchor_hash) not in signed:
        report.findings.append(Finding(anchor_seq, "anchor", f"the retention anchor (seq {anchor_seq}) matches no "
                                                             f"signed checkpoint"))
    if file is not None:
        lines = read_lines(file) if file.exists() else []
        report.file_checkpoints = len(lines)
        _check_points(lines, key, hashes, last, anchor_seq, report, where=str(file))
        kept = {(p.seq, p.hash, p.signature) for p in points}
        for point in lines:
            if (point.seq, point.hash, point.signature) not in kept:
                report.findings.append(Finding(point.seq, "checkpoint_deleted",
                                               f"the checkpoint of seq {point.seq} in {file} is not in the store"))
    report.findings.sort(key=lambda f: f.seq)
    return report


def _walk(rows: Sequence[Mapping[Any, Any]], anchor_seq: int, anchor_hash: str, report: Report) -> dict[int, str]:
    """seq → hash of the rows that belong to the chain; findings for the rest."""
    found = report.findings
    reordered = _out_of_place(rows, found)
    hashes: dict[int, str] = {}
    expected, prev, gap = anchor_seq + 1, anchor_hash, False
    for seq, group in groupby(rows, key=lambda r: int(r["seq"])):
        candidates = list(group)
        if seq < expected:
            found += [Finding(seq, "inserted", f"row id {r['id']} at seq {seq}, which the chain has passed")
                      for r in candidates]
            continue
        if seq > expected:
            found.append(Finding(expected, "deleted", f"seq {expected}" + (f" to {seq - 1}" if seq - 1 > expected
                                                                            else "") + " missing"))
            gap = True
        # of rows sharing a seq, the one that chains is the chain's; the others were inserted
        row = next((r for r in candidates if r["prev_hash"] == prev and row_hash(r) == r["hash"]), candidates[0])
        found += [Finding(seq, "inserted", f"row id {r['id']} is a second row at seq {seq}")
                  for r in candidates if r is not row]
        if seq not in reordered:
            if row_hash(row) != row["hash"]:
                found.append(Finding(seq, "edited", f"row id {row['id']}: its content does not hash to its hash"))
            elif not gap and row["prev_hash"] != prev and seq - 1 not in reordered:
                found.append(Finding(seq, "broken_link", f"row id {row['id']}: prev_hash is not the hash of seq "
                                                         f"{seq - 1} (a row before it was rewritten)"))
        hashes[seq], prev, expected, gap = str(row["hash"]), str(row["hash"]), seq + 1, False
    return hashes


def _out_of_place(rows: Sequence[Mapping[Any, Any]], found: list[Finding]) -> set[int]:
    """Rows are inserted in seq order (under the chain's lock), so ids rise with seq; where they fall, a row came
    later than its place says: newer than every row after it, it was inserted; else two rows traded places."""
    out: set[int] = set()
    later_max = [0] * (len(rows) + 1)
    for i in range(len(rows) - 1, -1, -1):
        later_max[i] = max(later_max[i + 1], int(rows[i]["id"]))
    for i, (before, after) in enumerate(pairwise(rows)):
        if after["id"] > before["id"] or after["seq"] == before["seq"]:
            continue
        seq = int(before["seq"])
        if int(before["id"]) > later_max[i + 1]:
            found.append(Finding(seq, "inserted", f"row id {before['id']} at seq {seq} was written after every "
                                                  f"row that follows it"))
            out.add(seq)
        else:
            found.append(Finding(seq, "reordered", f"seq {seq} (row id {before['id']}) and seq {after['seq']} "
                                                   f"(row id {after['id']}) are out of order"))
            out |= {seq, int(after["seq"])}
    return out


def _check_points(points: Sequence[Checkpoint], key: AuditKey, hashes: Mapping[int, str], last: int,
                  anchor_seq: int, report: Report, *, where: str) -> set[tuple[int, str]]:
    """The (seq, hash) pairs the valid signatures vouch for."""
    signed: set[tuple[int, str]] = set()
    for point in points:
        if not key.valid(seq=point.seq, hash=point.hash, at=point.at, signature=point.signature):
            report.findings.append(Finding(point.seq, "forged", f"checkpoint of seq {point.seq} ({where}): bad "
                                                                f"signature (edited, or signed with another key)"))
            continue
        signed.add((point.seq, point.hash))
        if point.seq > last:
            report.findings.append(Finding(last + 1, "truncated", f"checkpoint ({where}) signed seq {point.seq} "
                                                                  f"but the last row is seq {last}"))
        elif point.seq > anchor_seq and point.seq in hashes and hashes[point.seq] != point.hash:
            report.findings.append(Finding(point.seq, "mismatch", f"the row at seq {point.seq} is not the one the "
                                                                  f"checkpoint ({where}) signed"))
    return signed
