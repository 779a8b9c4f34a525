"""Secrets written into the file itself instead of ``${NAME}``: they work, but the file then cannot be shared,
committed or shown, so ``crmhub config check`` warns about each one (without ever showing the value)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from config import keypath
from config.errors import ConfigProblem

# Keys whose values are secrets wherever they appear (the loader scrubs their values from every message too).
SECRET_KEYS = frozenset(
    {"token", "client_secret", "password", "security_token", "refresh_token", "private_key"}
)
# URLs that may carry a password in their user-info part.
_URL_KEYS = frozenset({"url", "broker_url"})
_NOT_A_NAME = re.compile(r"[^A-Z0-9]+")


def literal_secret_warnings(data: Any) -> list[ConfigProblem]:
    """A warning at the key path of every secret given literally in the (unresolved) document."""
    return list(_walk(data, []))


def _walk(node: Any, path: list[str]) -> Iterator[ConfigProblem]:
    if isinstance(node, dict):
        for name, value in node.items():
            here = [*path, keypath.key(name)]
            if isinstance(value, str) and name in SECRET_KEYS and value and "${" not in value:
                yield ConfigProblem(
                    keypath.join(here),
                    f"a secret is written in the file; put it in an environment variable and write "
                    f"${{{_suggested_variable(here)}}} here",
                    "warning",
                )
            elif isinstance(value, str) and name in _URL_KEYS and _literal_password(value):
                yield ConfigProblem(
                    keypath.join(here),
                    "the URL carries a password written in the file; write it as ${NAME} (e.g. "
                    f"postgresql://user:${{{_suggested_variable(here)}_PASSWORD}}@host/db) or use "
                    "CRMHUB_STORE_URL",
                    "warning",
                )
            else:
                yield from _walk(value, here)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk(value, [*path, keypath.index(i)])


def _literal_password(url: str) -> bool:
    try:
        password = urlsplit(url).password
    except ValueError:  # a malformed URL is the validator's problem, not a secret's
        return False
    return bool(password and "${" not in password)


def _suggested_variable(path: list[str]) -> str:
    # connections.hubspot_main.auth.token -> HUBSPOT_MAIN_TOKEN: the connection and the key name it.
    parts = [p for p in path if p not in ("connections", "auth") and not p.startswith("[")]
    return _NOT_A_NAME.sub("_", "_".join(parts).upper()).strip("_") or "SECRET"
