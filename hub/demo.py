"""``crmhub demo`` / ``make demo``: sandboxes up, full sync, a person's edits, incremental sync, report vs truth,
then the KPIs: the census and headline KPIs per team and rep."""

from __future__ import annotations

import os
import shutil
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import Connection, Engine, func, select

import store
from config import CrmhubConfig, load_config
from connectors.errors import ConfigError
from hub import exitcodes
from hub.cmd_sync import kpi_refresh_after, print_kpi_refresh, sync_command
from hub.context import App
from hub.demo_crms import CRMS, DemoCrm
from hub.demos import console, unify
from hub.demos import kpis as kpi_demo
from hub.demos import writeback as writeback_demo
from hub.output import Output
from sandbox.common.launcher import SandboxAdmin, SandboxProcess
from store.tables import quarantine, source_link


def run_demo(out: Output, *, scale: int, workdir: Path, only: list[str] | None = None) -> int:
    started = time.perf_counter()
    crms = _chosen(only or [])
    if workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    report: dict[str, Any] = {"scale": scale, "phases": []}
    with ExitStack() as stack:
        admins: dict[str, SandboxAdmin] = {}
        blocks: dict[str, Any] = {}
        for crm in crms:
            out.info(f"starting the {crm.sandbox} sandbox (scale {scale:,}) …")
            sb = stack.enter_context(SandboxProcess(crm.sandbox, scale=scale, state_dir=workdir / crm.sandbox,
                                                    options=crm.sandbox_options))
            admins[crm.connection] = sb.admin()
            blocks[crm.connection] = crm.block(sb.info)
            if crm.writeback:
                blocks[crm.connection]["writeback"] = {"enabled": True, "conflict_policy": "skip",
                                                       "fields": dict(crm.writeback)}
            os.environ.update(crm.env)
        cfg_path = workdir / "crmhub.yaml"
        cfg_path.write_text(
            yaml.safe_dump(
                {"version": 1, "store": {"url": f"sqlite:///{workdir / 'crmhub.db'}"}, "connections": blocks,
                 "kpi": kpi_demo.KPI_SETTINGS},
                sort_keys=False,
            )
        )
        cfg = load_config(cfg_path)
        engine = store.make_engine(str(cfg.store.url))
        store.ensure_schema(engine)
        app = App(cfg, engine, out, cfg_path)

        worst = exitcodes.OK
        for phase in ("initial sync", "incremental sync after a person's edits", "incremental sync after write-back"):
            if phase.startswith("incremental sync after a"):
                edits = {crm.connection: crm.edits(admins[crm.connection]) for crm in crms}
                report["edits"] = edits
                time.sleep(max(_settle(cfg, c) for c in crms) + 1.5)  # let the edits settle past the lag
            if phase.endswith("write-back"):
                report["writeback"], code = _score_and_write_back(app, crms, out)
                worst = max(worst, code)
                time.sleep(max(_settle(cfg, c) for c in crms) + 1.5)  # our writes come back as echoes
            out.info(f"[bold]{phase}[/]")
            calls_before = {c: admins[c].calls()["total"] for c in admins}
            summaries, code = sync_command(app, connections=[], objects=[], full_refresh=False)
            worst = max(worst, code)
            kpis = kpi_refresh_after(app, summaries)  # as `crmhub sync` does: kpi_value follows the changes
            truth = {crm.connection: _compare(engine, crm, admins[crm.connection]) for crm in crms}
            report["phases"].append(
                {
                    "phase": phase,
                    "runs": [s.as_dict() for s in summaries],
                    "truth": truth,
                    "sandbox_api_calls": {c: admins[c].calls()["total"] - calls_before[c] for c in admins},
                    "kpi_refresh": kpis.brief(),
                }
            )
            _print_phase(out, summaries, truth)
            print_kpi_refresh(out, kpis)
        report["identity"] = unify.identity_block(app, admins)
        report["drift"] = unify.drift_block(app, crms, admins)
        report["quarantine"] = _quarantine(engine)
        _print_quarantine(out, report)
        report["kpis"] = kpi_demo.kpi_block(app)
        report["console"] = console.console_block(app, cfg_path, {k: v for c in crms for k, v in c.env.items()})
        report["seconds"] = round(time.perf_counter() - started, 2)
        agree = all(obj["agree"] for p in report["phases"] for t in p["truth"].values() for obj in t.values())
        agree = agree and all(o["agree"] for c in report["writeback"]["visible"].values() for o in c.values())
        agree = agree and all(w["agree"] for w in report["writeback"]["deal_warnings"])
        unified = report["identity"]["ok"] and (report["drift"] is None or report["drift"]["ok"])
        report["ok"] = agree and unified and report["kpis"]["ok"] and worst in (exitcodes.OK,)
        out.info(f"demo finished in {report['seconds']} s — {'all counts agree' if report['ok'] else 'see errors'}")
        if out.as_json:
            out.json(report)
        if not agree:
            out.error("the store does not agree with the sandbox's ground truth (see the table above)")
            return exitcodes.RECORDS_FAILED
        if not unified:
            out.error(f"identity precision/recall below {unify.TARGET} or the added field missing from the drift diff")
            return exitcodes.RECORDS_FAILED
        if not report["kpis"]["ok"]:
            out.error("a KPI failed to refresh, or a headline table has no value (see the KPI tables above)")
            return exitcodes.RECORDS_FAILED
        return worst


