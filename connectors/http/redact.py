"""Secrets never appear in logs, errors, --json output or the store: everything shown passes through here."""

from __future__ import annotations

import re
from collections.abc import Iterable

# After a credential's name, mask values shaped like credentials (they carry a digit): "token: environment" is prose.
_PATTERNS = (
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+"),
    re.compile(r"(?i)((?:access_token|refresh_token|client_secret|password|token|assertion|session_id|"
               r"sessionid)[\"']?\s*[=:]\s*[\"']?)(?=[^&\s\"',;}]*\d)[^&\s\"',;}]{6,}"),
    re.compile(r"pat-[a-z0-9]{2,4}-[0-9a-f-]{8,}"),
)
MASK = "***"


class Redactor:
    """Scrubs the known secret values of a connection plus anything shaped like a credential."""

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        # Longest first, so a secret that contains another is masked whole.
        self._secrets = sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True)

    def add(self, secret: str | None) -> None:
        if secret and len(secret) >= 4 and secret not in self._secrets:
            self._secrets = sorted([*self._secrets, secret], key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, MASK)
        for pattern in _PATTERNS:
            text = pattern.sub(lambda m: (m.group(1) if m.groups() else "") + MASK, text)
        return text
