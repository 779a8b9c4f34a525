"""One KPI file read on its own: ``definitions/<code lowercased>.yaml`` or a given path, validated by the schema.

The registry (analytics/kpi/loader.py) loads every file with its modules; this reads one, for a compute.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from analytics.kpi.errors import KpiDefinitionError
from analytics.kpi.schema import KpiFile
from analytics.kpi.strict_yaml import load_strict

DEFINITIONS_DIR = Path(__file__).parent / "definitions"


def definition_path(code: str, directory: Path = DEFINITIONS_DIR) -> Path:
    return directory / f"{code.lower()}.yaml"


def read_definition(path: Path) -> KpiFile:
    """The KPI in ``path``; a missing file or a schema problem is a KpiDefinitionError naming the file and field."""
    if not path.is_file():
        raise KpiDefinitionError(f"{path}: no such KPI file")
    try:
        return KpiFile.model_validate(load_strict(path))
    except ValidationError as exc:
        details = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or '(file)'}: {e['msg']}" for e in exc.errors())
        raise KpiDefinitionError(f"{path}: {details}") from None