def _score_and_write_back(app: App, crms: tuple[DemoCrm, ...], out: Output) -> tuple[dict[str, Any], int]:
    out.info("[bold]scoring and deal warnings, then writing them back into every CRM[/]")
    scored = writeback_demo.score_everything(app)
    summaries, code = writeback_demo.write_back(app, crms)
    visible = writeback_demo.verify(app, crms)
    top = writeback_demo.top_leads(app)
    warned = writeback_demo.warned_deals(app, crms)
    out.table("write-back", ["stream", "status", "#sent", "#updated", "#unchanged", "#skipped", "#failed",
                             "#api calls", "seconds"],
              [(f"{s['connection']}/{s['object']}", s["status"], s["sent"], s["updated"], s["unchanged"],
                s["skipped"], s["failed"], s["api_calls"], round(s["seconds"], 2)) for s in summaries])
    out.table("written scores read back through each CRM's own API", ["connection", "object", "#written",
                                                                      "#visible", "agree"],
              [(c, o, v["written"], v["visible_via_api"], "yes" if v["agree"] else "NO")
               for c, objs in visible.items() for o, v in objs.items()])
    kinds = scored["deal_warnings"]["by_kind"]
    out.table(f"deal warnings: {scored['deal_warnings']['stored']} on {scored['deal_warnings']['open_deals']} open "
              f"deals ({', '.join(f'{k} {n}' for k, n in kinds.items()) or 'none'}), as each CRM's API shows them",
              ["deal", "warned deals in this CRM", "field", "the CRM shows", "agree"],
              [(f"{w['connection']}/{w['object']}/{w['source_id']}", w["warned"], w["field"], w["in_crm"],
                "yes" if w["agree"] else "NO") for w in warned])
    out.table(f"top {len(top)} leads and contacts", ["score", "grade", "who", "where", "reasons"],
              [(t["score"], t["grade"], t["name"], f"{t['connection']}/{t['object']}/{t['source_id']}",
                t["reasons"]) for t in top])
    return {"scored": scored, "runs": summaries, "visible": visible, "top_leads": top, "deal_warnings": warned}, code


def _chosen(only: list[str]) -> tuple[DemoCrm, ...]:
    known = [c.sandbox for c in CRMS]
    unknown = [name for name in only if name not in known]
    if unknown:
        raise ConfigError(f"--crm {', '.join(unknown)}: not a demo CRM; expected any of {', '.join(known)}")
    return tuple(c for c in CRMS if not only or c.sandbox in only)


