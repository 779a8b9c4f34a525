"""Loading the registry into the store: the five tables hold it, a reload is idempotent, and a changed definition
loses its materialised values (and only it), on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, insert, select

from analytics.kpi.loader import load_definitions
from analytics.kpi.registry import KpiRegistry
from analytics.kpi.store_load import definition_hash, load_registry
from store.tables import (
    kpi_definition,
    kpi_module,
    kpi_module_member,
    kpi_value,
    module_object_model,
    object_model_definition,
)
from tests.unit.analytics.kpi.kpi_files import computed, needs_data, not_computable, write

NOW = datetime(2026, 3, 1, tzinfo=UTC)


def _registry(folder: Path, **win_rate_changes: Any) -> KpiRegistry:
    return load_definitions(write(folder, computed(**win_rate_changes), needs_data(), not_computable()))


def _hash(registry: KpiRegistry, code: str) -> str:
    return definition_hash(registry.kpi(code), registry.catalog)


def _value(engine: Engine, code: str, digest: str, member: str) -> None:
    with engine.begin() as conn:
        conn.execute(insert(kpi_value), [{"kpi_code": code, "dimension": "rep", "member": member, "period": "month",
                                          "period_start": date(2026, 1, 1), "value": 0.5, "definition_hash": digest,
                                          "computed_at": NOW}])


def _counts(engine: Engine) -> dict[str, int]:
    tables = (kpi_module, kpi_definition, object_model_definition, kpi_module_member, module_object_model, kpi_value)
    with engine.connect() as conn:
        return {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one() for t in tables}


def test_the_tables_hold_the_registry_and_a_reload_changes_nothing(db: Engine, tmp_path: Path) -> None:
    registry = _registry(tmp_path)
    report = load_registry(db, registry, now=NOW)
    assert (report.modules, report.kpis, report.object_models, report.kpi_memberships) == (13, 3, 82, 6)
    assert report.model_memberships == 189  # the seed's module -> model lists (mapping/objectmodels checks them)
    first = _counts(db)
    assert first == {"kpi_module": 13, "kpi_definition": 3, "object_model_definition": 82, "kpi_module_member": 6,
                     "module_object_model": 189, "kpi_value": 0}
    assert load_registry(db, registry, now=NOW).values_invalidated == 0 and _counts(db) == first
    with db.connect() as conn:
        row = conn.execute(select(kpi_definition).where(kpi_definition.c.code == "WIN_RATE")).one()
        inside = conn.execute(select(kpi_module.c.metadata_).where(kpi_module.c.code == "INSIDE_SALES")).scalar_one()
        demo = conn.execute(select(object_model_definition.c.metadata_)
                            .where(object_model_definition.c.code == "DEMO")).scalar_one()
        order = conn.execute(select(module_object_model.c.model_code).where(module_object_model.c.module_code ==
                                                                            "BUS_DEV")
                             .order_by(module_object_model.c.position)).scalars().all()
    assert (row.kpi_type, row.status, row.unit, row.direction) == ("ratio", "computed", "percent", "higher")
    assert row.definition_hash == _hash(registry, "WIN_RATE")
    assert row.metadata_["modules"] == ["BUS_DEV", "INSIDE_SALES"] and row.metadata_["kpi_type"] == "ratio"
    assert row.metadata_["numerator"] == "opportunity.won_count" and row.metadata_["file"].endswith("/win_rate.yaml")
    assert inside["kpis"] == ["DEMO_TO_CLOSE_RATE", "NET_PROMOTER_SCORE", "WIN_RATE"]
    assert demo["kpis"] == ["DEMO_TO_CLOSE_RATE"] and "INSIDE_SALES" in demo["modules"]
    assert order[:3] == ["LEAD", "OPPORTUNITY", "DEAL"]


def test_a_changed_definition_loses_its_values_and_others_keep_theirs(db: Engine, tmp_path: Path) -> None:
    before = _registry(tmp_path / "before")
    load_registry(db, before, now=NOW)
    win, nps = _hash(before, "WIN_RATE"), _hash(before, "NET_PROMOTER_SCORE")
    _value(db, "WIN_RATE", win, "u1")
    _value(db, "NET_PROMOTER_SCORE", nps, "u1")
    _value(db, "GONE_KPI", "0" * 64, "u1")  # a KPI no file defines any more
    after = _registry(tmp_path / "after", denominator="opportunity.count")
    assert _hash(after, "WIN_RATE") != win
    assert _hash(after, "NET_PROMOTER_SCORE") == nps
    assert load_registry(db, after, now=NOW).values_invalidated == 2
    with db.connect() as conn:
        kept = conn.execute(select(kpi_value.c.kpi_code)).scalars().all()
    assert kept == ["NET_PROMOTER_SCORE"]


def test_the_hash_is_the_content_not_the_layout(tmp_path: Path) -> None:
    plain = _hash(_registry(tmp_path / "a"), "WIN_RATE")
    folder = tmp_path / "b"
    folder.mkdir()
    (folder / "win_rate.yaml").write_text(  # the same KPI in flow style, keys reordered, defaults written out
        "{type: ratio, code: WIN_RATE, name: Win Rate, description: Deals won over deals closed., modules: [BUS_DEV, "
        "INSIDE_SALES], object_models: [OPPORTUNITY, SALE], status: computed, unit: percent, direction: higher, "
        "numerator: opportunity.won_count, denominator: opportunity.closed_count, scale: 100.0, reason: ''}\n")
    assert _hash(load_definitions(folder), "WIN_RATE") == plain


def test_a_shared_measure_changed_under_a_kpi_changes_its_hash(tmp_path: Path) -> None:
    """The KPI's file is the same; the shared measure it names now counts something else."""
    registry = _registry(tmp_path)
    changed = dict(registry.catalog.measures)
    changed["opportunity.closed_count"] = changed["opportunity.count"]
    moved = replace(registry.catalog, measures=changed)
    assert definition_hash(registry.kpi("WIN_RATE"), moved) != _hash(registry, "WIN_RATE")
    assert definition_hash(registry.kpi("NET_PROMOTER_SCORE"), moved) == _hash(registry, "NET_PROMOTER_SCORE")
