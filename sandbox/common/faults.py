"""Deterministic fault injection: rules an admin posts, matched against each API request in order.

A rule: ``{"path": "<regex>", "method": "GET"?, "skip": 0, "times": 1, "kind": "status"|"delay"|"drop",
"status": 500, "body": {...} | "text", "headers": {...}, "delay_s": 0.0}``. ``skip`` lets that many matching requests
through before the rule fires; ``times`` is how often it fires (-1: for ever). ``drop`` closes the connection without
an answer, as a reset or a dead proxy does.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class FaultRule:
    path: re.Pattern[str]
    method: str | None
    kind: str
    status: int
    body: Any
    headers: dict[str, str]
    delay_s: float
    skip: int
    times: int
    fired: int = 0

    def describe(self) -> dict[str, Any]:
        return {
            "path": self.path.pattern, "method": self.method, "kind": self.kind, "status": self.status,
            "skip": self.skip, "times": self.times, "fired": self.fired,
        }


@dataclass(slots=True)
class Fired:
    kind: str
    status: int
    body: Any
    headers: dict[str, str]
    delay_s: float


KINDS = ("status", "delay", "drop")


def parse_rule(raw: dict[str, Any]) -> FaultRule:
    kind = str(raw.get("kind", "status"))
    if kind not in KINDS:
        raise ValueError(f"fault kind must be one of {KINDS}, got {kind!r}")
    if "path" not in raw:
        raise ValueError("fault rule needs 'path' (a regular expression matched against the request path)")
    return FaultRule(
        path=re.compile(str(raw["path"])),
        method=str(raw["method"]).upper() if raw.get("method") else None,
        kind=kind,
        status=int(raw.get("status", 500)),
        body=raw.get("body"),
        headers={str(k): str(v) for k, v in (raw.get("headers") or {}).items()},
        delay_s=float(raw.get("delay_s", 0.0)),
        skip=int(raw.get("skip", 0)),
        times=int(raw.get("times", 1)),
    )


@dataclass
class FaultBook:
    rules: list[FaultRule] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def replace(self, raw_rules: list[dict[str, Any]]) -> None:
        parsed = [parse_rule(r) for r in raw_rules]
        with self._lock:
            self.rules = parsed

    def add(self, raw_rules: list[dict[str, Any]]) -> None:
        parsed = [parse_rule(r) for r in raw_rules]
        with self._lock:
            self.rules.extend(parsed)

    def match(self, method: str, path: str) -> Fired | None:
        with self._lock:
            for rule in self.rules:
                if rule.method and rule.method != method:
                    continue
                if not rule.path.search(path):
                    continue
                if rule.times != -1 and rule.fired >= rule.times:
                    continue
                if rule.skip > 0:
                    rule.skip -= 1
                    continue
                rule.fired += 1
                return Fired(rule.kind, rule.status, rule.body, dict(rule.headers), rule.delay_s)
        return None

    def describe(self) -> list[dict[str, Any]]:
        with self._lock:
            return [r.describe() for r in self.rules]
