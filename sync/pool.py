"""Map and check a run's units on worker processes while the main process reads and lands them (issue 25).

The main process reads pages (sync/prefetch.py), folds each unit (``sync.stream.last_events``) and hands its native
records to a pool of worker processes, which map them and run every quality rule that needs no store. The main
process lands the results strictly in read order, running first the rules that ask the store
(``QualityChecker.finish``: reference rules must see the units landed before, exactly as in one process). So the
store, the quarantine, the counts, the scores and the cursors are those of the in-process path, which is the same
code with no pool (``workers=0``).

- Bounded: at most ``workers + 1`` units are in flight (one queued per worker beside the one it maps), so memory
  stays flat whatever the volume; the read-ahead of sync/prefetch.py keeps reading meanwhile.
- A unit whose worker raised or died fails the run with ``UnitFailed``: the units before it stay landed with their
  cursor, nothing after it lands, so the next run re-reads it: never skipped.
- Workers come from a ``forkserver`` (forking the main process would copy its open store connections and its
  read-ahead thread) that imports Great Expectations once per main process; each worker builds its
  ``QualityChecker`` once, in the pool's initializer. Starting costs seconds the first time in a process (the
  import), so the pool starts only with a run's second unit, and the main process maps units itself until a worker
  is ready: a short run never waits for it.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import signal
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar

from connectors.base import Record
from connectors.errors import CrmhubError
from mapping.apply import map_records
from mapping.spec import ObjectMapping
from quality.checker import Findings, QualityChecker, QualityFailure, Verdict
from quality.suite import Rule

log = logging.getLogger(__name__)

U = TypeVar("U")
Suites = Mapping[str, Sequence[Rule]]
# Imported once by the forkserver, so a worker forked from it starts in a fraction of a second.
PRELOAD = ["sync.pool", "great_expectations"]


class UnitFailed(CrmhubError):
    """A unit could not be mapped and checked in a worker process: the run stops at it, nothing after it lands."""


@dataclass(slots=True)
class Checked:
    """A unit mapped and checked, shaped to land: the mapping's rejects by source id (the main process holds the
    native records) and either the final verdict or, when a rule of the entity asks the store, the mapped rows
    with what the store-free rules found, for ``QualityChecker.finish`` right before landing."""

    rejects: list[tuple[str, list[dict[str, Any]]]]  # (source id, reasons)
    verdict: Verdict | None = None
    rows: list[dict[str, Any]] = field(default_factory=list)
    findings: Findings | None = None
    worker: tuple[int, float] | None = None  # (pid, the worker process's CPU seconds so far); None in-process


def map_and_check(checker: QualityChecker, mapping: ObjectMapping, records: Sequence[Record], *, connection: str,
                  primary_key: str) -> Checked:
    """What needs no store: the mapping, then every rule but the store's (then the verdict, if none is left)."""
    mapped = map_records(mapping, records, connection=connection, primary_key=primary_key)
    rejects = [(r.source_id, r.reasons) for r in mapped.rejects]
    found = checker.local(mapping.entity, mapped.rows)
    if checker.needs_store(mapping.entity):
        return Checked(rejects, rows=mapped.rows, findings=found)
    return Checked(rejects, checker.finish(mapping.entity, mapped.rows, found))


def verdict_of(checked: Checked, checker: QualityChecker, entity: str,
               exists: Callable[[str, Sequence[str]], set[str]]) -> Verdict:
    if checked.verdict is not None:
        return checked.verdict
    assert checked.findings is not None
    return checker.finish(entity, checked.rows, checked.findings, exists=exists)


def resolve_workers(setting: int | Literal["auto"]) -> int:
    """``auto``: one worker per core beside the main process's, none on one core (nothing to overlap with)."""
    if setting != "auto":
        return setting
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, cores - 1) if cores > 1 else 0


# --- in the worker process ------------------------------------------------------------------------------------
# The worker's checker, built once by the initializer: process state by nature (one per worker process).
_WORKER: dict[str, QualityChecker] = {}


def _start_worker(suites: Suites, entity: str) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's: it stops the run and the pool
    checker = QualityChecker(suites)
    # Great Expectations' context and the entity's suite, built before the first unit needs them; a rule that
    # cannot run says so again on the first unit, where the run reports it.
    with contextlib.suppress(QualityFailure):
        checker.local(entity, [{"id": "warm-up", "source_id": "warm-up"}])
    _WORKER["checker"] = checker


def _ready() -> tuple[int, float]:
    return os.getpid(), time.process_time()


def work(records: Sequence[Record], mapping: ObjectMapping, connection: str, primary_key: str) -> Checked:
    """One unit in a worker process (top level and plain arguments: the pool pickles the call)."""
    checked = map_and_check(_WORKER["checker"], mapping, records, connection=connection, primary_key=primary_key)
    checked.worker = _ready()
    return checked


