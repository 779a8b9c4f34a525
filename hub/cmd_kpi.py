"""``crmhub kpi``: the KPI registry and engine's commands."""

from __future__ import annotations

import typer

from hub.cmd_kpi_compute import compute_command

kpi_app = typer.Typer(no_args_is_help=True, help="The KPI registry: list, show and compute KPIs.")
kpi_app.command("compute")(compute_command)
