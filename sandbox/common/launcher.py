"""Start a sandbox in its own process (so it never competes with the client for the GIL) and talk to its admin API."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

SANDBOXES = ("hubspot", "salesforce", "dynamics", "marketo")


@dataclass(frozen=True, slots=True)
class SandboxInfo:
    name: str
    https_url: str
    http_url: str
    ca_path: str
    pid: int


class SandboxProcess:
    """``with SandboxProcess("hubspot", scale=1000) as sb: sb.info.https_url`` — stopped on exit."""

    def __init__(
        self,
        name: str,
        *,
        seed: int = 7,
        scale: int = 1000,
        profile: str = "strict",
        options: dict[str, str] | None = None,
        state_dir: Path | None = None,
        https_port: int = 0,
        http_port: int = 0,
    ) -> None:
        if name not in SANDBOXES:
            raise ValueError(f"unknown sandbox {name!r}: expected one of {', '.join(SANDBOXES)}")
        self.name = name
        self._tmp = None if state_dir else tempfile.TemporaryDirectory(prefix=f"crmhub-sandbox-{name}-")
        self.state_dir = Path(state_dir or self._tmp.name).resolve()  # type: ignore[union-attr]
        self.args = [
            sys.executable, "-m", "sandbox", name, "--seed", str(seed), "--scale", str(scale),
            "--profile", profile, "--state-dir", str(self.state_dir),
            "--https-port", str(https_port), "--http-port", str(http_port),
            "--ready-file", str(self.state_dir / "ready.json"),
        ]
        for key, value in (options or {}).items():
            self.args += ["--option", f"{key}={value}"]
        self.proc: subprocess.Popen[bytes] | None = None
        self._info: SandboxInfo | None = None

    @property
    def info(self) -> SandboxInfo:
        if self._info is None:
            raise RuntimeError(f"sandbox {self.name} is not started")
        return self._info

    def start(self, timeout: float = 300.0) -> SandboxInfo:
        self.state_dir.mkdir(parents=True, exist_ok=True)
        ready = self.state_dir / "ready.json"
        ready.unlink(missing_ok=True)
        log = open(self.state_dir / "sandbox.log", "wb")  # noqa: SIM115 - the child owns it for its life
        self.proc = subprocess.Popen(self.args, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while not ready.exists():
            if self.proc.poll() is not None:
                tail = (self.state_dir / "sandbox.log").read_text(errors="replace")[-3000:]
                raise RuntimeError(f"sandbox {self.name} exited with {self.proc.returncode}:\n{tail}")
            if time.monotonic() > deadline:
                self.stop()
                raise TimeoutError(f"sandbox {self.name} not ready after {timeout:.0f}s")
            time.sleep(0.05)
        self._info = SandboxInfo(**json.loads(ready.read_text()))
        return self._info

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def admin(self) -> SandboxAdmin:
        return SandboxAdmin(self.info)

    def __enter__(self) -> SandboxProcess:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
        if self._tmp is not None:
            self._tmp.cleanup()


class SandboxAdmin:
    """The harness side of a running sandbox: ground truth, person-like edits, call counts, faults, clock."""

    def __init__(self, info: SandboxInfo, timeout: float = 120.0) -> None:
        self.client = httpx.Client(base_url=info.https_url, verify=info.ca_path, timeout=timeout)

    def get(self, path: str, **params: Any) -> Any:
        return self._check(self.client.get(path, params=params))

    def post(self, path: str, body: Any = None) -> Any:
        return self._check(self.client.post(path, json=body if body is not None else {}))

    def put(self, path: str, body: Any) -> Any:
        return self._check(self.client.put(path, json=body))

    def patch(self, path: str, body: Any) -> Any:
        return self._check(self.client.patch(path, json=body))

    def delete(self, path: str) -> Any:
        return self._check(self.client.delete(path))

    def calls(self) -> dict[str, Any]:
        return self.get("/_admin/calls")

    def reset_calls(self) -> None:
        self.delete("/_admin/calls")

    def set_faults(self, rules: list[dict[str, Any]]) -> None:
        self.put("/_admin/faults", {"rules": rules})

    def clear_faults(self) -> None:
        self.delete("/_admin/faults")

    def advance_clock(self, seconds: float) -> None:
        self.post("/_admin/clock", {"advance_seconds": seconds})

    @staticmethod
    def _check(resp: httpx.Response) -> Any:
        if resp.status_code >= 400:
            raise RuntimeError(f"sandbox admin {resp.request.method} {resp.request.url.path}: "
                               f"{resp.status_code} {resp.text[:500]}")
        return resp.json() if resp.content else None

    def close(self) -> None:
        self.client.close()
