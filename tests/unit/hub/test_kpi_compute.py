"""``crmhub kpi compute``: a KPI at a grain from the golden store, as JSON, CSV and a table; refusals exit 2."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

import store
from hub.cli import app
from tests.support.kpi_golden import FIXTURES, build


def _config(tmp_path: Path, kpi: str = "") -> Path:
    path = tmp_path / "crmhub.yaml"
    path.write_text(f"version: 1\nstore: {{url: 'sqlite:///{tmp_path / 'kpi.db'}'}}\n{kpi}")
    engine = store.make_engine(f"sqlite:///{tmp_path / 'kpi.db'}")
    store.ensure_schema(engine)
    build(engine)
    engine.dispose()
    return path


def _compute(config: Path, code: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["kpi", "compute", code, "--file", str(FIXTURES / f"{code.lower()}.yaml"),
                                      "--config", str(config), *args])
    return result.exit_code, result.stdout


def test_json_csv_and_table(tmp_path: Path) -> None:
    config = _config(tmp_path, "kpi: {fiscal_year_start_month: 2}\n")
    code, out = _compute(config, "WIN_RATE_CLOSED", "--grain", "team,fiscal_quarter", "--from", "2025-01-01",
                         "--to", "2026-01-01", "--json", "--sql")
    assert code == 0, out
    payload = json.loads(out)
    assert payload["grain"] == {"dimensions": ["team"], "period": "fiscal_quarter"} and payload["unit"] == "percent"
    first = payload["rows"][0]
    # east, Nov 2024 - Jan 2025 (FY2025-Q4): o1 won of o1 closed; Feb - Apr: o4, o3 won of o2, o4, o3
    assert first == {"team": "east", "period_start": "2024-11-01", "period": "FY2025-Q4", "value": 100.0,
                     "numerator": 1.0, "denominator": 1.0}
    assert "WITH part_numerator AS" in payload["sql"]
    code, out = _compute(config, "WON_AMOUNT", "--grain", "rep", "--csv", "--from", "2025-01-01", "--as-user", "u2")
    assert code == 0 and out.splitlines() == ["rep,value,numerator,denominator", "u1,600.0,,", "u2,200.0,,"]
    code, out = _compute(config, "WON_DEALS", "--grain", "region", "--filter", "region=FR,DE")
    assert code == 0 and "WON_DEALS: Deals won (count, 2 rows)" in out


def test_refusals_are_config_errors_with_a_message(tmp_path: Path) -> None:
    config = _config(tmp_path)
    code, out = _compute(config, "WON_AMOUNT", "--grain", "rep,product", "--json")
    assert code == 2 and "'product' is neither a dimension" in json.loads(out)["error"]["message"]
    code, out = _compute(config, "WON_AMOUNT", "--as-user", "ghost", "--json")
    assert code == 2 and "as_user 'ghost' is no live user" in json.loads(out)["error"]["message"]
    missing = CliRunner().invoke(app, ["kpi", "compute", "NO_SUCH_KPI", "--config", str(config), "--json"])
    assert missing.exit_code == 2 and "no_such_kpi.yaml: no such KPI file" in json.loads(missing.stdout)["error"][
        "message"]