# --- in the main process --------------------------------------------------------------------------------------
class Pipeline(Generic[U]):
    """Units in, in read order; each mapped and checked (on a worker, or here while none is ready) and handed to
    ``land`` in that same order. After an exception nothing more lands: ``put`` and ``drain`` do nothing."""

    def __init__(self, *, workers: int, checker: QualityChecker, mapping: ObjectMapping, connection: str,
                 primary_key: str, land: Callable[[U, Checked], None], inline_while_starting: bool = True) -> None:
        self.workers, self.checker, self.mapping = workers, checker, mapping
        self.connection, self.primary_key, self.land = connection, primary_key, land
        self.inline_while_starting = inline_while_starting
        self.limit = workers + 1
        self.in_flight: deque[tuple[U, int, Future[Checked]]] = deque()
        self.units = 0
        self.failed = False
        self.notes: list[str] = []
        self._executor: ProcessPoolExecutor | None = None
        self._warm: list[Future[tuple[int, float]]] = []
        self._cpu: dict[int, float] = {}

    @property
    def worker_cpu(self) -> float:
        """CPU seconds of the worker processes (their start included; the forkserver's one import is not)."""
        return sum(self._cpu.values())

    def put(self, unit: U, records: Sequence[Record]) -> None:
        if self.failed:
            return
        self.units += 1
        try:
            if self.workers and self._executor is None and self.units > 1:  # a one-unit run never pays for it
                self._start()
            if self._executor is not None and (self.in_flight or self._is_ready()):
                while len(self.in_flight) >= self.limit:
                    self._land_oldest()
                self.in_flight.append((unit, self.units, self._submit(records)))
                while self.in_flight and self.in_flight[0][2].done():
                    self._land_oldest()
            else:
                self.land(unit, map_and_check(self.checker, self.mapping, records, connection=self.connection,
                                              primary_key=self.primary_key))
        except BaseException:
            self.failed = True
            raise

    def drain(self) -> None:
        """Land every unit in flight, in order."""
        if self.failed:
            return
        try:
            while self.in_flight:
                self._land_oldest()
        except BaseException:
            self.failed = True
            raise

    def close(self) -> None:
        """Stop the pool; units still in flight (after a failure, a stop) are dropped, never landed."""
        self.in_flight.clear()
        if self._executor is not None:
            ready = any(f.done() for f in self._warm)
            # Not started yet: do not hold the run's end for the forkserver's import; it ends on its own.
            self._executor.shutdown(wait=ready, cancel_futures=True)
            self._executor = None

    def _start(self) -> None:
        try:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(PRELOAD)
            self._executor = ProcessPoolExecutor(self.workers, mp_context=context, initializer=_start_worker,
                                                 initargs=(self.checker.suites, self.mapping.entity))
            self._warm = [self._executor.submit(_ready) for _ in range(self.workers)]
        except Exception as exc:  # e.g. a daemonic process (a Celery worker) may not start processes
            self._give_up(exc)
            return
        if not self.inline_while_starting:
            self._is_ready(wait=True)

    def _is_ready(self, *, wait: bool = False) -> bool:
        """A worker has started (waiting for one if asked); a pool that could not start is given up on."""
        if wait:
            self._warm[0].exception()
        started = [f for f in self._warm if f.done()]
        for future in started:
            if future.exception() is not None:
                self._give_up(future.exception())
                return False
        for future in started:
            self._count(future.result())
        return bool(started)

    def _give_up(self, exc: BaseException | None) -> None:
        """Units are then mapped in this process: the same results, on one core."""
        message = f"the worker processes could not start ({type(exc).__name__}: {exc}); units were mapped and " \
                  f"checked in the main process"
        log.warning(message)
        self.notes.append(message)
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
        self._executor, self._warm, self.workers = None, [], 0

    def _submit(self, records: Sequence[Record]) -> Future[Checked]:
        assert self._executor is not None
        try:
            return self._executor.submit(work, records, self.mapping, self.connection, self.primary_key)
        except BrokenProcessPool as exc:  # a worker died since: the unit it held fails, not this one
            while self.in_flight:
                self._land_oldest()
            raise self._failed(self.units, exc) from exc

    def _land_oldest(self) -> None:
        unit, number, future = self.in_flight.popleft()
        try:
            checked = future.result()
        except QualityFailure:  # a rule of severity 'fail': the run stops with its message, as in one process
            raise
        except Exception as exc:
            raise self._failed(number, exc) from exc
        if checked.worker is not None:
            self._count(checked.worker)
        self.land(unit, checked)

    def _failed(self, number: int, exc: Exception) -> UnitFailed:
        why = ("its worker process ended unexpectedly (killed, or out of memory?)" if isinstance(exc, BrokenProcessPool)
               else f"the worker process raised {type(exc).__name__}: {exc}")
        return UnitFailed(f"unit {number} of this run was not mapped and checked: {why}; the units before it landed "
                          f"with their cursor and the next run resumes there", connection=self.connection,
                          object=self.mapping.object)

    def _count(self, worker: tuple[int, float]) -> None:
        pid, cpu = worker
        self._cpu[pid] = max(cpu, self._cpu.get(pid, 0.0))
