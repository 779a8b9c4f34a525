"""A scheduled write-back of one connection: re-score what its fields need, then write back (sync/scheduler.py).

Arguments are plain strings (config path, connection) so the job can be stored in APScheduler's job store.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

import store
from config import CrmhubConfig, load_config, load_settings
from sync.writeback.scores import LEAD_OUTPUTS, WIN_OUTPUTS
from sync.writeback.service import write_back

log = logging.getLogger(__name__)


def run_writeback_job(config_path: str, connection: str, store_url: str | None = None) -> dict[str, Any]:
    """Score (when ``writeback.score_first``) and write back one connection; returns what was scored and written."""
    process = load_settings()  # a worker's edge: the job's arguments are plain strings, the process has its own env
    cfg = load_config(Path(config_path))
    engine = store.make_engine(store_url or str(cfg.store.url))
    try:
        store.ensure_schema(engine)
        settings = cfg.connection(connection).writeback
        scored = rescore(engine, cfg, settings.fields) if settings.score_first else {}
        summaries = write_back(engine, cfg, [connection], secret_key=process.secret_key)
        for s in summaries:
            log.info("write-back %s/%s: %s, %d updated, %d unchanged, %d failed", s.connection, s.object, s.status,
                     s.updated, s.unchanged, s.failed)
        return {"connection": connection, "scored": scored, "writebacks": [s.as_dict() for s in summaries]}
    finally:
        engine.dispose()


def rescore(engine: Engine, cfg: CrmhubConfig, fields: Mapping[str, str]) -> dict[str, int]:
    """Score the entities whose outputs are written: leads and contacts for lead outputs, open deals for the win
    probability; the deal warnings computed again as of now for ``deal_warnings``."""
    scored: dict[str, int] = {}
    if any(out in fields for out in LEAD_OUTPUTS):
        from analytics.scoring import ScoringOptions, score_leads

        options = ScoringOptions.from_settings(cfg.scoring)
        for entity in ("lead", "contact"):
            scored[entity] = score_leads(engine, options=options, entity=entity).scored
    if any(out in fields for out in WIN_OUTPUTS):
        from analytics import deals

        scored["opportunity"] = int(deals.score(engine, validity_hours=cfg.scoring.validity_hours,
                                                top=cfg.scoring.top_reasons)["scored"])
    if "deal_warnings" in fields:
        from analytics.pipeline.service import refresh_warnings

        scored["deal_warning"] = int(refresh_warnings(engine, datetime.now(UTC))["stored"])
    return scored
