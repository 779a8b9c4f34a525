"""Scoring and forecasting answer a small or one-sided store with a result or a reason, never a traceback or NaN;
``score leads`` scores contacts too (HubSpot has no leads) and says so when nothing was scored."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import Engine
from typer.testing import CliRunner

import store
from hub.cli import app
from tests.support.canonical_rows import add_many


def _store(tmp_path: Path) -> tuple[Path, Engine]:
    path = tmp_path / "crmhub.yaml"
    path.write_text(f"version: 1\nstore: {{url: 'sqlite:///{tmp_path / 'cli.db'}'}}\n")
    engine = store.make_engine(f"sqlite:///{tmp_path / 'cli.db'}")
    store.ensure_schema(engine)
    return path, engine


def _deal(deal_id: str, *, created: datetime, closed: date | None, won: bool) -> dict[str, object]:
    return {"id": deal_id, "owner_id": "u1", "amount": 1000.0, "created_at": created, "close_date": closed,
            "is_closed": closed is not None, "is_won": won, "stage": "Won" if won else ("Lost" if closed else "Open")}


def test_forecast_of_a_store_with_history_but_no_open_deal_answers(tmp_path: Path) -> None:
    config, engine = _store(tmp_path)
    # One won and one lost deal, both closed long ago: hazards can be fitted, but nothing is open to predict for
    # (scikit-learn raised "Found array with 0 sample(s)" here).
    add_many(engine, "opportunity", [
        _deal("won", created=datetime(2025, 1, 5, tzinfo=UTC), closed=date(2025, 2, 10), won=True),
        _deal("lost", created=datetime(2025, 1, 6, tzinfo=UTC), closed=date(2025, 3, 10), won=False),
    ])
    engine.dispose()
    for period in ("month", "quarter"):
        result = CliRunner().invoke(app, ["forecast", "--period", period, "--json", "--config", str(config)])
        assert result.exit_code == 0, result.output
        payload = json.loads(result.stdout)
        assert payload["ok"] is True and payload["rows"]
    backtest = CliRunner().invoke(app, ["forecast", "--backtest", "--config", str(config)])
    assert backtest.exit_code == 0, backtest.output
    assert "Traceback" not in backtest.output and "nan" not in backtest.output.lower()


def test_forecast_without_closed_deals_says_why_open_deals_add_nothing(tmp_path: Path) -> None:
    config, engine = _store(tmp_path)
    add_many(engine, "opportunity", [_deal("open", created=datetime(2025, 1, 5, tzinfo=UTC), closed=None,
                                           won=False)])
    engine.dispose()
    result = CliRunner().invoke(app, ["forecast", "--json", "--config", str(config)])
    assert result.exit_code == 0, result.output
    notes = json.loads(result.stdout)["notes"]
    assert len(notes) == 2  # the current month and the next
    assert "not enough closed deals to learn when deals win (0 closed before the period" in notes[0]
    text = CliRunner().invoke(app, ["forecast", "--backtest", "--config", str(config)])
    assert text.exit_code == 0, text.output
    assert "backtest: no deal has been won yet" in " ".join(text.output.split())


def test_score_deals_never_prints_nan(tmp_path: Path) -> None:
    config, engine = _store(tmp_path)
    add_many(engine, "opportunity", [_deal("d1", created=datetime(2026, 1, 5, tzinfo=UTC), closed=None,
                                           won=False)])
    runner = CliRunner()
    first = runner.invoke(app, ["score", "deals", "--config", str(config)])
    assert first.exit_code == 0, first.output
    flat = " ".join(first.output.split())
    assert "nan" not in flat.lower()
    assert "Brier unavailable (no deal scored before it closed has closed yet)" in flat
    # The scored deal is then won: tracked on one deal, all won, so AUC cannot be computed.
    add_many(engine, "opportunity", [_deal("d1", created=datetime(2026, 1, 5, tzinfo=UTC), closed=date(2026, 2, 1),
                                           won=True)])
    engine.dispose()
    second = runner.invoke(app, ["score", "deals", "--config", str(config)])
    flat = " ".join(second.output.split())
    assert second.exit_code == 0 and "nan" not in flat.lower()
    assert "tracked on 1 closed deals: Brier 0." in flat
    assert "AUC unavailable (AUC needs both won and lost deals; all 1 closed scored deal(s) were won)" in flat


def test_score_leads_scores_contacts_by_default_and_fails_loudly_on_nothing(tmp_path: Path) -> None:
    config, engine = _store(tmp_path)
    runner = CliRunner()
    empty = runner.invoke(app, ["score", "leads", "--json", "--config", str(config)])
    assert empty.exit_code == 1
    payload = json.loads(empty.stdout)
    assert payload["ok"] is False and payload["scored"] == 0
    assert payload["warning"].startswith("nothing was scored: the store has no live leads or contacts")
    # A HubSpot-only store: contacts, no leads.
    add_many(engine, "contact", [{"id": f"c{i}", "last_name": "Lovelace", "email": f"c{i}@example.com",
                                  "created_at": datetime(2026, 1, 5, tzinfo=UTC)} for i in range(3)])
    engine.dispose()
    result = runner.invoke(app, ["score", "leads", "--json", "--config", str(config)])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["ok"] is True and payload["scored"] == 3
    assert [(r["entity"], r["scored"]) for r in payload["runs"]] == [("lead", 0), ("contact", 3)]
    only_leads = runner.invoke(app, ["score", "leads", "--entity", "lead", "--config", str(config)])
    assert only_leads.exit_code == 1
    assert "nothing was scored: the store has no live leads;" in " ".join(only_leads.output.split())
