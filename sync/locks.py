"""One run of a stream at a time, whichever process or worker picks it up.

PostgreSQL: a session advisory lock held on its own connection for the run (released by the server if the holder
dies). SQLite (one machine): an exclusive ``flock`` on a file beside the database (released by the kernel if the
holder dies). Neither leaves a stale lock behind a killed process.

A PostgreSQL session can end under a running sync (``pg_terminate_backend``, a restarted server, a proxy's idle
timeout) and its lock with it: another process may then take the stream. So the holder asks ``ensure()`` before
every write of the stream's data; a lost lock raises ``LockLost`` and the run stops before writing, its cursor
behind its data, instead of landing side by side with the new holder.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import SQLAlchemyError

from connectors.errors import CrmhubError

log = logging.getLogger(__name__)
# pg_locks shows a bigint advisory key as two oids: its high half in classid, its low half in objid (objsubid 1).
_HELD = text("SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() "
             "AND granted AND objsubid = 1 AND classid::bigint = :high AND objid::bigint = :low)")


class LockLost(CrmhubError):
    """The stream's lock went with its database session: another process may be running the stream now."""


class StreamLock:
    """Truthy when this process holds the stream; ``ensure()`` before each write checks it still does."""

    def __init__(self, held: bool, connection: str, object: str, conn: Connection | None = None,
                 key: int = 0) -> None:
        self.held, self.connection, self.object = held, connection, object
        self._conn, self._key = conn, key
        self.lost = False

    def __bool__(self) -> bool:
        return self.held

    def ensure(self) -> None:
        """Raise ``LockLost`` unless the lock is still held (PostgreSQL: asked of the lock's own session)."""
        if self._conn is None or not self.held:
            return
        unsigned = self._key & 0xFFFFFFFFFFFFFFFF
        try:
            still = bool(self._conn.execute(_HELD, {"high": unsigned >> 32,
                                                    "low": unsigned & 0xFFFFFFFF}).scalar_one())
            self._conn.commit()
        except SQLAlchemyError as exc:
            still, cause = False, _cause(exc)
        else:
            cause = "the session no longer holds it"
        if not still:
            self.lost = True
            raise LockLost(f"lost the stream's lock: its PostgreSQL session ended ({cause[:200]}); stopped before "
                           f"writing more so no other run of the stream lands beside this one — what was landed "
                           f"stays, and the next run resumes from the saved cursor",
                           connection=self.connection, object=self.object)


def lock_key(connection: str, object: str) -> int:
    """A stable signed 64-bit key per stream (advisory locks take a bigint)."""
    digest = hashlib.blake2b(f"crmhub-stream:{connection}/{object}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


@contextmanager
def stream_lock(engine: Engine, connection: str, object: str) -> Iterator[StreamLock]:
    """Yields a truthy ``StreamLock`` when this process now holds the stream's lock, a falsy one when another
    holder runs it."""
    if engine.dialect.name == "postgresql":
        with _advisory(engine, connection, object) as lock:
            yield lock
    elif not engine.url.database or engine.url.database == ":memory:":
        yield StreamLock(True, connection, object)  # an in-memory store lives in one process: nobody else can run it
    else:
        with _flock(_lock_path(engine, connection, object)) as held:
            yield StreamLock(held, connection, object)  # a flock lasts as long as this process's descriptor


@contextmanager
def _advisory(engine: Engine, connection: str, object: str) -> Iterator[StreamLock]:
    key = lock_key(connection, object)
    with engine.connect() as conn:
        held = bool(conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar_one())
        conn.commit()
        lock = StreamLock(held, connection, object, conn, key)
        try:
            yield lock
        finally:
            if held:
                _unlock(conn, key, connection, object)


def _unlock(conn: Connection, key: int, connection: str, object: str) -> None:
    try:
        if conn.in_transaction():  # a failed ensure() left its statement's transaction to roll back
            conn.rollback()
        conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
        conn.commit()
    except SQLAlchemyError as exc:
        # The session ended: the server released the lock with it, so nothing is left to unlock, and the run's
        # outcome is already recorded. Never pool this connection again: were it alive, it would hold the lock.
        conn.invalidate()
        log.warning("the lock session of %s/%s ended before it was unlocked (%s); the server released the lock",
                    connection, object, _cause(exc))


def _cause(exc: SQLAlchemyError) -> str:
    """The driver's error in one line (``AdminShutdown: terminating connection due to administrator command``)."""
    orig = getattr(exc, "orig", None) or exc
    return f"{type(orig).__name__}: {' '.join(str(orig).split())}"


def _lock_path(engine: Engine, connection: str, object: str) -> Path:
    return Path(f"{engine.url.database}.locks") / f"{lock_key(connection, object) & 0xFFFFFFFFFFFFFFFF:016x}.lock"


@contextmanager
def _flock(path: Path) -> Iterator[bool]:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
