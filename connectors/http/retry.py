"""The retry policy as one table from what went wrong to what to do (after Airbyte CDK's error mapping).

Connectors turn a failure into a ``Failure`` (status, the CRM's error code, a network error); ``decide`` looks it
up in the table; ``run_with_policy`` carries the decision out with tenacity, honouring ``Retry-After``.
"""

from __future__ import annotations

import enum
import logging
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

import tenacity

from connectors.errors import (
    ApiError,
    AuthError,
    BudgetExhausted,
    CrmhubError,
    RateLimited,
    TransientError,
)
from connectors.http.tls import Endpoint, cert_verify_failure, tls_error

log = logging.getLogger(__name__)

T = TypeVar("T")


class Action(enum.Enum):
    RETRY = "retry"
    FAIL = "fail"
    IGNORE = "ignore"
    REFRESH_TOKEN_THEN_RETRY = "refresh_token_then_retry"
    RATE_LIMITED = "rate_limited"
    BUDGET_EXHAUSTED = "budget_exhausted"


@dataclass(frozen=True, slots=True)
class Failure:
    """What went wrong, in the terms the table is keyed on."""

    status: int | None = None  # HTTP status, None for a network error
    code: str | None = None  # the CRM's own error code ("INVALID_SESSION_ID", "606", "0x80072322")
    network: bool = False  # connection reset, timeout, DNS
    retry_after: float | None = None
    message: str = ""


# Keys: ("code", "<crm code>") first, then ("status", n), then ("network",). Only HTTP facts live here: each CRM's
# own error codes are in its client's table, which extends this one (``SALESFORCE_TABLE``, ``DYNAMICS_TABLE``, …).
DEFAULT_TABLE: Mapping[tuple[str, ...], Action] = {
    ("network",): Action.RETRY,
    ("status", "401"): Action.REFRESH_TOKEN_THEN_RETRY,
    ("status", "403"): Action.FAIL,
    ("status", "404"): Action.FAIL,
    ("status", "400"): Action.FAIL,
    ("status", "408"): Action.RETRY,
    ("status", "409"): Action.FAIL,
    ("status", "412"): Action.FAIL,
    ("status", "429"): Action.RATE_LIMITED,
    ("status", "500"): Action.RETRY,
    ("status", "502"): Action.RETRY,
    ("status", "503"): Action.RETRY,
    ("status", "504"): Action.RETRY,
}


def decide(table: Mapping[tuple[str, ...], Action], failure: Failure) -> Action:
    if failure.code is not None and ("code", failure.code) in table:
        return table[("code", failure.code)]
    if failure.network:
        return table.get(("network",), Action.RETRY)
    if failure.status is not None:
        if ("status", str(failure.status)) in table:
            return table[("status", str(failure.status))]
        if failure.status >= 500:
            return Action.RETRY
    return Action.FAIL


@dataclass(frozen=True, slots=True)
class RetrySettings:
    max_attempts: int = 8
    base_wait: float = 0.5
    max_wait: float = 60.0
    rate_limit_wait: float = 10.0  # when a 429 says nothing: one full rolling window of most CRMs
    table: Mapping[tuple[str, ...], Action] = field(default_factory=lambda: dict(DEFAULT_TABLE))


def retry_settings(overrides: Mapping[str, float], *, table: Mapping[tuple[str, ...], Action],
                   **defaults: float) -> RetrySettings:
    """The settings ``overrides`` tune (``Tuning.retry.given()``: tests shorten the waits) over ``defaults``, the
    connector's own."""
    values: dict[str, float] = {**defaults, **overrides}
    typed: dict[str, Any] = {k: int(v) if k == "max_attempts" else float(v) for k, v in values.items()}
    return RetrySettings(table=dict(table), **typed)


class _Refresh(Exception):
    """Internal: the CRM refused the token; refresh it and try again at once."""

    def __init__(self, failure: Failure) -> None:
        self.failure = failure
        super().__init__(failure.message)


