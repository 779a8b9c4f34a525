"""One scheduled stream run, as the scheduler's local executor and the Celery workers both call it.

Arguments are plain strings (config path, connection, object) so a job can be stored, pickled or sent to a broker.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import store
from config import load_config, load_settings
from quality.checker import QualityChecker
from quality.suite import load_suites
from sync.kpi_refresh import refresh_after_sync
from sync.runner import plan_sync, run_plan
from sync.tokens import token_options


def run_stream_job(config_path: str, connection: str, object: str, store_url: str | None = None) -> dict[str, Any]:
    """Run one stream unless another process is running it; returns the run's summary (or why it did not run)."""
    settings = load_settings()  # a worker's edge: the job's arguments are plain strings, the process has its own env
    cfg = load_config(Path(config_path))
    engine = store.make_engine(store_url or str(cfg.store.url))
    try:
        store.ensure_schema(engine)
        plan = plan_sync(cfg, connections=[connection], objects=[object],
                         client_options=token_options(engine, settings.secret_key))
        try:
            # run_plan takes the stream's lock; the checker applies the config's quality overrides
            [summary] = run_plan(plan, engine=engine, checker=QualityChecker(load_suites(overrides=cfg.quality)))
        finally:
            plan.close()
        # kpi_value follows the data: the KPIs reading what this run changed (sync/kpi_refresh.py)
        return {**summary.as_dict(), "kpi_refresh": refresh_after_sync(engine, cfg, [summary]).brief()}
    finally:
        engine.dispose()
