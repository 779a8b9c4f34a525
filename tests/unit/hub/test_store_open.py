"""A store that cannot be opened is one actionable line naming the setting that supplied its URL, exit 2; a new
SQLite store file is private to its owner."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

import store
from hub import exitcodes
from hub.cli import app

CONFIG = ("version: 1\nstore: {{url: '{url}'}}\nconnections:\n  hs:\n    kind: hubspot\n"
          "    base_url: https://127.0.0.1:9\n"
          "    auth: {{flow: private_app, token: pat-na1-11111111-2222-3333-4444-555555555555}}\n"
          "    objects: [contacts]\n")


def _config(tmp_path: Path, url: str) -> Path:
    path = tmp_path / "crmhub.yaml"
    path.write_text(CONFIG.format(url=url))
    return path


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
def test_an_unopenable_store_url_names_store_url_and_the_cause(tmp_path: Path, as_json: bool,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CRMHUB_STORE_URL", raising=False)
    config = _config(tmp_path, f"sqlite:///{tmp_path}/no-such-dir/crmhub.db")
    result = CliRunner().invoke(app, ["runs", "--config", str(config), *(["--json"] if as_json else [])])
    assert result.exit_code == exitcodes.CONFIG, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    if as_json:
        error = json.loads(result.stdout)["error"]
        assert error["kind"] == "config" and "\n" not in error["message"]
        assert error["message"].startswith(f"store.url: cannot open the store sqlite:///{tmp_path}/no-such-dir/")
        assert error["message"].endswith("unable to open database file")
    else:
        text = " ".join(result.stderr.split())  # Rich wraps the one line at the terminal's width
        assert text.startswith("error: store.url: cannot open the store sqlite:///")
        assert text.endswith("unable to open database file") and text.count("error:") == 1


def test_the_environment_override_is_named_and_its_password_masked(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    config = _config(tmp_path, f"sqlite:///{tmp_path}/crmhub.db")
    monkeypatch.setenv("CRMHUB_STORE_URL", "postgresql://crmhub:SENTINELpw4@127.0.0.1:1/crmhub")
    result = CliRunner().invoke(app, ["runs", "--config", str(config), "--json"])
    assert result.exit_code == exitcodes.CONFIG, result.output
    message = json.loads(result.stdout)["error"]["message"]
    assert message.startswith("CRMHUB_STORE_URL: cannot open the store postgresql://crmhub:***@127.0.0.1:1/")
    assert "Connection refused" in message and "\n" not in message
    assert "SENTINELpw4" not in result.output


def test_a_malformed_environment_override_is_a_config_error_naming_the_variable(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = _config(tmp_path, f"sqlite:///{tmp_path}/crmhub.db")
    monkeypatch.setenv("CRMHUB_STORE_URL", "mysql://a@b/c")
    result = CliRunner().invoke(app, ["runs", "--config", str(config), "--json"])
    assert result.exit_code == exitcodes.CONFIG, result.output
    assert json.loads(result.stdout)["error"]["message"].startswith("CRMHUB_STORE_URL")


def test_a_new_sqlite_store_and_its_wal_are_readable_by_their_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "crmhub.db"
    engine = store.make_engine(f"sqlite:///{path}")
    store.ensure_schema(engine)
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
            files = [path, *tmp_path.glob("crmhub.db-*")]
            assert len(files) >= 2  # the WAL exists while a connection is open
            for f in files:
                assert stat.S_IMODE(f.stat().st_mode) == 0o600, f
    finally:
        engine.dispose()
