"""The token cache a process's connectors share: on when ``CRMHUB_SECRET_KEY`` holds a Fernet key, off otherwise.

Connectors receive it as ``Tuning.token_cache`` (connectors/http/token_cache.py); the store keeps the tokens
encrypted (store/tokens.py). Off means every process authenticates for itself, as without a cache.
"""

from __future__ import annotations

import logging
from typing import Any

from pydantic import SecretStr
from sqlalchemy import Engine

from connectors.errors import ConfigError
from store.tokens import KEY_VARIABLE, SecretKeyError, TokenStore, cached_entries

log = logging.getLogger(__name__)


def token_options(engine: Engine, secret_key: SecretStr | None) -> dict[str, Any]:
    """``{"token_cache": ...}`` for ``build_connector``/``plan_sync`` options, or ``{}`` when caching is off.

    ``secret_key`` is ``Settings.secret_key`` (``CRMHUB_SECRET_KEY``), loaded by the entry point and passed down: this
    module never reads the environment itself."""
    key = secret_key.get_secret_value().strip() if secret_key is not None else ""
    if not key:
        if cached_entries(engine):
            log.warning("tokens are cached in the store but %s is not set: they are ignored and every process "
                        "authenticates again; set %s to the key they were encrypted with", KEY_VARIABLE,
                        KEY_VARIABLE)
        return {}
    try:
        return {"token_cache": TokenStore(engine, key)}
    except SecretKeyError as exc:
        raise ConfigError(str(exc)) from None
