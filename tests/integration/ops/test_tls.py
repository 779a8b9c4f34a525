"""A certificate the configured CA bundle does not trust fails at once, as a setting to fix (``ca_bundle``, the host,
"certificate verify failed"), never as a minute of retries reading like an unreachable host; an unreachable host
names its URL, and every retry is logged with its attempt and wait."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import certifi
import pytest

from config import load_config
from connectors.errors import ConfigError, TransientError
from connectors.registry import build_connector
from tests.support.sentinels import SENTINELS, Crm, sandboxes, write_config

KINDS = ("hubspot", "salesforce", "marketo", "dynamics")
WRONG_CA = certifi.where()  # public CAs: none of them signed the sandboxes' certificates


@pytest.fixture(scope="module")
def crms(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Crm]]:
    with sandboxes(KINDS, tmp_path_factory.mktemp("tls"), scale=20) as running:
        yield running


def _connector(crm: Crm, tmp_path: Path, *, ca_bundle: str, options: dict[str, Any] | None = None,
               base_url: str | None = None) -> Any:
    path = write_config(tmp_path / "crmhub.yaml", {crm.kind: crm}, f"sqlite:///{tmp_path / 'crmhub.db'}")
    text = path.read_text().replace(str(crm.sandbox.info.ca_path), ca_bundle)
    if base_url is not None:
        text = text.replace(crm.sandbox.info.https_url, base_url)
    path.write_text(text)
    cfg = load_config(path, env={**os.environ, **SENTINELS})
    return build_connector(crm.connection, cfg.connection(crm.connection), settle_lag=timedelta(seconds=1),
                           options=options)


@pytest.fixture
def no_waiting(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Every sleep is recorded and skipped: a retry (which waits first) shows up here, the test never waits."""
    waits: list[float] = []
    monkeypatch.setattr(time, "sleep", waits.append)
    return waits


@pytest.mark.parametrize("kind", KINDS)
def test_a_refused_certificate_fails_at_once_naming_ca_bundle_and_the_host(
        kind: str, crms: dict[str, Crm], tmp_path: Path, no_waiting: list[float]) -> None:
    crm = crms[kind]
    connector = _connector(crm, tmp_path, ca_bundle=WRONG_CA)
    try:
        with pytest.raises(ConfigError) as err:
            connector.check()
    finally:
        connector.close()
    text = str(err.value)
    host = crm.sandbox.info.https_url.split("://", 1)[1].rstrip("/")
    assert "certificate verify failed" in text and f"ca_bundle {WRONG_CA}" in text and host in text, text
    assert crm.connection in text
    assert no_waiting == []  # not one retry


@pytest.mark.parametrize("kind", KINDS)
def test_an_unreachable_host_names_its_url_and_logs_each_retry(kind: str, crms: dict[str, Crm], tmp_path: Path,
                                                               no_waiting: list[float],
                                                               caplog: pytest.LogCaptureFixture) -> None:
    """Every URL of the connection (API and token endpoint alike) points where nothing listens: whichever is asked
    first, the error names it."""
    crm = crms[kind]
    url = "https://127.0.0.1:9"  # discard: nothing listens there
    connector = _connector(crm, tmp_path, ca_bundle=str(crm.sandbox.info.ca_path), base_url=url,
                           options={"max_attempts": 3})
    with caplog.at_level(logging.WARNING, logger="connectors.http.retry"), pytest.raises(TransientError) as err:
        connector.check()
    connector.close()
    assert url in str(err.value) and "reach" in str(err.value)  # "unreachable" or "could not reach"
    retries = [r.getMessage() for r in caplog.records if r.name == "connectors.http.retry"]
    assert len(retries) == 2 and len(no_waiting) == 2, retries
    assert "attempt 1 of 3 failed; retrying in" in retries[0] and url in retries[0]
    assert "attempt 2 of 3 failed" in retries[1]
