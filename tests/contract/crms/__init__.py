"""One module per CRM: how to start its sandbox and the Harness the contract suite runs against it."""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Sequence

import pytest

from connectors.kinds import KINDS, Kind
from tests.contract.harness import Harness


def crm_names(kinds: Sequence[Kind]) -> list[str]:
    """The kinds the contract suite runs: every registered one (each has its ``tests/contract/crms/<kind>.py``)."""
    return [kind.name for kind in kinds]


CRMS = crm_names(KINDS)


def started(kind: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Harness]:
    """A small sandbox of ``kind`` (scale 400) and its harness, stopped afterwards."""
    module = importlib.import_module(f"tests.contract.crms.{kind}")
    sb, harness = module.start(tmp_path_factory.mktemp(kind), 400)
    try:
        yield harness
    finally:
        sb.stop()
