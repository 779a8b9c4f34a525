"""TOTP seeds at rest: Fernet-encrypted with ``CRMHUB_SECRET_KEY``, the key that already encrypts the cached OAuth
tokens (store/tokens.py), so a copy of the store's web_account table gives nobody a second factor. Without the key
no seed can be enrolled, and one enrolled under another key (or stored in plain text before migration 0017) cannot
be checked: sign-in says to re-enrol it."""

from __future__ import annotations

from cryptography.fernet import InvalidToken

from access.errors import AccountError
from store.tokens import KEY_VARIABLE, SecretKeyError, fernet_from


class Seeds:
    def __init__(self, secret_key: str | None) -> None:
        try:
            self._fernet = fernet_from(secret_key)
        except SecretKeyError as exc:  # malformed: the message names the variable, never the value
            raise AccountError(str(exc)) from None

    def seal(self, seed: str, *, username: str) -> str:
        if self._fernet is None:
            raise AccountError(f"account {username!r}: {KEY_VARIABLE} is not set, and TOTP seeds are stored "
                               f"encrypted with it: set it (`crmhub secret-key` prints a new key) and enrol again")
        return self._fernet.encrypt(seed.encode("ascii")).decode("ascii")

    def open(self, stored: str) -> str | None:
        """The seed, or None when there is no key or it is not the one the seed was sealed with."""
        if self._fernet is None:
            return None
        try:
            return self._fernet.decrypt(stored.encode("ascii")).decode("ascii")
        except (InvalidToken, UnicodeEncodeError):
            return None