def _wait(settings: RetrySettings) -> Callable[[tenacity.RetryCallState], float]:
    def wait(state: tenacity.RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, RateLimited):
            return min(settings.max_wait, exc.retry_after if exc.retry_after is not None else settings.rate_limit_wait)
        backoff: float = settings.base_wait * 2 ** (state.attempt_number - 1)  # int ** int is Any to typeshed
        return min(settings.max_wait, backoff * (0.5 + random.random()))  # jitter: workers must not retry in step

    return wait


def run_with_policy(
    call: Callable[[], T],
    *,
    settings: RetrySettings,
    classify: Callable[[BaseException], Failure | None],
    refresh: Callable[[], None] | None,
    context: Mapping[str, str | None],
    on_retry: Callable[[CrmhubError], None] | None = None,
    endpoint: Endpoint | None = None,
) -> T:
    """Run ``call``; on failure ask ``classify`` what happened and do what the table says.

    ``classify`` returns None for exceptions that are not API failures (bugs): those propagate untouched.
    A token is refreshed at most once per call so that bad credentials fail fast instead of looping.
    With an ``endpoint``, a certificate that does not verify is a ``ConfigError`` at once (never retried), and a
    network error names the endpoint's URL. Each retry is logged (a warning: on stderr by default) with the
    attempt and the wait, so a person watching an unreachable CRM sees progress rather than a silent minute.
    """
    refreshed = False

    def once() -> T:
        try:
            return call()
        except BaseException as exc:
            refused_cert = cert_verify_failure(exc) if endpoint is not None else None
            if endpoint is not None and refused_cert is not None:
                raise tls_error(endpoint, refused_cert, connection=context.get("connection")) from None
            failure = classify(exc)
            if failure is None:
                raise
            action = decide(settings.table, failure)
            if action is Action.REFRESH_TOKEN_THEN_RETRY:
                raise _Refresh(failure) from None
            if failure.network and endpoint is not None:
                failure = Failure(network=True, message=f"{endpoint.url} unreachable: {failure.message}")
            err = _to_error(action, failure, context)
            if on_retry is not None and err.retryable:
                on_retry(err)
            raise err from None

    def attempt() -> T:
        nonlocal refreshed
        try:
            return once()
        except _Refresh as needed:
            # Refresh and try again inside this attempt: a refresh never spends a retry, and never escapes.
            if refresh is None or refreshed:
                raise AuthError(needed.failure.message or "credentials refused", **context) from None  # type: ignore[arg-type]
            refreshed = True
            refresh()
            try:
                return once()
            except _Refresh as again:
                raise AuthError(again.failure.message or "credentials refused after a token refresh",
                                **context) from None  # type: ignore[arg-type]

    def progress(state: tenacity.RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        wait = state.next_action.sleep if state.next_action else 0.0
        log.warning("%s — attempt %d of %d failed; retrying in %.1f s", exc, state.attempt_number,
                    settings.max_attempts, wait)

    retrying = tenacity.Retrying(
        stop=tenacity.stop_after_attempt(settings.max_attempts),
        wait=_wait(settings),
        retry=tenacity.retry_if_exception_type(TransientError),
        before_sleep=progress,
        reraise=True,
    )
    return retrying(attempt)


def _to_error(action: Action, failure: Failure, context: Mapping[str, str | None]) -> CrmhubError:
    ctx = dict(context)
    if failure.status is not None:
        ctx["status"] = failure.status  # type: ignore[assignment]
    msg = failure.message or (f"HTTP {failure.status}" if failure.status else "network error")
    if action is Action.RATE_LIMITED:
        return RateLimited(msg, retry_after=failure.retry_after, **ctx)
    if action is Action.RETRY:
        return TransientError(msg, **ctx)  # type: ignore[arg-type]
    if action is Action.BUDGET_EXHAUSTED:
        return BudgetExhausted(msg, **ctx)  # type: ignore[arg-type]
    if action is Action.REFRESH_TOKEN_THEN_RETRY:
        return AuthError(msg, **ctx)  # type: ignore[arg-type]
    if failure.status in (401, 403) and action is Action.FAIL:
        return AuthError(msg, **ctx)  # type: ignore[arg-type]
    return ApiError(msg, **ctx)  # type: ignore[arg-type]
