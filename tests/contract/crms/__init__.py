"""One module per CRM: how to start its sandbox and the Harness the contract suite runs against it.

``<kind>.py`` runs the suite on the CRM's standard objects; ``<kind>_custom.py``, where a CRM has one, runs the same
suite on one of its custom objects (issue 17: custom objects sync with the same guarantees). Adding that module is
all a CRM needs to do: ``HARNESSES`` picks it up.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Iterator, Sequence

import pytest

from connectors.kinds import KINDS, Kind
from tests.contract.harness import Harness


def crm_names(kinds: Sequence[Kind]) -> list[str]:
    """The kinds the contract suite runs: every registered one (each has its ``tests/contract/crms/<kind>.py``)."""
    return [kind.name for kind in kinds]


def custom_names(kinds: Sequence[Kind]) -> list[str]:
    """``<kind>_custom`` for every kind whose contract module on a custom object exists."""
    return [f"{kind.name}_custom" for kind in kinds
            if importlib.util.find_spec(f"tests.contract.crms.{kind.name}_custom") is not None]


CRMS = crm_names(KINDS)
HARNESSES = [*CRMS, *custom_names(KINDS)]


def started(kind: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Harness]:
    """A small sandbox of ``kind`` (scale 400) and its harness, stopped afterwards."""
    module = importlib.import_module(f"tests.contract.crms.{kind}")
    sb, harness = module.start(tmp_path_factory.mktemp(kind), 400)
    try:
        yield harness
    finally:
        sb.stop()
