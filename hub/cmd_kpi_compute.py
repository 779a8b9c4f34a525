"""``crmhub kpi compute CODE --grain rep,month``: one KPI computed from the store, as a table, JSON or CSV.

The service is analytics.kpi.query.compute; this reads the options, the config's ``kpi:`` settings and prints.
"""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path

import typer

from analytics.kpi.catalog import Catalog
from analytics.kpi.definition import definition_path, read_definition
from analytics.kpi.present import columns, csv_text, parse_filters, records
from analytics.kpi.query import KpiRequest, compute, parse_grain
from hub.context import config_option, failures, json_option, open_app
from hub.output import Output


def compute_command(
    code: str = typer.Argument(..., help="The KPI's code (WIN_RATE_CLOSED_DEALS)."),
    grain: str = typer.Option("", "--grain", "-g",
                              help="Dimensions and at most one period, comma-separated: rep, team, region, territory, "
                                   "company; day, week, month, quarter, fiscal_quarter, year, fiscal_year. Empty: the "
                                   "total."),
    from_: datetime = typer.Option(None, "--from", formats=["%Y-%m-%d"],
                                   help="First day counted (on the KPI's anchor, in the org's time zone)."),
    to: datetime = typer.Option(None, "--to", formats=["%Y-%m-%d"],
                                help="First day NOT counted: the range is [from, to)."),
    filter_: list[str] = typer.Option([], "--filter", "-f", help="Only these members: DIMENSION=MEMBER[,MEMBER...]."),
    as_user: str = typer.Option(None, "--as-user", help="Count only what this user (crm_user id) may see."),
    file: Path = typer.Option(None, "--file", help="Read the KPI from this YAML file instead of its definitions file."),
    show_sql: bool = typer.Option(False, "--sql", help="Also print the SQL the KPI compiled to."),
    as_csv: bool = typer.Option(False, "--csv", help="Print CSV on stdout."),
    config: Path = config_option(),
    as_json: bool = json_option(),
) -> None:
    """Compute one KPI at a grain from the canonical store."""
    out = Output(as_json=as_json or as_csv)
    with failures(out):
        dimensions, period = parse_grain(grain)
        kpi = read_definition(file or definition_path(code))
        ctx = open_app(config, out)
        settings = ctx.cfg.kpi
        request = KpiRequest(code.upper(), dimensions, period, _day(from_), _day(to), parse_filters(filter_), as_user)
        result = compute(ctx.engine, kpi, request, catalog=Catalog.load(), settings=settings)
        rows = records(result, period, settings.fiscal_year_start_month)
    header = columns(dimensions, period)
    if as_json:
        out.json({"code": result.code, "name": result.name, "unit": result.unit, "source": result.source,
                  "grain": {"dimensions": list(dimensions), "period": period}, "rows": rows,
                  **({"sql": result.sql} if show_sql else {})})
    elif as_csv:
        sys.stdout.write(csv_text(rows, header))
    else:
        out.table(f"{result.code}: {result.name} ({result.unit}, {len(rows)} rows)", header,
                  [[row.get(c) for c in header] for row in rows])
        if show_sql:
            out.info(result.sql)


def _day(value: datetime | None) -> date | None:
    return value.date() if value is not None else None
