"""One run of a stream at a time, whichever process or worker picks it up.

PostgreSQL: a session advisory lock held on its own connection for the run (released by the server if the holder
dies). SQLite (one machine): an exclusive ``flock`` on a file beside the database (released by the kernel if the
holder dies). Neither leaves a stale lock behind a killed process.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, text


def lock_key(connection: str, object: str) -> int:
    """A stable signed 64-bit key per stream (advisory locks take a bigint)."""
    digest = hashlib.blake2b(f"crmhub-stream:{connection}/{object}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


@contextmanager
def stream_lock(engine: Engine, connection: str, object: str) -> Iterator[bool]:
    """Yields True when this process now holds the stream's lock, False when another holder runs it."""
    if engine.dialect.name == "postgresql":
        with _advisory(engine, lock_key(connection, object)) as held:
            yield held
    elif not engine.url.database or engine.url.database == ":memory:":
        yield True  # an in-memory store lives in one process: nobody else can run its streams
    else:
        with _flock(_lock_path(engine, connection, object)) as held:
            yield held


@contextmanager
def _advisory(engine: Engine, key: int) -> Iterator[bool]:
    with engine.connect() as conn:
        held = bool(conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar_one())
        conn.commit()
        try:
            yield held
        finally:
            if held:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                conn.commit()


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
