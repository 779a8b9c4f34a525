"""Building a Salesforce connector from its ``crmhub.yaml`` connection (``config.SalesforceConnection``).

``tuning`` tunes what the config does not expose (tests and benchmarks): ``Tuning.salesforce`` (page sizes,
thresholds, the overlap), ``reconcile_hours``, the token cache and the retry table's waits (the fault suite shortens
them).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import requests

from config.models import SalesforceConnection
from connectors.base import ObjectSpec
from connectors.errors import ConfigError
from connectors.http.budget import Budget
from connectors.http.redact import Redactor
from connectors.http.retry import retry_settings
from connectors.salesforce.auth import (
    OAuthLogin,
    client_credentials_form,
    jwt_audience,
    jwt_form,
    password_form,
    refresh_token_form,
)
from connectors.salesforce.client import SALESFORCE_TABLE, SalesforceClient
from connectors.salesforce.connector import SalesforceConnector
from connectors.salesforce.objects import OBJECTS, custom_spec, is_custom_object
from connectors.salesforce.window import ReadSettings
from connectors.tuning import Tuning, given


def build_connector(name: str, conn: SalesforceConnection, *, settle_lag: timedelta,
                    clock: Callable[[], datetime] | None = None,
                    tuning: Tuning | None = None) -> SalesforceConnector:
    tuning = tuning or Tuning()
    opts = tuning.salesforce
    clock = clock or (lambda: datetime.now(UTC))
    http = requests.Session()
    http.trust_env = False  # REQUESTS_CA_BUNDLE would otherwise override verify (and proxies from the env)
    http.verify = str(conn.ca_bundle) if conn.ca_bundle else True
    form, secrets = _auth_form(conn)
    redactor = Redactor(secrets)
    login = OAuthLogin(connection=name, login_url=str(conn.login_url), form=form, http=http, redactor=redactor,
                       instance_url=str(conn.instance_url) if conn.instance_url else None,
                       timeout=float(conn.timeout_seconds), cache=tuning.token_cache,
                       credentials=[conn.auth.client_id, getattr(conn.auth, "username", None) or "", *secrets])
    budget = Budget(connection=name, max_daily_share=conn.budget.max_daily_share if conn.budget else None)
    client = SalesforceClient(connection=name, login=login, http=http, budget=budget, redactor=redactor,
                              api_version=conn.api_version, timeout=float(conn.timeout_seconds),
                              retry=retry_settings(tuning.retry.given(), table=SALESFORCE_TABLE))
    settings = ReadSettings(
        page_size=given(opts.page_size, conn.page_size or 2000),
        bulk_threshold=given(opts.bulk_threshold, conn.bulk_threshold),
        overlap=timedelta(seconds=given(opts.overlap_seconds, float(conn.overlap_seconds))),
        reconcile_every=timedelta(hours=given(tuning.reconcile_hours, float(conn.reconcile_hours))),
        formulas_every=timedelta(hours=given(opts.formula_reread_hours, float(conn.formula_reread_hours))),
        url_limit=given(opts.url_limit, 16_384),
        bulk_page=given(opts.bulk_page, 50_000),
    )
    return SalesforceConnector(name=name, client=client, settle_lag=settle_lag, clock=clock, settings=settings,
                               bulk_write_threshold=given(opts.bulk_write_threshold, conn.bulk_write_threshold),
                               objects=object_specs(conn))


def object_specs(conn: SalesforceConnection) -> tuple[ObjectSpec, ...]:
    """The fixed object table, plus a spec for each custom object (``__c``) the connection names: every custom
    object reads the same way, so its spec needs no call (``check``/``discover`` verify the org has it). Its
    entity is the one its config mapping names (``mapping.<Object>.entity``), when there is one."""
    known = {spec.name for spec in OBJECTS}
    custom = []
    for obj in conn.objects:
        if obj not in known and is_custom_object(obj):
            override = conn.mapping.get(obj)
            entity = getattr(override, "entity", None) if override is not None else None
            custom.append(custom_spec(obj, str(entity or "")))
    return (*OBJECTS, *custom)


def _auth_form(conn: SalesforceConnection) -> tuple[Callable[[], dict[str, str]], list[str]]:
    """Secrets leave their SecretStr only here, into the token request (and the redactor that masks them)."""
    auth = conn.auth
    if auth.flow == "client_credentials":
        secret = auth.client_secret.get_secret_value()
        return client_credentials_form(auth.client_id, secret), [secret]
    if auth.flow == "password":
        secret, password = auth.client_secret.get_secret_value(), auth.password.get_secret_value()
        token = auth.security_token.get_secret_value()
        return password_form(auth.client_id, secret, auth.username, password, token), [secret, password, token]
    if auth.flow == "refresh_token":
        secret, refresh = auth.client_secret.get_secret_value(), auth.refresh_token.get_secret_value()
        return refresh_token_form(auth.client_id, secret, refresh), [secret, refresh]
    if auth.private_key is not None:
        key = auth.private_key.get_secret_value()
    elif auth.private_key_file is not None:
        key = auth.private_key_file.read_text()
    else:  # the config model requires one of the two; a model built around it must not send an empty key
        raise ConfigError("auth.private_key or auth.private_key_file is required for the jwt_bearer flow")
    return jwt_form(auth.client_id, auth.username, key, jwt_audience(str(conn.login_url))), [key]
