"""Load what a command needs — settings, config, store — and turn failures into exit codes and actionable errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typer
from sqlalchemy import Engine

import store
from config import CrmhubConfig, Settings
from config.settings import load_settings
from errors import ApiError, AuthError, BudgetExhausted, ConfigError, CrmhubError, TransientError
from hub import exitcodes
from hub.logs import redact_config_secrets
from hub.output import Output
from mapping.spec import MappingError
from sync.config_check import load_checked_config
from sync.state import StreamBusy


@dataclass(slots=True)
class App:
    cfg: CrmhubConfig
    engine: Engine
    out: Output
    config_path: Path


def settings() -> Settings:
    return load_settings()  # a bad CRMHUB_* value is a config error naming the variable


def open_app(config: Path | None, out: Output) -> App:
    s = settings()
    path = config or s.config
    # Refuse at once what `crmhub config check` refuses, rather than half-way through a sync.
    cfg = load_checked_config(path)
    redact_config_secrets(cfg)  # before any connector logs a line
    url = s.store_url or cfg.store.url
    # Name the setting that supplied the URL: the admin fixes the environment or the file, not "the store".
    source = "CRMHUB_STORE_URL" if s.store_url else "store.url"
    try:
        engine = store.open_store(str(url))
    except store.StoreUnavailable as exc:
        raise ConfigError(f"{source}: {exc}") from None
    return App(cfg, engine, out, path)


def optional_config(config: Path | None) -> CrmhubConfig | None:
    """The config a command may use without needing one: the one given (``--config``, ``CRMHUB_CONFIG``, refused
    like everywhere when it has errors), else ``./crmhub.yaml`` if it exists, else None."""
    s = settings()
    path = config or s.config
    given = config is not None or "config" in s.model_fields_set
    if not given and not path.is_file():
        return None
    cfg = load_checked_config(path)
    redact_config_secrets(cfg)
    return cfg


@contextmanager
def failures(out: Output) -> Iterator[None]:
    """Every known failure becomes a message on stderr and its exit code; a bug still shows its traceback."""
    try:
        yield
    except (ConfigError, MappingError) as exc:  # ConfigError: a bad file or environment too
        _fail(out, str(exc), exitcodes.CONFIG, "config")
    except AuthError as exc:
        _fail(out, str(exc), exitcodes.AUTH, "auth")
    except BudgetExhausted as exc:
        _fail(out, str(exc), exitcodes.BUDGET, "budget")
    except StreamBusy as exc:
        _fail(out, str(exc), exitcodes.LOCKED, "locked")
    except (ApiError, TransientError, CrmhubError) as exc:
        _fail(out, str(exc), exitcodes.API, "api")
    except KeyboardInterrupt:
        _fail(out, "interrupted (SIGINT): the run in progress was recorded as cancelled; what it landed is kept and "
                   "the next run resumes from its cursor", exitcodes.CANCELLED, "cancelled")


def _fail(out: Output, message: str, code: int, kind: str) -> None:
    if out.as_json:
        out.json({"ok": False, "error": {"kind": kind, "message": message}})
    out.error(message)
    raise typer.Exit(code)


def json_option() -> Any:
    return typer.Option(False, "--json", help="Print one JSON document on stdout (for scripts).")


def config_option() -> Any:
    return typer.Option(None, "--config", "-c", help="Path to crmhub.yaml (default: $CRMHUB_CONFIG or ./crmhub.yaml).")

