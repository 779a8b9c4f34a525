"""Text or file -> YAML -> ``${ENV}`` resolution -> validation -> CrmhubConfig, collecting every problem."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from config.catalogue import Catalogue
from config.crosscheck import catalogue_problems
from config.env import resolve_references
from config.errors import ConfigFileError, ConfigProblem
from config.literal_secrets import SECRET_KEYS, literal_secret_warnings
from config.models.connection_base import ConnectionBase
from config.models.root import CrmhubConfig, config_schema
from config.translate import problems_from
from config.yaml_source import parse_yaml

# Shorter values are not scrubbed: replacing "1" or "ab" everywhere would garble messages and protect nothing.
_MIN_SCRUB_LENGTH = 4
_REDACTED = "***"


def load_config(
    path: Path, *, env: Mapping[str, str] | None = None, catalogue: Catalogue | None = None,
    models: Sequence[type[ConnectionBase]] | None = None,
) -> CrmhubConfig:
    """Read and validate the config file; a ConfigFileError lists every problem (a missing file: run init).

    With ``catalogue`` (what crmhub ships), names of objects, fields, transforms and quality rules are checked too.
    ``models``: the connection models a ``kind`` may select (default: the shipped CRMs; see ``config_schema``).
    """
    path = Path(path)
    return parse_config(_read(path), env=env, source=str(path), base_dir=path.parent, catalogue=catalogue,
                        models=models)


def check_config(
    path: Path, *, env: Mapping[str, str] | None = None, catalogue: Catalogue | None = None,
    models: Sequence[type[ConnectionBase]] | None = None,
) -> list[ConfigProblem]:
    """Every problem with the config file, warnings included; no error means it loads."""
    path = Path(path)
    try:
        text = _read(path)
    except ConfigFileError as exc:
        return exc.problems
    _, problems = inspect_config(text, env=env, base_dir=path.parent, catalogue=catalogue, models=models)
    return problems


def parse_config(
    text: str,
    *,
    env: Mapping[str, str] | None = None,
    source: str = "crmhub.yaml",
    base_dir: Path | None = None,
    catalogue: Catalogue | None = None,
    models: Sequence[type[ConnectionBase]] | None = None,
) -> CrmhubConfig:
    """Validate config text. ``env`` defaults to os.environ; ``base_dir`` anchors relative paths (cwd).

    Warnings (a literal secret) do not stop it: only errors raise the ConfigFileError, which lists them all.
    """
    config, problems = inspect_config(text, env=env, base_dir=base_dir, catalogue=catalogue, models=models)
    errors = [problem for problem in problems if problem.is_error]
    if errors or config is None:
        raise ConfigFileError(errors, source=source)
    return config


def inspect_config(
    text: str,
    *,
    env: Mapping[str, str] | None = None,
    base_dir: Path | None = None,
    catalogue: Catalogue | None = None,
    models: Sequence[type[ConnectionBase]] | None = None,
) -> tuple[CrmhubConfig | None, list[ConfigProblem]]:
    """The config (None when it has errors) and every problem found, errors and warnings, secrets scrubbed."""
    parsed = parse_yaml(text)
    if not isinstance(parsed.data, dict):
        return None, parsed.problems
    resolution = resolve_references(parsed.data, env=os.environ if env is None else env)
    problems = parsed.problems + resolution.problems + literal_secret_warnings(parsed.data)
    config, invalid = _validate(resolution.data, base_dir=base_dir or Path.cwd(), schema=config_schema(models))
    # A key whose variable is unset fails validation too (it still holds "${X}"); the variable is the news.
    unresolved = {problem.path for problem in resolution.problems}
    problems += [problem for problem in invalid if problem.path not in unresolved]
    if catalogue is not None:
        problems += catalogue_problems(resolution.data, catalogue, base_dir=base_dir or Path.cwd())
    secrets = resolution.substituted | set(_secret_values(resolution.data))
    problems = _scrubbed(problems, secrets)
    return (None if any(p.is_error for p in problems) else config), problems


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        message = f"{path} not found; run `crmhub init` to write a commented example there"
    except IsADirectoryError:
        message = f"{path} is a directory, not a config file"
    except UnicodeDecodeError:
        message = f"{path} is not UTF-8 text"
    except OSError as exc:
        message = f"cannot read {path}: {exc.strerror}"
    raise ConfigFileError([ConfigProblem("", message)], source=str(path))


def _validate(data: dict[str, Any], *, base_dir: Path,
              schema: type[CrmhubConfig]) -> tuple[CrmhubConfig | None, list[ConfigProblem]]:
    # The ValidationError is turned into problems inside this function and never escapes or chains: its
    # errors and repr carry input values, secrets included.
    try:
        return schema.model_validate(data, context={"base_dir": base_dir}), []
    except ValidationError as exc:
        return None, problems_from(exc, root=schema)


def _secret_values(node: Any, *, under_secret: bool = False) -> Iterable[str]:
    if isinstance(node, str):
        if under_secret:
            yield node
    elif isinstance(node, dict):
        for name, value in node.items():
            yield from _secret_values(value, under_secret=under_secret or name in SECRET_KEYS)
    elif isinstance(node, list):
        for value in node:
            yield from _secret_values(value, under_secret=under_secret)


def _scrubbed(problems: list[ConfigProblem], secrets: set[str]) -> list[ConfigProblem]:
    # Belt and braces: messages are built without values, but a secret pasted into a non-secret field (a cron,
    # a kind) could still be echoed.
    ordered = sorted((s for s in secrets if len(s) >= _MIN_SCRUB_LENGTH), key=len, reverse=True)
    cleaned = (
        ConfigProblem(_scrub(problem.path, ordered), _scrub(problem.message, ordered), problem.severity)
        for problem in problems
    )
    return list(dict.fromkeys(cleaned))  # one line per problem, even when two references in a value share it


def _scrub(text: str, secrets: list[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, _REDACTED)
    return text
