"""Password hashes: argon2id through argon2-cffi, with its parameters as a dependency (tests pass cheap ones)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from access.errors import AccountError

MIN_LENGTH = 10  # NIST SP 800-63B asks at least 8; a console of sales data asks a little more


def check_strength(password: str, *, username: str) -> None:
    if len(password) < MIN_LENGTH:
        raise AccountError(f"account {username!r}: password: at least {MIN_LENGTH} characters are needed")
    if password.strip().lower() == username.lower():
        raise AccountError(f"account {username!r}: password: must not be the username")


def verify(hasher: PasswordHasher, stored: str, password: str) -> bool:
    """True when ``password`` matches ``stored``; a malformed stored hash is a refusal, not a crash."""
    try:
        return hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False
