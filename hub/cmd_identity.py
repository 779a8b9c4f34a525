"""``crmhub identity resolve | report | undo`` and ``crmhub quality duplicates``."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import typer

from hub import exitcodes
from hub.cmd_audit import audit_cli
from hub.context import config_option, failures, json_option, open_app
from hub.output import Output

if TYPE_CHECKING:
    from identity.records import Kind

identity_app = typer.Typer(no_args_is_help=True, help="One canonical person and account across connections.")
KIND_CHOICES = ("person", "account")


@identity_app.command("resolve")
def resolve_cmd(
    kind: list[str] = typer.Option(None, "--kind", help="person and/or account (default: both)."),
    config: Path = config_option(), as_json: bool = json_option(),
) -> None:
    """Match records across connections into canonical people and accounts, with golden records."""
    from identity import resolve

    out = Output(as_json=as_json)
    unknown = [k for k in kind or [] if k not in KIND_CHOICES]
    if unknown:
        out.error(f"--kind {', '.join(unknown)}: expected person or account")
        raise typer.Exit(exitcodes.CONFIG)
    with failures(out):
        app = open_app(config, out)
        kinds = cast("tuple[Kind, ...]", tuple(kind or KIND_CHOICES))  # each one checked against KIND_CHOICES above
        result = resolve(app.engine, app.cfg.identity, kinds=kinds)
    if as_json:
        out.json({"ok": True, **result})
        return
    _print_resolve(out, result)


def _print_resolve(out: Output, result: dict[str, Any]) -> None:
    kinds = [k for k in KIND_CHOICES if k in result]
    out.table("identity resolution", ["kind", "#records", "#clusters", "#merges", "#pairs scored",
                                      "#probabilistic links", "#kept apart", "#conflicted clusters", "seconds"],
              [(k, result[k]["records"], result[k]["clusters"], result[k]["merges"], result[k]["pairs_scored"],
                result[k]["probabilistic_links"], result[k]["kept_apart"], result[k]["conflicted_clusters"],
                result[k]["seconds_with_io"]) for k in kinds])
    for k in kinds:
        if result[k]["oversized_blocks_skipped"]:
            out.info(f"{k}: blocks too large to compare (raise identity.max_block_size to compare them): "
                     f"{result[k]['oversized_blocks_skipped']}")


@identity_app.command("report")
def report_cmd(
    limit: int = typer.Option(20, help="How many conflicts and merges to list."),
    config: Path = config_option(), as_json: bool = json_option(),
) -> None:
    """Clusters, conflicts between sources, and the merges made (undo one with `crmhub identity undo ID`)."""
    from identity import report

    out = Output(as_json=as_json)
    with failures(out):
        result = report(open_app(config, out).engine, limit=limit)
    if as_json:
        out.json(result)
        return
    kinds = result["kinds"]
    out.table("clusters", ["kind", "#records", "#clusters", "#across connections", "sizes", "conflicts by field"],
              [(k, v["records"], v["clusters"], v["clusters_across_connections"], _kv(v["cluster_sizes"]),
                _kv(v["conflicts_by_field"])) for k, v in kinds.items()])
    out.table("members by rule", ["kind", "connection", "object", "rule", "#records"],
              [(k, r["connection"], r["object"], r["rule"], r["count"])
               for k, v in kinds.items() for r in v["members"]])
    out.table("conflicts (examples)", ["cluster", "field", "chosen", "values (connection: value)"],
              [(e["cluster_id"], e["field"], e["chosen"], "; ".join(f"{v['connection']}: {v['value']}"
                                                                     for v in e["values"]))
               for v in kinds.values() for e in v["conflict_examples"]])
    out.table("merges (undone first, then least certain)", ["id", "kind", "a", "b", "rule", "confidence", "status"],
              [(m["id"], m["kind"], m["a"], m["b"], m["rule"], m["confidence"], m["status"])
               for m in result["merges"]["listed"]])


def _kv(mapping: dict[str, Any]) -> str:
    return ", ".join(f"{k}: {v}" for k, v in mapping.items())


@identity_app.command("undo")
def undo_cmd(
    merge_id: int = typer.Argument(..., help="The merge's id (from `crmhub identity report`)."),
    by: str = typer.Option(None, help="Who undoes it, for the audit log (default: the OS user)."),
    config: Path = config_option(), as_json: bool = json_option(),
) -> None:
    """Undo a merge: its two records stay apart in this and every later resolve."""
    from identity import undo

    out = Output(as_json=as_json)
    with failures(out):
        app = open_app(config, out)
        try:
            who = by or getpass.getuser()
            result = undo(app.engine, app.cfg.identity, merge_id, by=who)
        except (LookupError, ValueError) as exc:
            message = str(exc).strip("'\"")
            out.json({"ok": False, "error": {"kind": "usage", "message": message}}) if as_json else None
            out.error(message)
            raise typer.Exit(exitcodes.CONFIG) from None
        audit_cli(app.engine, out, action="identity.undo", target=f"merge {merge_id}", by=who,
                  after={"kind": result["undone"]["kind"], "rule": result["undone"]["rule"]})
    if as_json:
        out.json({"ok": True, **result})
        return
    m = result["undone"]
    out.info(f"merge {m['id']} ({m['kind']}, {m['rule']}) undone: the pair stays apart from now on")
    _print_resolve(out, result["resolve"])


def duplicates_command(
    limit: int = typer.Option(50, help="How many pairs to list (--json lists them all)."),
    config: Path = config_option(), as_json: bool = json_option(),
) -> None:
    """Likely duplicates within each CRM object: pairs with a confidence and the evidence, to merge there."""
    from identity import duplicates

    out = Output(as_json=as_json)
    with failures(out):
        app = open_app(config, out)
        result = duplicates(app.engine, app.cfg.identity)
    if as_json:
        out.json(result)
        return
    out.table("duplicates by object", ["connection", "object", "#pairs"],
              [(c["connection"], c["object"], c["pairs"]) for c in result["counts"]])
    out.table(f"pairs (first {limit})", ["connection", "object", "id a", "id b", "confidence", "rule", "evidence"],
              [(p["connection"], p["object"], p["id_a"], p["id_b"], p["confidence"], p["rule"], _kv(p["evidence"]))
               for p in result["pairs"][:limit]])
