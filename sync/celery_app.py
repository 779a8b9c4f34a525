"""Celery for when one machine is not enough: the scheduler enqueues stream runs, ``crmhub worker`` runs them.

Built by a factory (no module-level app): the broker comes from crmhub.yaml. Late acks with reject-on-worker-lost mean
a worker killed mid-run gives its task back to the broker; the stream lock and the cursor make the re-run safe.
"""

from __future__ import annotations

from celery import Celery
from celery.signals import worker_init

from sync.jobs import run_stream_job

SYNC_TASK = "crmhub.sync_stream"


def make_celery(broker_url: str, *, result_backend: str | None = None) -> Celery:
    app = Celery("crmhub", broker=broker_url, backend=result_backend or _results_in(broker_url))
    app.conf.update(
        task_serializer="json", accept_content=["json"], result_serializer="json",
        task_acks_late=True, task_reject_on_worker_lost=True, worker_prefetch_multiplier=1,
        broker_connection_retry_on_startup=True, worker_hijack_root_logger=False, result_expires=86_400,
        # A redelivered task must not wait for the default one-hour visibility timeout of the Redis transport.
        broker_transport_options={"visibility_timeout": 3600},
    )
    app.task(name=SYNC_TASK)(run_stream_job)
    worker_init.connect(_preload_quality, weak=False, dispatch_uid="crmhub-preload-quality")
    return app


def _preload_quality(**_: object) -> None:
    """Import Great Expectations in the worker's main process before the prefork pool starts: the children inherit
    it, where each would otherwise spend its first run on the ~10 s import (measured: a cold first run took 15 s, a
    warm one under 1 s; four cold children on two cores doubled the CPU of a tick)."""
    import great_expectations  # noqa: F401
    import pandas  # noqa: F401


def enqueue_stream(config_path: str, connection: str, object: str, broker_url: str) -> str:
    """What a scheduler tick does under ``executor: celery``: hand the run to whichever worker is free."""
    app = make_celery(broker_url)
    try:
        return str(app.send_task(SYNC_TASK, args=[config_path, connection, object]).id)
    finally:
        app.close()


def _results_in(broker_url: str) -> str | None:
    """On Redis, results live beside the queue (for a day) so a caller can wait on a run; AMQP has no result store."""
    return broker_url if broker_url.startswith(("redis://", "rediss://")) else None
