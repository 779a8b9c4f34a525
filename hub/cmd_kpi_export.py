"""``crmhub kpi export-dbt --out DIR``: the KPI registry as dbt Semantic Layer YAML, validated before it is reported.

The service is analytics.kpi.dbt_export (export_dbt, validate_dbt); this prints what was written and skipped.
"""

from __future__ import annotations

from pathlib import Path

import typer

from analytics.kpi.dbt_export import export_dbt, validate_dbt
from analytics.kpi.loader import shipped_kpi_registry
from hub import exitcodes
from hub.context import failures, json_option
from hub.output import Output


def export_dbt_command(
    out_dir: Path = typer.Option(..., "--out", "-o", help="The folder to write (a dbt project's models/ subfolder)."),
    as_json: bool = json_option(),
) -> None:
    """Write the measures as semantic models and the KPIs as metrics; list every KPI left out and why."""
    out = Output(as_json=as_json)
    with failures(out):
        report = export_dbt(shipped_kpi_registry(), out_dir)
        issues = validate_dbt(out_dir)
    if as_json:
        out.json({"ok": not issues, "out": str(out_dir), "semantic_models": report.semantic_models,
                  "measures": report.measures, "metrics": report.metrics, "valid": not issues, "issues": issues,
                  "skipped_kpis": report.skipped_kpis, "skipped_measures": report.skipped_measures})
    else:
        out.info(f"wrote {report.semantic_models} semantic models ({report.measures} measures) and {report.metrics} "
                 f"metrics to {out_dir}; {len(report.skipped_kpis)} KPIs skipped (listed in skipped.yml)")
        out.table("KPIs not exported", ["code", "why"], sorted(report.skipped_kpis.items()))
    if issues:
        out.error(f"dbt-semantic-interfaces finds {len(issues)} blocking issue(s) in the export:\n" + "\n".join(issues))
        raise typer.Exit(exitcodes.RECORDS_FAILED)
    out.info("validated with dbt-semantic-interfaces: no blocking issue")
