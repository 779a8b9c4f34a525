"""The faults, as data: which rules each one posts to a sandbox and which outcome the suite asserts.

The README's fault table is generated from these same definitions and the tests' results
(``tests/integration/faults/conftest.py``), so a cell can only claim what a test asserted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.support.faults.targets import Rule, Target

# Waits shortened for tests (the connectors' options); production keeps the defaults of connectors/http/retry.py.
FAST_RETRY: dict[str, Any] = {"base_wait": 0.05, "max_wait": 2.0, "rate_limit_wait": 0.2, "max_attempts": 8}
OUTAGE_ATTEMPTS = 4  # the outage case runs with this many attempts, and the outage lasts exactly as long
TIMEOUT_S = 1.5  # the connections' read timeout (timeout_seconds) in the fault suite
DELAY_S = 4.0  # a delayed answer: longer than the read timeout


@dataclass(frozen=True)
class Fault:
    name: str
    title: str
    expect: str  # recovered: one run succeeds | failed: it fails cleanly, the next resumes | stopped: budget stop
    outcome: str  # what the test asserts, for the table


FAULTS: tuple[Fault, ...] = (
    Fault("rate_limit_storm", "429 storm (the CRM's own rate-limit answer, many in a row)", "recovered",
          "waited (Retry-After where sent) and retried each; one run, store = truth"),
    Fault("server_errors", "5xx burst (gateway pages and the CRM's error bodies)", "recovered",
          "backed off and retried each; one run, store = truth"),
    Fault("connection_reset", "connection reset mid-answer (3 in a row)", "recovered",
          "network error retried; one run, store = truth"),
    Fault("timeout", f"answer slower than the read timeout ({DELAY_S:g} s > {TIMEOUT_S:g} s, twice)", "recovered",
          "timed out, retried; one run, store = truth"),
    Fault("token_expiry", "token / session expiring in the middle of paging", "recovered",
          "re-authenticated on the refusal and retried the page; one run, store = truth"),
    Fault("token_endpoint_errors", "token endpoint answering 503 twice when the first token is fetched",
          "recovered", "the token request was retried; one run, store = truth"),
    Fault("outage", f"outage outlasting the retries ({OUTAGE_ATTEMPTS} x 5xx with {OUTAGE_ATTEMPTS} attempts)",
          "failed", "run failed cleanly after its attempts, pages read before landed with their cursor; the next "
                    "run resumed from the cursor (no page re-read beyond one unit), store = truth"),
    Fault("daily_limit", "daily API quota spent mid-sync", "stopped",
          "run stopped cleanly (status stopped, exit 5 in the CLI), cursor saved; the next run after the quota "
          "resets resumed, store = truth"),
    Fault("sigkill", "`crmhub sync` killed with SIGKILL mid-sync, then restarted", "killed",
          "killed while a page request was held; landed units kept; the restarted `crmhub sync` exited 0 and "
          "resumed, store = truth, no duplicates"),
)
BY_NAME = {f.name: f for f in FAULTS}
IN_PROCESS = tuple(f.name for f in FAULTS if f.expect != "killed")


def rules_for(target: Target, fault: str) -> list[Rule] | None:
    """The rules one case posts (None: the CRM has no such fault); each strikes the object's later pages."""
    where = {"path": target.page_path, "skip": target.page_skip}
    if fault in ("rate_limit_storm", "server_errors", "daily_limit"):
        bodies = target.bodies.get(fault)
        return None if bodies is None else [{**where, **b} for b in bodies]
    if fault == "connection_reset":
        return [{**where, "kind": "drop", "times": 3}]
    if fault == "timeout":
        return [{**where, "kind": "delay", "delay_s": DELAY_S, "times": 2}]
    if fault == "outage":
        first = target.bodies["server_errors"][0]
        return [{**where, **first, "times": OUTAGE_ATTEMPTS}]
    if fault == "token_endpoint_errors":
        return [{"path": target.token_path, "status": 503, "times": 2, "body": "Service Unavailable"}]
    if fault == "token_expiry":
        return []  # not a rule: the token really expires (see Target.expire_tokens)
    raise KeyError(fault)


def describe(rules: list[Rule]) -> str:
    """'6 x 429 TEN_SECONDLY_ROLLING' — what a case injected, in the CRM's own terms."""
    parts = []
    for r in rules:
        times = "∞" if r.get("times") == -1 else str(r.get("times", 1))
        kind = r.get("kind", "status")
        if kind == "drop":
            parts.append(f"{times} x reset")
        elif kind == "delay":
            parts.append(f"{times} x {r['delay_s']:g} s delay")
        else:
            code = _code(r.get("body"))
            parts.append(f"{times} x {r['status']}" + (f" {code}" if code else ""))
    return ", ".join(parts)


def expected_fires(rules: list[Rule]) -> int | None:
    """How often the rules fire in a recovered run (None when a rule fires until it is cleared)."""
    if any(r.get("times") == -1 for r in rules):
        return None
    return sum(int(r.get("times", 1)) for r in rules)


def _code(body: Any) -> str:
    if isinstance(body, list) and body and isinstance(body[0], dict):
        return str(body[0].get("errorCode", ""))  # Salesforce
    if not isinstance(body, dict):
        return ""
    if "policyName" in body:
        return str(body["policyName"])  # HubSpot
    if isinstance(body.get("error"), dict):
        return str(body["error"].get("code", ""))  # Dataverse
    if body.get("errors"):
        return f"(envelope {body['errors'][0].get('code')})"  # Marketo, under HTTP 200
    return ""
