"""``crmhub kpi list|show|census|compute|export-dbt|refresh``: the KPI registry — definitions, modules, models,
statuses — and the engine's commands.

The registry and its documents are services (``analytics.kpi.loader``, ``analytics.kpi.views``); these commands
print them. ``kpi compute`` (the engine's) is in ``hub/cmd_kpi_compute.py``, ``kpi export-dbt`` in
``hub/cmd_kpi_export.py``, ``kpi refresh`` (kpi_value) in ``hub/cmd_kpi_refresh.py``.
"""

from __future__ import annotations

from typing import Any

import typer

from analytics.kpi.catalog import Catalog
from analytics.kpi.loader import shipped_kpi_registry
from analytics.kpi.views import census_document, detail, select_kpis, summary
from hub.cmd_kpi_compute import compute_command
from hub.cmd_kpi_export import export_dbt_command
from hub.cmd_kpi_refresh import refresh_command
from hub.context import failures, json_option
from hub.output import Output

kpi_app = typer.Typer(no_args_is_help=True,
                      help="The KPI registry: list, show, census, compute, refresh and export KPIs.")
kpi_app.command("compute")(compute_command)
kpi_app.command("export-dbt")(export_dbt_command)
kpi_app.command("refresh")(refresh_command)


@kpi_app.command("list")
def list_cmd(module: str = typer.Option(None, "--module", "-m", help="Only this module's KPIs (e.g. INSIDE_SALES)."),
             status: str = typer.Option(None, "--status", "-s",
                                        help="Only KPIs with this status: computed, needs_data or not_computable."),
             as_json: bool = json_option()) -> None:
    """Every KPI (or one module's): its type, status, unit and modules."""
    out = Output(as_json=as_json)
    with failures(out):
        registry = shipped_kpi_registry()
        docs = [summary(kpi) for kpi in select_kpis(registry, module=module, status=status)]
        module_code = registry.module(module).code if module else None
    if as_json:
        out.json({"module": module_code, "status": status, "count": len(docs), "kpis": docs})
        return
    scope = " ".join(filter(None, (module_code, status)))
    out.table(f"KPIs{f' ({scope})' if scope else ''}: {len(docs)}",
              ["code", "name", "type", "status", "unit", "#modules"],
              [(d["code"], d["name"], d["type"], d["status"], d["unit"], len(d["modules"])) for d in docs])


@kpi_app.command("show")
def show_cmd(code: str = typer.Argument(..., help="A KPI's code (WIN_RATE_CLOSED)."),
             as_json: bool = json_option()) -> None:
    """One KPI: its definition, modules, object models, its measures in plain words, what it needs or why not."""
    out = Output(as_json=as_json)
    with failures(out):
        registry = shipped_kpi_registry()
        doc = detail(registry.kpi(code), registry, Catalog.load())
    if as_json:
        out.json(doc)
    else:
        _print_kpi(out, doc)


@kpi_app.command("census")
def census_cmd(as_json: bool = json_option()) -> None:
    """Per module: how many KPIs are computed, need data, cannot be computed; totals over memberships and distinct."""
    out = Output(as_json=as_json)
    with failures(out):
        doc = census_document(shipped_kpi_registry())
    if as_json:
        out.json(doc)
        return
    rows: list[tuple[Any, ...]] = [_census_row(m["code"], m) for m in doc["modules"]]
    rows += [_census_row("all memberships", doc["memberships"]), _census_row("distinct KPIs", doc["distinct"])]
    out.table("KPI census", ["module", "#computed", "#needs data", "#not computable", "#total", "computed"], rows)


def _census_row(label: str, counts: dict[str, Any]) -> tuple[Any, ...]:
    share = counts["computed_share"]
    return (label, counts["computed"], counts["needs_data"], counts["not_computable"], counts["total"],
            "" if share is None else f"{share:.0%}")


def _print_kpi(out: Output, doc: dict[str, Any]) -> None:
    out.info(f"[bold]{doc['code']}: {doc['name']}[/]  ({doc['type']}, {doc['unit']}, {doc['direction']} is better)")
    out.info(doc["description"])
    out.info(f"status: {doc['status_words']}")
    if doc["caveat"]:
        out.info(f"[yellow]caveat:[/] {doc['caveat']}")
    out.info(f"modules ({len(doc['modules'])}): {', '.join(m['code'] for m in doc['modules'])}")
    models = ", ".join(f"{m['code']} ({m['name']})" for m in doc["object_models"])
    out.info(f"object models: {models}")
    if doc["measures"]:
        out.table("measures", ["role", "measure", "in words"],
                  [(m["role"], m["name"] or m["ref"], m["words"] or m["problem"] or m["description"] or "")
                   for m in doc["measures"]])
        out.info(f"combined: {doc['combination']}")
    if doc["anchor"]:
        out.info(f"time anchor: {doc['anchor']}")
    out.info(f"dimensions: {', '.join(doc['dimensions'])}")
    out.info(f"file: {doc['file']}")