def _settle(cfg: CrmhubConfig, crm: DemoCrm) -> float:
    return cfg.effective_settle_lag(crm.connection).total_seconds()


def _compare(engine: Engine, crm: DemoCrm, admin: SandboxAdmin) -> dict[str, Any]:
    """Per object: the sandbox's live ids against the store's live ids plus records held in quarantine."""
    out: dict[str, Any] = {}
    with engine.connect() as conn:
        for obj in crm.compare:
            truth = admin.get(f"/_admin/truth/{obj}", ids="true")
            truth_ids = {str(i) for i in truth["ids"]}
            live = {
                r.source_id
                for r in conn.execute(
                    select(source_link.c.source_id).where(
                        source_link.c.connection == crm.connection,
                        source_link.c.object == obj,
                        source_link.c.is_deleted.is_(False),
                    )
                )
            }
            held = {
                r.source_id
                for r in conn.execute(
                    select(quarantine.c.source_id).where(
                        quarantine.c.connection == crm.connection,
                        quarantine.c.object == obj,
                        quarantine.c.status == "open",
                    )
                )
            } - live
            accounted = live | held
            tables, rows = landed_rows(conn, crm.connection, obj)
            out[obj] = {
                "truth": len(truth_ids),
                "store_live": len(live),
                "tables": tables,
                "table_live": rows,
                "quarantined_only": len(held & truth_ids),
                "missing": sorted(truth_ids - accounted)[:10],
                "extra": sorted(live - truth_ids)[:10],
                # Every live CRM record is landed or held with a reason; nothing deleted is still live; and the
                # table the links name (an entity's, or the object's typed raw table) holds a live row for each.
                "agree": not (truth_ids - accounted) and not (live - truth_ids) and rows == len(live),
            }
    return out


def landed_rows(conn: Connection, connection: str, obj: str) -> tuple[list[str], int]:
    """The store tables an object's records landed in (from its source links) and their live rows from it."""
    entities = conn.execute(select(source_link.c.entity).distinct().where(
        source_link.c.connection == connection, source_link.c.object == obj)).scalars().all()
    rows = 0
    names = []
    for entity in sorted(entities):
        table = store.entity_table(conn, entity)
        names.append(table.name)
        rows += conn.execute(select(func.count()).select_from(table).where(
            table.c.source_connection == connection, table.c.source_object == obj,
            table.c.deleted_at.is_(None))).scalar_one()
    return names, int(rows)


def _quarantine(engine: Engine) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        return store.quarantine_summary(conn)


def _print_phase(out: Output, summaries: list[Any], truth: dict[str, Any]) -> None:
    out.table(
        "runs",
        ["stream", "status", "#read", "#upserted", "#unchanged", "#echoes", "#quarantined", "#deleted", "#api calls",
         "seconds"],
        [
            (
                f"{s.connection}/{s.object}",
                s.status,
                s.counts.read,
                s.counts.upserted,
                s.counts.unchanged,
                s.counts.echoes,
                s.counts.quarantined,
                s.counts.deleted,
                s.api_calls,
                round(s.seconds, 2),
            )
            for s in summaries
        ],
    )
    rows = [
        (conn, obj, ", ".join(t["tables"]), t["truth"], t["store_live"], t["table_live"], t["quarantined_only"],
         "yes" if t["agree"] else "NO")
        for conn, objs in truth.items()
        for obj, t in objs.items()
    ]
    out.table(
        "store vs sandbox ground truth",
        ["connection", "object", "store table", "#sandbox live", "#store live", "#table rows", "#held in quarantine",
         "agree"],
        rows,
    )


def _print_quarantine(out: Output, report: dict[str, Any]) -> None:
    out.table(
        "quarantined (open) by rule",
        ["connection", "object", "rule", "#records"],
        [(q["connection"], q["object"], q["rule"], q["count"]) for q in report["quarantine"]],
    )
