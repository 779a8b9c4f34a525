"""One KPI file read on its own: ``definitions/<code lowercased>.yaml`` or a given path, validated by the schema.

The registry (analytics/kpi/loader.py) loads every file with its modules; this reads one, for a compute.
"""

from __future__ import annotations

from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from analytics.kpi.errors import KpiDefinitionError
from analytics.kpi.schema import KpiFile
from analytics.kpi.yamlfile import YamlFileError, read_yaml

DEFINITIONS_DIR = Path(__file__).parent / "definitions"


def definition_path(code: str, directory: Path = DEFINITIONS_DIR) -> Path:
    return directory / f"{code.lower()}.yaml"


def read_definition(path: Path | Traversable, where: str | None = None) -> KpiFile:
    """One KPI file, validated on its own; KpiDefinitionError naming the file (``where``, else the path) and each
    field's problem. The registry's loader reads every file through this too."""
    place = where or str(path)
    if not path.is_file():
        raise KpiDefinitionError(f"{place}: no such KPI file")
    try:
        raw = read_yaml(path.read_text(encoding="utf-8"))
    except (YamlFileError, UnicodeDecodeError) as exc:
        raise KpiDefinitionError(f"{place}: {exc}") from None
    except OSError as exc:
        raise KpiDefinitionError(f"{place}: cannot be read: {exc}") from None
    if not isinstance(raw, dict):
        raise KpiDefinitionError(f"{place}: a KPI file is a mapping (code: ..., name: ..., ...), not "
                                 f"{type(raw).__name__}")
    try:
        return KpiFile.model_validate(raw)
    except ValidationError as exc:
        raise KpiDefinitionError(f"{place}: " + "; ".join(map(_detail, exc.errors()))) from None


def _detail(error: Any) -> str:
    message = str(error["msg"]).removeprefix("Value error, ")
    loc = ".".join(map(str, error["loc"]))
    return f"{loc}: {message}" if loc else message
