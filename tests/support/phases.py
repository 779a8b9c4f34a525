"""How ``make test`` splits the suite (docs/tests.md): the phase a test runs in, and the pytest-xdist group that keeps
it on one worker.

Phase ``parallel`` is every test not marked ``serial``, on two workers with ``--dist loadgroup``; phase ``serial``
is the ``serial`` tests alone afterwards: they give real processes a wall-clock limit (the Celery ticks), which a
busy neighbour on the other worker can push them past.

Groups: a unit test has none, so the unit tests spread one by one over whichever worker is free. Any other test
starts a sandbox or a process, usually in a module-scoped fixture, so its module is its group and the sandbox starts
once. Where a sandbox fixture is wider than a module (``WIDE_SANDBOXES``), the tests using it are one group per CRM:
a session-scoped sandbox is restarted when a worker switches its CRM back and forth, and a package-scoped one is torn
down whenever the worker runs a test outside the package in between. ``serial`` tests share the group ``serial``, so
even a plain ``pytest -n 2 --dist loadgroup`` runs them one after the other (both Celery tests flush Redis db 14).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

PHASES = ("parallel", "serial")
SERIAL_GROUP = "serial"

# Sandbox fixtures wider than a module: the folder whose conftest.py defines one -> the fixture's name.
WIDE_SANDBOXES: dict[str, str] = {
    "tests/contract/": "crm",  # session-scoped, one small sandbox per CRM
    "tests/integration/ops/": "hubspot",  # package-scoped, the scheduler and worker tests' HubSpot
    "tests/browser/": "demo",  # package-scoped, the browser tests' uvicorn server (and the Chromium beside it)
}


def in_phase(phase: str | None, *, serial: bool) -> bool:
    """Whether a test runs in ``phase`` (None: no ``--phase`` given, every test runs)."""
    if phase is None:
        return True
    if phase not in PHASES:
        raise ValueError(f"--phase must be one of {PHASES}, got {phase!r}")
    return serial == (phase == "serial")


def group_of(nodeid: str, fixturenames: Iterable[str], params: Mapping[str, object], *, serial: bool) -> str | None:
    """The xdist group of one collected test; None leaves it free to run on any worker.

    ``params`` are the test's parameters by name (a ``crm`` parameter names the CRM whose sandbox it uses). Group
    names hold no ``@`` or ``]``: pytest-xdist appends ``@<group>`` to the test id and reads it back from the right.
    ``tests/integration/faults/test_faults.py`` stays one group (its module): the fault table
    (``CRMHUB_FAULTS_TABLE``) is written by the one process that ran every case.
    """
    if serial:
        return SERIAL_GROUP
    path = nodeid.split("::", 1)[0]
    if path.startswith("tests/unit/"):
        return None
    names = set(fixturenames)
    for folder, fixture in WIDE_SANDBOXES.items():
        if path.startswith(folder) and fixture in names:
            crm = params.get("crm")
            return folder.rstrip("/") + ("" if crm is None else f":{crm}")
    return path
