"""Export the KPI registry as dbt Semantic Layer YAML, and validate what was written with dbt-semantic-interfaces.

The folder is a drop-in for a dbt project's ``models/`` (its models named as crmhub's store tables):
``semantic_models/<table>.yml``, ``metrics/kpis.yml``, the time spine MetricFlow needs (``time_spine.yml`` and
``metricflow_time_spine.sql``), and ``skipped.yml``: every KPI or measure left out, with the reason.

``validate`` reads the files back, turns dbt's project YAML into the semantic manifest dbt would build from it (a
model's ``ref('x')`` becomes its relation), and runs dbt-semantic-interfaces' parser and every validation rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from dbt_semantic_interfaces.parsing.dir_to_model import parse_yaml_files_to_validation_ready_semantic_manifest
from dbt_semantic_interfaces.parsing.objects import YamlConfigFile
from dbt_semantic_interfaces.validations.semantic_manifest_validator import SemanticManifestValidator

from analytics.kpi.dbt_metrics import Metrics
from analytics.kpi.dbt_semantic import SemanticModels
from analytics.kpi.registry import KpiRegistry

SPINE = "metricflow_time_spine"
SPINE_SQL = """\
-- One row per day: MetricFlow's time spine (crmhub's KPI export). Widen the range to your data's.
{{ config(materialized='table') }}
{{ dbt.date_spine('day', "cast('2000-01-01' as date)", "cast('2041-01-01' as date)") }}
"""
SPINE_YAML = {"models": [{"name": SPINE, "description": "One row per day, for MetricFlow's time-based joins.",
                          "time_spine": {"standard_granularity_column": "date_day"},
                          "columns": [{"name": "date_day", "granularity": "day"}]}]}


@dataclass(frozen=True, slots=True)
class ExportReport:
    out: Path
    semantic_models: int
    measures: int
    metrics: int
    skipped_kpis: dict[str, str]  # code -> reason
    skipped_measures: dict[str, str]  # dbt measure name -> reason


def export_dbt(registry: KpiRegistry, out: Path) -> ExportReport:
    """Write the semantic models, the metrics of every KPI dbt can express, the time spine and the skipped list."""
    models = SemanticModels(registry.catalog)
    metrics = Metrics(models)
    for kpi in registry.kpis.values():
        metrics.add(kpi)
    documents = models.documents()
    for name, document in documents.items():
        _write(out / "semantic_models" / name, document)
    _write(out / "metrics" / "kpis.yml", {"metrics": metrics.metrics})
    _write(out / "time_spine.yml", SPINE_YAML)
    (out / f"{SPINE}.sql").write_text(SPINE_SQL, encoding="utf-8")
    _write(out / "skipped.yml", {"kpis": [{"code": c, "reason": r} for c, r in sorted(metrics.skipped.items())],
                                 "measures": [{"name": n, "reason": r} for n, r in sorted(models.skipped.items())]})
    return ExportReport(out=out, semantic_models=len(documents), measures=sum(map(len, models.measures.values())),
                        metrics=len(metrics.metrics), skipped_kpis=dict(sorted(metrics.skipped.items())),
                        skipped_measures=dict(sorted(models.skipped.items())))


def validate_dbt(out: Path, *, schema: str = "analytics") -> list[str]:
    """Every blocking issue dbt-semantic-interfaces finds in the exported folder (empty: valid), each with its file.

    ``schema`` is where the tables are taken to live; dbt resolves ``ref()`` itself, so it only has to be a name."""
    files = [YamlConfigFile(filepath=str(path), contents=_manifest_yaml(path, schema))
             for path in [*sorted((out / "semantic_models").glob("*.yml")), out / "metrics" / "kpis.yml"]]
    spine = {"project_configuration": {"time_spines": [{"node_relation": {"alias": SPINE, "schema_name": schema},
                                                        "primary_column": {"name": "date_day",
                                                                           "time_granularity": "day"}}]}}
    files.append(YamlConfigFile(filepath=str(out / "time_spine.yml"), contents=yaml.safe_dump(spine)))
    built = parse_yaml_files_to_validation_ready_semantic_manifest(files, raise_issues_as_exceptions=False)
    issues = list(built.issues.errors)
    if not built.issues.has_blocking_issues:
        checked = SemanticManifestValidator[Any]().validate_semantic_manifest(built.semantic_manifest)
        issues += checked.errors
    return [issue.as_readable_str() for issue in issues]


def _manifest_yaml(path: Path, schema: str) -> str:
    """One exported dbt YAML file as dbt-semantic-interfaces' documents: one ``semantic_model:`` or ``metric:``
    each, a model's ``ref('table')`` as the relation dbt would resolve it to."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    documents: list[dict[str, Any]] = []
    for model in data.get("semantic_models", []):
        table = str(model.pop("model")).removeprefix("ref('").removesuffix("')")
        documents.append({"semantic_model": {**model, "node_relation": {"alias": table, "schema_name": schema}}})
    documents += [{"metric": metric} for metric in data.get("metrics", [])]
    return yaml.safe_dump_all(documents, sort_keys=False)


def _write(path: Path, document: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "# Generated by `crmhub kpi export-dbt` from crmhub's KPI registry: regenerate rather than edit.\n"
    path.write_text(text + yaml.safe_dump({"version": 2, **document}, sort_keys=False, width=120), encoding="utf-8")
