"""Text or file -> YAML -> ``${ENV}`` resolution -> validation -> CrmhubConfig, collecting every problem."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from config.env import resolve_references
from config.errors import ConfigError, ConfigProblem
from config.models.root import CrmhubConfig
from config.translate import problems_from
from config.yaml_source import parse_yaml

# Keys whose values are secrets wherever they appear; their values are scrubbed from every message.
SECRET_KEYS = frozenset(
    {"token", "client_secret", "password", "security_token", "refresh_token", "private_key"}
)
# Shorter values are not scrubbed: replacing "1" or "ab" everywhere would garble messages and protect nothing.
_MIN_SCRUB_LENGTH = 4
_REDACTED = "***"


def load_config(path: Path, *, env: Mapping[str, str] | None = None) -> CrmhubConfig:
    """Read and validate the config file; a ConfigError lists every problem (a missing file: run init)."""
    path = Path(path)
    return parse_config(_read(path), env=env, source=str(path), base_dir=path.parent)


def check_config(path: Path, *, env: Mapping[str, str] | None = None) -> list[ConfigProblem]:
    """Every problem with the config file; an empty list means it loads."""
    try:
        load_config(path, env=env)
    except ConfigError as exc:
        return exc.problems
    return []


def parse_config(
    text: str,
    *,
    env: Mapping[str, str] | None = None,
    source: str = "crmhub.yaml",
    base_dir: Path | None = None,
) -> CrmhubConfig:
    """Validate config text. ``env`` defaults to os.environ; ``base_dir`` anchors relative paths (cwd)."""
    parsed = parse_yaml(text)
    if not isinstance(parsed.data, dict):
        raise ConfigError(parsed.problems, source=source)
    resolution = resolve_references(parsed.data, env=os.environ if env is None else env)
    problems = parsed.problems + resolution.problems
    config, invalid = _validate(resolution.data, base_dir=base_dir or Path.cwd())
    # A key whose variable is unset fails validation too (it still holds "${X}"); the variable is the news.
    unresolved = {problem.path for problem in resolution.problems}
    problems += [problem for problem in invalid if problem.path not in unresolved]
    if problems or config is None:
        secrets = resolution.substituted | set(_secret_values(resolution.data))
        raise ConfigError(_scrubbed(problems, secrets), source=source)
    return config


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
    raise ConfigError([ConfigProblem("", message)], source=str(path))


def _validate(data: dict[str, Any], *, base_dir: Path) -> tuple[CrmhubConfig | None, list[ConfigProblem]]:
    # The ValidationError is turned into problems inside this function and never escapes or chains: its
    # errors and repr carry input values, secrets included.
    try:
        return CrmhubConfig.model_validate(data, context={"base_dir": base_dir}), []
    except ValidationError as exc:
        return None, problems_from(exc, root=CrmhubConfig)


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
        ConfigProblem(_scrub(problem.path, ordered), _scrub(problem.message, ordered)) for problem in problems
    )
    return list(dict.fromkeys(cleaned))  # one line per problem, even when two references in a value share it


def _scrub(text: str, secrets: list[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, _REDACTED)
    return text
