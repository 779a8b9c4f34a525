"""``crmhub models list|show|uml``: the 82 object models, their fields, relations, modules and sources.

The registry, the sources and the documents are services (``mapping.objectmodels``); these commands print them. A
config is read when one is given (``--config``, ``CRMHUB_CONFIG``) or ``./crmhub.yaml`` exists: each model then says
which objects of its connections fill it.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import typer

from hub.context import config_option, failures, json_option, optional_config
from hub.output import Output
from mapping.catalogue import KINDS
from mapping.objectmodels import shipped_registry
from mapping.objectmodels.sources import fillers, shipped_mappings
from mapping.objectmodels.uml import model_diagram, module_diagram
from mapping.objectmodels.views import detail, summary, where_filled

models_app = typer.Typer(no_args_is_help=True, help="The analytics modules' object models and how each is held.")


@models_app.command("list")
def list_cmd(module: str = typer.Option(None, "--module", "-m", help="Only this module's models (e.g. INSIDE_SALES)."),
             config: Path = config_option(), as_json: bool = json_option()) -> None:
    """Every object model: its modules, how it is held (entity, computed, custom object) and what fills it."""
    out = Output(as_json=as_json)
    with failures(out):
        registry = shipped_registry()
        models = list(registry.module(module).object_models) if module else list(registry)
        cfg = optional_config(config)
        filled = fillers(cfg, registry) if cfg is not None else None
        shipped = shipped_mappings(registry, KINDS)
        docs = [summary(m, shipped=shipped[m.code], filled_by=filled[m.code] if filled is not None else None)
                for m in models]
        cells = [where_filled(m, filled[m.code]) if filled is not None else "" for m in models]
    if as_json:
        out.json({"module": registry.module(module).code if module else None, "config_loaded": cfg is not None,
                  "count": len(docs), "models": docs})
        return
    columns = ["code", "name", "#modules", "held as", *(["filled by"] if filled is not None else [])]
    out.table(f"object models ({len(docs)})", columns,
              [(d["code"], d["name"], len(d["modules"]), d["held"], *([cell] if filled is not None else []))
               for d, cell in zip(docs, cells, strict=True)])
    if filled is None:
        out.info("no config loaded: pass --config (or set CRMHUB_CONFIG) to see which objects fill each model")


@models_app.command("show")
def show_cmd(code: str = typer.Argument(..., help="A model's code, name or alias (SALES_REPRESENTATIVE, 'Sales Rep')."),
             uml: bool = typer.Option(False, "--uml", help="Print a Mermaid class diagram of it and its neighbours."),
             config: Path = config_option(), as_json: bool = json_option()) -> None:
    """One model: fields, relations, modules, each CRM's default source and what fills it in this config."""
    out = Output(as_json=as_json)
    with failures(out):
        registry = shipped_registry()
        model = registry.object_model(code)
        cfg = optional_config(config)
        filled = fillers(cfg, registry)[model.code] if cfg is not None else None
        doc = detail(model, shipped=shipped_mappings(registry, KINDS)[model.code], filled_by=filled)
        cell = where_filled(model, filled)
        diagram = model_diagram(registry, model.code) if uml else None
    if as_json:
        out.json({**doc, **({"uml": diagram} if diagram is not None else {})})
    elif diagram is not None:
        sys.stdout.write(diagram)
    else:
        _print_model(out, doc, cell)


@models_app.command("uml")
def uml_cmd(module: str = typer.Option(..., "--module", "-m", help="The module to draw (e.g. INSIDE_SALES)."),
            as_json: bool = json_option()) -> None:
    """A Mermaid class diagram of every model of one module and the relations between them."""
    out = Output(as_json=as_json)
    with failures(out):
        registry = shipped_registry()
        code = registry.module(module).code
        diagram = module_diagram(registry, code)
    out.json({"module": code, "uml": diagram}) if as_json else sys.stdout.write(diagram)


def _print_model(out: Output, doc: dict[str, Any], filled: str) -> None:
    title = f"{doc['code']}: {doc['name']}" + (f" ({doc['long_name']})" if doc["long_name"] else "")
    out.info(f"[bold]{title}[/]" + (f"  aliases: {', '.join(doc['aliases'])}" if doc["aliases"] else ""))
    out.info(doc["description"])
    out.info(f"held as: {doc['held']}")
    out.info(f"modules ({len(doc['modules'])}): {', '.join(doc['modules'])}")
    if doc["caveat"]:
        out.info(f"[yellow]caveat:[/] {doc['caveat']}")
    out.table("fields", ["name", "type", "required", "description"],
              [(f["name"], f["type"], "yes" if f["required"] else "", f["description"]) for f in doc["fields"]])
    out.table("relations", ["name", "target", "cardinality", "via", "description"],
              [(r["name"], r["target"], r["cardinality"], r["via"], r["description"]) for r in doc["relations"]])
    if doc["sources"]:
        out.table("where each CRM keeps it", ["CRM", "kind", "object", "note", "shipped mapping"],
                  [(kind, s["kind"], s["object"], s["note"], ", ".join(doc["shipped_mappings"].get(kind, [])))
                   for kind, s in doc["sources"].items()])
    if doc["filled_by"] is None and doc["held_as"] != "computed":
        out.info("no config loaded: pass --config (or set CRMHUB_CONFIG) to see which objects fill it")
    else:
        out.info(f"filled by: {filled}")
