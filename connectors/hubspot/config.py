"""Building a HubSpot connector from its ``crmhub.yaml`` connection."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from config.models import HubSpotConnection
from connectors.base import ObjectSpec
from connectors.http.budget import Budget
from connectors.http.redact import Redactor
from connectors.http.retry import retry_settings
from connectors.http.token_cache import TokenCache
from connectors.hubspot.auth import OAuthRefresh, StaticToken
from connectors.hubspot.client import HUBSPOT_TABLE, HubSpotClient
from connectors.hubspot.objects import OBJECTS, custom_spec, is_custom_object
from connectors.tuning import RetryTuning


def build_client(name: str, conn: HubSpotConnection, *, clock: Callable[[], datetime] | None = None,
                 search_per_second: int = 5, token_cache: TokenCache | None = None,
                 retry: RetryTuning | None = None) -> tuple[HubSpotClient, Redactor]:
    """``conn`` is a ``config.HubSpotConnection``; secrets leave their SecretStr only here, into the transport."""
    clock = clock or (lambda: datetime.now(UTC))
    auth = conn.auth
    verify: str | bool = str(conn.ca_bundle) if conn.ca_bundle else True
    if auth.flow == "private_app":
        secret = auth.token.get_secret_value()
        tokens: Any = StaticToken(secret)
        redactor = Redactor([secret])
    else:
        secrets = [auth.client_secret.get_secret_value(), auth.refresh_token.get_secret_value()]
        token_url = str(auth.token_url or f"{str(conn.base_url).rstrip('/')}/oauth/v1/token")
        tokens = OAuthRefresh(connection=name, token_url=token_url,
                              client_id=auth.client_id, client_secret=secrets[0], refresh_token=secrets[1],
                              verify=verify, clock=clock, cache=token_cache)
        redactor = Redactor(secrets)
    budget = Budget(connection=name, max_daily_share=conn.budget.max_daily_share if conn.budget else None)
    client = HubSpotClient(connection=name, base_url=str(conn.base_url), ca_bundle=str(conn.ca_bundle) if
                           conn.ca_bundle else None, tokens=tokens, budget=budget, redactor=redactor,
                           timeout=float(conn.timeout_seconds), search_per_second=search_per_second,
                           retry=retry_settings(retry.given() if retry else {}, table=HUBSPOT_TABLE))
    return client, redactor



def object_specs(conn: HubSpotConnection) -> tuple[ObjectSpec, ...]:
    """The fixed object table, plus a spec for each custom object the connection names (``2-<n>``,
    ``p<portal>_<name>`` or ``p_<name>``): every custom object reads the same way, so its spec needs no call
    (``check``/``discover`` verify the portal has it). Its entity is the one its config mapping names."""
    known = {spec.name for spec in OBJECTS}
    custom = []
    for obj in conn.objects:
        if obj not in known and is_custom_object(obj):
            entry = conn.mapping.get(obj)
            entity = getattr(entry, "entity", None) if entry is not None else None
            custom.append(custom_spec(obj, str(entity or "")))
    return (*OBJECTS, *custom)
