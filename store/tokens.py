"""The token cache at rest: OAuth tokens and sessions kept between processes, Fernet-encrypted.

The key comes from the environment (``CRMHUB_SECRET_KEY``, a Fernet key: ``crmhub secret-key`` prints a new one);
without it nothing is cached and every process authenticates on its own. Each entry carries an HMAC (keyed with the
same secret) of the credentials that obtained it, so a changed client secret or refresh token never gets an old
token back, and the credentials themselves are never stored. A cache that cannot be read (another key, a locked
database) is a miss, never a failed run: the connector authenticates as it would without a cache.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import Engine, delete, select
from sqlalchemy.exc import SQLAlchemyError

from store.tables import token_cache
from store.upsert import upsert

KEY_VARIABLE = "CRMHUB_SECRET_KEY"
log = logging.getLogger(__name__)


class SecretKeyError(ValueError):
    """The encryption key is malformed; the message names the variable and how to make a good one."""


def new_key() -> str:
    """A fresh Fernet key (32 random bytes, url-safe base64) for ``CRMHUB_SECRET_KEY``."""
    return Fernet.generate_key().decode("ascii")


def fernet_from(key: str | None, *, variable: str = KEY_VARIABLE) -> Fernet | None:
    """``None`` when no key is set (caching off); a malformed key is an error naming the variable, never the value."""
    if not key:
        return None
    try:
        return Fernet(key.strip().encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        raise SecretKeyError(f"{variable} is not a Fernet key (32 bytes in url-safe base64, 44 characters); "
                             f"generate one with `crmhub secret-key` and set {variable} to it") from None


class TokenStore:
    """``connectors.http.token_cache.TokenCache`` on the store's ``token_cache`` table."""

    def __init__(self, engine: Engine, key: str, *, clock: Callable[[], datetime] | None = None) -> None:
        fernet = fernet_from(key)
        if fernet is None:
            raise SecretKeyError(f"{KEY_VARIABLE} is empty; the token cache needs a key")
        self._engine, self._fernet = engine, fernet
        self._mac_key = hashlib.sha256(b"crmhub-token-cache\0" + key.strip().encode("ascii")).digest()
        self._clock = clock or (lambda: datetime.now(UTC))

    def fingerprint(self, connection: str, purpose: str, credentials: Sequence[str]) -> str:
        message = "\0".join([connection, purpose, *credentials]).encode("utf-8")
        return hmac.new(self._mac_key, message, hashlib.sha256).hexdigest()

    def load(self, connection: str, purpose: str, credentials: Sequence[str]) -> dict[str, Any] | None:
        try:
            with self._engine.connect() as conn:
                row = conn.execute(select(token_cache).where(token_cache.c.connection == connection,
                                                             token_cache.c.purpose == purpose)).one_or_none()
        except SQLAlchemyError as exc:
            log.warning("token cache unreadable for connection %s (%s); authenticating instead", connection,
                        type(exc).__name__)
            return None
        if row is None or not hmac.compare_digest(row.fingerprint, self.fingerprint(connection, purpose,
                                                                                     credentials)):
            return None
        if row.expires_at is not None and row.expires_at <= self._clock():
            return None
        try:
            return dict(json.loads(self._fernet.decrypt(row.ciphertext)))
        except InvalidToken:
            log.warning("the cached %s of connection %s was encrypted with another %s; authenticating instead",
                        purpose, connection, KEY_VARIABLE)
            return None

    def save(self, connection: str, purpose: str, credentials: Sequence[str], value: Mapping[str, Any], *,
             expires_at: datetime | None) -> None:
        row = {"connection": connection, "purpose": purpose,
               "fingerprint": self.fingerprint(connection, purpose, credentials),
               "ciphertext": self._fernet.encrypt(json.dumps(dict(value)).encode("utf-8")),
               "expires_at": expires_at, "updated_at": self._clock()}
        try:
            with self._engine.begin() as conn:
                upsert(conn, token_cache, [row], key=("connection", "purpose"))
        except SQLAlchemyError as exc:
            log.warning("could not cache the %s of connection %s (%s); the next process authenticates again",
                        purpose, connection, type(exc).__name__)

    def drop(self, connection: str, purpose: str) -> None:
        try:
            with self._engine.begin() as conn:
                conn.execute(delete(token_cache).where(token_cache.c.connection == connection,
                                                       token_cache.c.purpose == purpose))
        except SQLAlchemyError as exc:
            log.warning("could not drop the cached %s of connection %s (%s)", purpose, connection,
                        type(exc).__name__)


def cached_entries(engine: Engine) -> int:
    """How many tokens are cached (whatever their key): to warn when they exist but no key is set."""
    with engine.connect() as conn:
        return len(conn.execute(select(token_cache.c.connection)).all())
