"""The example `crmhub init` writes loads as it is, and so do the connections it shows commented out."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest

from config import (
    ConfigFileError,
    DynamicsConnection,
    HubSpotConnection,
    MarketoConnection,
    SalesforceConnection,
    Schedule,
    example_config,
    load_config,
    parse_config,
)

_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def _yaml_lines(text: str) -> str:
    """The text without comments, so only references that are really resolved are counted."""
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


def _named_variables(text: str) -> dict[str, str]:
    return {name: f"value-of-{name}" for name in _REFERENCE.findall(_yaml_lines(text))}


def _uncommented(text: str) -> str:
    """The example with the commented-out connections switched on, as its comment tells an admin to do."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if "--- more connections" in line)
    end = next(i for i, line in enumerate(lines) if "--- end of more connections" in line)
    switched = [re.sub(r"^(\s*)# ?", r"\1", line) for line in lines[start + 1 : end]]
    return "\n".join([*lines[: start + 1], *switched, *lines[end:]])


def test_example_names_its_variables_and_loads_with_them() -> None:
    text = example_config()
    env = _named_variables(text)
    assert env == {"HUBSPOT_TOKEN": "value-of-HUBSPOT_TOKEN"}

    config = parse_config(text, env=env)

    hubspot = config.connection("hubspot_main")
    assert isinstance(hubspot, HubSpotConnection)
    assert hubspot.auth.token.get_secret_value() == "value-of-HUBSPOT_TOKEN"
    assert list(hubspot.objects) == ["contacts", "companies", "deals", "owners"]
    assert hubspot.base_url == "https://api.hubapi.com"
    assert hubspot.budget.max_daily_share == 0.8
    assert hubspot.writeback.fields == {"lead_score": "crmhub_lead_score"}
    assert config.effective_settle_lag("hubspot_main") == timedelta(seconds=60)
    assert config.effective_schedule("hubspot_main", "deals") == Schedule(cron="*/15 * * * *")
    assert config.store.url == "sqlite:///crmhub.db"


def test_example_without_its_variables_names_each_missing_one() -> None:
    with pytest.raises(ConfigFileError) as caught:
        parse_config(example_config(), env={})
    assert [str(p) for p in caught.value.problems] == [
        "connections.hubspot_main.auth.token: environment variable HUBSPOT_TOKEN is not set"
    ]


def test_commented_out_connections_load_once_switched_on() -> None:
    text = _uncommented(example_config())
    env = _named_variables(text)
    assert "SALESFORCE_CLIENT_SECRET" in env and "MARKETO_CLIENT_SECRET" in env

    config = parse_config(text, env=env)

    assert list(config.connections) == ["hubspot_main", "salesforce_main", "dynamics_main", "marketo_main"]
    assert isinstance(config.connection("salesforce_main"), SalesforceConnection)
    dynamics = config.connection("dynamics_main")
    assert isinstance(dynamics, DynamicsConnection)
    assert dynamics.token_scope == "https://contoso.crm.dynamics.com/.default"
    marketo = config.connection("marketo_main")
    assert isinstance(marketo, MarketoConnection)
    assert marketo.identity_url == "https://123-ABC-456.mktorest.com/identity"
    assert config.effective_schedule("marketo_main", "activities") == Schedule(interval_minutes=5)
    assert config.effective_schedule("marketo_main", "leads") == Schedule(interval_minutes=15)


def test_example_written_to_disk_loads_from_its_path(tmp_path: Path) -> None:
    path = tmp_path / "crmhub.yaml"
    path.write_text(example_config(), encoding="utf-8")
    config = load_config(path, env={"HUBSPOT_TOKEN": "pat-x"})
    assert config.version == 1
