"""HMAC-signed checkpoints of the chain: "the trail up to seq ended in hash", signed with a key kept outside the
database (CRMHUB_AUDIT_KEY), written to audit_checkpoint and appended to a JSON-lines file.

Anyone who can write the store can recompute SHA-256 over a rewritten trail; nobody without the key can sign the
checkpoint that would make the rewrite pass, and the file keeps its copy where a store edit does not reach.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select

from access.audit_canon import canonical, utc_iso
from errors import ConfigError
from store.tables import audit_checkpoint, audit_head

MIN_KEY_CHARS = 32


class AuditKeyMissing(ConfigError):
    pass


@dataclass(frozen=True, slots=True)
class AuditKey:
    secret: bytes

    @classmethod
    def of(cls, value: str | None) -> AuditKey:
        if not value:
            raise AuditKeyMissing("CRMHUB_AUDIT_KEY is not set: audit checkpoints are signed with it (at least "
                                  f"{MIN_KEY_CHARS} characters, kept outside the database, e.g. "
                                  "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`)")
        if len(value) < MIN_KEY_CHARS:
            raise AuditKeyMissing(f"CRMHUB_AUDIT_KEY has {len(value)} characters: at least {MIN_KEY_CHARS} expected")
        return cls(value.encode())

    def sign(self, *, seq: int, hash: str, at: datetime) -> str:
        payload = canonical({"seq": seq, "hash": hash, "at": utc_iso(at)})
        return hmac.new(self.secret, payload.encode(), hashlib.sha256).hexdigest()

    def valid(self, *, seq: int, hash: str, at: datetime, signature: str) -> bool:
        return hmac.compare_digest(self.sign(seq=seq, hash=hash, at=at), signature)


@dataclass(frozen=True, slots=True)
class Checkpoint:
    seq: int
    hash: str
    at: datetime
    signature: str

    def public(self) -> dict[str, Any]:
        return {"seq": self.seq, "hash": self.hash, "at": utc_iso(self.at), "signature": self.signature}


@dataclass(frozen=True, slots=True)
class CheckpointPolicy:
    every: int = 100  # events
    interval: timedelta = timedelta(minutes=5)
    file: Path | None = None  # the append-only JSON-lines copy


def utc_now() -> datetime:
    return datetime.now(UTC)


class Checkpointer:
    def __init__(self, engine: Engine, key: AuditKey, policy: CheckpointPolicy | None = None,
                 clock: Callable[[], datetime] = utc_now) -> None:
        self.engine, self.key, self.policy, self.clock = engine, key, policy or CheckpointPolicy(), clock

    def due(self) -> bool:
        """Events since the last checkpoint: ``every`` of them, or any once ``interval`` has passed."""
        with self.engine.connect() as conn:
            head = conn.execute(select(audit_head.c.seq)).scalar() or 0
            last = conn.execute(select(audit_checkpoint.c.seq, audit_checkpoint.c.at)
                                .order_by(audit_checkpoint.c.id.desc()).limit(1)).first()
        if last is None:
            return head > 0
        pending = head - int(last.seq)
        return pending >= self.policy.every or (pending > 0 and self.clock() - last.at >= self.policy.interval)

    def write(self) -> Checkpoint | None:
        """Sign the head as it stands (None when the trail is empty). The head row is locked for the moment it is
        read, so the signed (seq, hash) is one appends agree with."""
        with self.engine.begin() as conn:
            head = conn.execute(select(audit_head.c.seq, audit_head.c.hash).with_for_update()).first()
            if head is None or int(head.seq) == 0:
                return None
            at = self.clock()
            point = Checkpoint(int(head.seq), str(head.hash), at, self.key.sign(seq=int(head.seq), hash=head.hash,
                                                                                   at=at))
            conn.execute(audit_checkpoint.insert().values(seq=point.seq, hash=point.hash, at=at,
                                                          signature=point.signature))
            if self.policy.file is not None:  # in the transaction: a line is written only for a kept row
                append_line(self.policy.file, point)
        return point

    def write_if_due(self) -> Checkpoint | None:
        return self.write() if self.due() else None

    def count(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(audit_checkpoint)).scalar() or 0)


def append_line(path: Path, point: Checkpoint) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(point.public(), sort_keys=True) + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def read_lines(path: Path) -> list[Checkpoint]:
    """The file's checkpoints; a line that does not parse is a ValueError naming the line."""
    points: list[Checkpoint] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            doc = json.loads(line)
            points.append(Checkpoint(int(doc["seq"]), str(doc["hash"]), datetime.fromisoformat(doc["at"]),
                                     str(doc["signature"])))
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}:{number}: not a checkpoint line ({exc})") from None
    return points
