"""Where a connector's auth keeps tokens between processes: a protocol the store implements (encrypted at rest).

Connectors never import the store; they get a ``TokenCache`` (or ``None``: caching off) through the connector's
build options (``Tuning.token_cache``). An entry is bound to the credentials that obtained it (``credentials``,
fingerprinted by the cache, never stored), so an admin who changes a secret never gets the old secret's token back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol


class TokenCache(Protocol):
    def load(self, connection: str, purpose: str, credentials: Sequence[str]) -> dict[str, Any] | None:
        """The cached value, or ``None`` when absent, expired, unreadable or obtained with other credentials."""
        ...

    def save(self, connection: str, purpose: str, credentials: Sequence[str], value: Mapping[str, Any], *,
             expires_at: datetime | None) -> None:
        """Keep ``value`` (JSON-serialisable) until ``expires_at`` (``None``: until replaced or dropped)."""
        ...

    def drop(self, connection: str, purpose: str) -> None:
        """Forget the entry (the CRM refused the token)."""
        ...

