"""hub/docsgen.py: the generated reference pages of docs/ (CLI, crmhub.yaml, canonical fields) match the code."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer

from hub.docsgen import DOCS_DIR, PAGES, cli_reference, config_reference, main, stale_pages, write_pages


def test_the_committed_reference_pages_are_what_the_code_generates() -> None:
    assert stale_pages() == [], "generated docs are stale: run `make docs-gen` (python -m hub.docsgen) and commit"
    assert all((DOCS_DIR / name).is_file() for name in PAGES)


def test_check_names_a_stale_page_and_writing_repairs_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--docs", str(tmp_path), "--check"]) == 1  # nothing written yet: every page is missing
    assert sorted(write_pages(tmp_path)) == sorted(PAGES)
    assert main(["--docs", str(tmp_path), "--check"]) == 0
    page = tmp_path / "reference" / "cli.md"
    page.write_text(page.read_text().replace("--full-refresh", "--full"))
    capsys.readouterr()
    assert main(["--docs", str(tmp_path), "--check"]) == 1
    assert "reference/cli.md is stale" in capsys.readouterr().err
    assert main(["--docs", str(tmp_path)]) == 0 and stale_pages(tmp_path) == []


def test_the_cli_reference_has_every_command_with_its_options() -> None:
    text = cli_reference()
    for path in ("crmhub sync", "crmhub state reset", "crmhub quality replay", "crmhub forecast adjust",
                 "crmhub sandbox serve", "crmhub config check"):
        assert f"## `{path}`" in text, path
    assert "| `--full-refresh` | Re-read everything from the start. |" in text
    assert "default $CRMHUB_LOG_FORMAT or text" in text  # read through the one Settings object


def test_the_cli_reference_follows_the_app_it_is_given() -> None:
    app = typer.Typer()

    @app.command()
    def hello(name: str = typer.Option("world", "--name", help="Whom to greet.")) -> None:
        """Say hello."""

    @app.command()
    def bye() -> None:
        """Say goodbye."""

    text = cli_reference(app)
    assert "## `crmhub hello`" in text and "Say hello." in text and "## `crmhub bye`" in text
    assert "| `--name <str>` | Whom to greet. [default: world] |" in text


def test_the_config_reference_has_every_key_with_type_default_and_description() -> None:
    text = config_reference()
    assert "| `store.url` | string | `\"sqlite:///crmhub.db\"` |" in text
    assert "| `defaults.settle_lag_seconds` | integer (≥ 0, ≤ 86,400) | `120` |" in text
    assert "## `connections.<connection>` (kind: salesforce)" in text
    assert "## `connections.<connection>.auth` (flow: jwt_bearer)" in text
    row = next(line for line in text.splitlines() if line.startswith("| `connections.<connection>.bulk_threshold`"))
    assert "`10000`" in row and "Bulk API 2.0" in row  # the description is the model's own comment
    assert "| `quality.<entity>.<rule>.severity` | \"warn\" \\| \"quarantine\" \\| \"fail\" \\| null |" in text
    assert "| `scoring.weights.intent` | number (≥ 0, ≤ 1) | `0.35` |" in text
