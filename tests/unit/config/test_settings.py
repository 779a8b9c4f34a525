"""CRMHUB_* settings: defaults, parsing, the store URL override, and errors that name the variable only."""

from __future__ import annotations

from pathlib import Path

import pytest

from config import ConfigFileError, Settings, load_settings, parse_config

_VARIABLES = ("CRMHUB_CONFIG", "CRMHUB_STORE_URL", "CRMHUB_SECRET_KEY", "CRMHUB_DATASETS")


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in _VARIABLES:
        monkeypatch.delenv(name, raising=False)


def test_defaults() -> None:
    settings = load_settings()
    assert settings.config == Path("crmhub.yaml")
    assert settings.store_url is None
    assert settings.secret_key is None
    assert settings.datasets is None


def test_values_come_from_prefixed_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRMHUB_CONFIG", "/etc/crmhub/crmhub.yaml")
    monkeypatch.setenv("CRMHUB_SECRET_KEY", "sentinel-settings-key-4d2e")
    monkeypatch.setenv("CRMHUB_DATASETS", "/var/lib/datasets")
    settings = load_settings()
    assert settings.config == Path("/etc/crmhub/crmhub.yaml")
    assert settings.secret_key is not None
    assert settings.secret_key.get_secret_value() == "sentinel-settings-key-4d2e"
    assert "sentinel-settings-key-4d2e" not in repr(settings)
    assert settings.datasets == Path("/var/lib/datasets")


def test_store_url_overrides_the_file(monkeypatch: pytest.MonkeyPatch) -> None:
    config = parse_config("version: 1\nstore: {url: 'sqlite:///local.db'}\n", env={})
    assert load_settings().apply(config) is config
    monkeypatch.setenv("CRMHUB_STORE_URL", "postgresql://crmhub:pw-4411@127.0.0.1:5432/crmhub")
    settings = load_settings()
    applied = settings.apply(config)
    assert applied.store.url == "postgresql://crmhub:pw-4411@127.0.0.1:5432/crmhub"
    assert config.store.url == "sqlite:///local.db"
    assert "pw-4411" not in repr(settings)


def test_invalid_settings_name_the_variable_not_the_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRMHUB_STORE_URL", "mysql://crmhub:sentinel-pw-9a1c@db/crmhub")
    with pytest.raises(ConfigFileError) as caught:
        load_settings()
    assert [str(p) for p in caught.value.problems] == [
        "CRMHUB_STORE_URL: expected sqlite:///path/to/file.db or postgresql://user@host:5432/database",
    ]
    assert "sentinel-pw-9a1c" not in str(caught.value) + repr(caught.value)
    assert caught.value.__context__ is None


def test_settings_class_reads_the_environment_directly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRMHUB_DATASETS", "/tmp/crmhub-datasets")
    assert Settings().datasets == Path("/tmp/crmhub-datasets")


def test_log_settings_come_from_the_one_settings_object(monkeypatch: pytest.MonkeyPatch) -> None:
    """CRMHUB_LOG_FORMAT / CRMHUB_LOG_LEVEL are Settings fields (no Typer envvar reads the environment on its own);
    the command-line options win; a bad value names its variable and exits CONFIG."""
    from typer.testing import CliRunner

    from config.settings import load_settings
    from hub import exitcodes
    from hub.cli import app

    monkeypatch.setenv("CRMHUB_LOG_FORMAT", "json")
    monkeypatch.setenv("CRMHUB_LOG_LEVEL", "INFO")
    s = load_settings()
    assert (s.log_format, s.log_level) == ("json", "INFO")
    monkeypatch.setenv("CRMHUB_LOG_FORMAT", "xml")
    bad = CliRunner().invoke(app, ["secret-key", "--json"])
    assert bad.exit_code == exitcodes.CONFIG and "CRMHUB_LOG_FORMAT" in bad.stderr
    monkeypatch.delenv("CRMHUB_LOG_FORMAT")
    good = CliRunner().invoke(app, ["--log-format", "text", "secret-key", "--json"])
    assert good.exit_code == 0, good.output
