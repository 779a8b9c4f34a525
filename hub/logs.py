"""Logs on stderr: plain text for people, or one JSON object per line (``--log-format json`` or
``CRMHUB_LOG_FORMAT=json``) with time (UTC, ISO 8601), level, logger, message and the run's connection / object /
run_id where the caller knows them (passed as ``extra``). Every line, whatever library logged it (httpx logs its
URLs, msal its requests), passes the connections' ``Redactor`` after formatting, so no secret reaches a log.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import IO, Any

from pydantic import BaseModel, SecretStr
from pythonjsonlogger.json import JsonFormatter

from config import CrmhubConfig
from connectors.http.redact import Redactor

FORMATS = ("text", "json")
LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
_HANDLER_NAME = "crmhub"
_JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s"
_TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class RedactingJsonFormatter(JsonFormatter):
    def __init__(self, redactor: Redactor) -> None:
        super().__init__(_JSON_FIELDS, rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
                         json_ensure_ascii=False)
        self.redactor = redactor

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")

    def format(self, record: logging.LogRecord) -> str:
        # The message is scrubbed before JSON escaping too: a secret holding a quote would not match once escaped.
        record.msg, record.args = self.redactor(record.getMessage()), ()
        return self.redactor(super().format(record))


class RedactingTextFormatter(logging.Formatter):
    def __init__(self, redactor: Redactor) -> None:
        super().__init__(_TEXT_FORMAT)
        self.redactor = redactor

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return datetime.fromtimestamp(record.created, UTC).isoformat(timespec="seconds")

    def format(self, record: logging.LogRecord) -> str:
        return self.redactor(super().format(record))


def configure_logging(*, fmt: str = "text", level: str = "WARNING", stream: IO[str] | None = None) -> Redactor:
    """Replace crmhub's stderr handler on the root logger; returns the redactor its lines pass (add secrets to it)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown log format {fmt!r}: expected one of {', '.join(FORMATS)}")
    redactor = Redactor()
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.set_name(_HANDLER_NAME)
    # On the handler too: libraries that set their own logger's level (Great Expectations logs at INFO) would
    # otherwise print below the level asked for.
    handler.setLevel(level.upper())
    handler.setFormatter(RedactingJsonFormatter(redactor) if fmt == "json" else RedactingTextFormatter(redactor))
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == _HANDLER_NAME]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    return redactor


def redact_config_secrets(cfg: CrmhubConfig) -> None:
    """Teach crmhub's log handler every secret of the loaded config (a no-op when logging is not configured)."""
    secrets = list(secret_values(cfg))
    for handler in logging.getLogger().handlers:
        formatter = handler.formatter
        if handler.get_name() == _HANDLER_NAME and isinstance(formatter, RedactingJsonFormatter |
                                                              RedactingTextFormatter):
            for secret in secrets:
                formatter.redactor.add(secret)


def secret_values(node: Any) -> Iterable[str]:
    """Every ``SecretStr`` value inside a pydantic model (connections, auth flows), however deep."""
    if isinstance(node, SecretStr):
        yield node.get_secret_value()
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from secret_values(getattr(node, name))
    elif isinstance(node, dict):
        for value in node.values():
            yield from secret_values(value)
    elif isinstance(node, list | tuple):
        for value in node:
            yield from secret_values(value)
