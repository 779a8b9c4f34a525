"""connectors/http/retry.py: the table lookup and run_with_policy's retries, waits, refreshes and bounds.

Waits are observed, not slept: tenacity's default sleep strategy (``tenacity.nap.sleep``) calls
``time.sleep``, which the ``sleeps`` fixture replaces with a recorder.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import tenacity

from connectors.errors import ApiError, AuthError, BudgetExhausted, CrmhubError, RateLimited, TransientError
from connectors.http.retry import DEFAULT_TABLE, Action, Failure, RetrySettings, decide, run_with_policy

CONTEXT = {"connection": "hs", "object": "contacts"}


class HttpFailure(Exception):
    """What a fake transport raises: the facts classify turns into a Failure."""

    def __init__(
        self,
        status: int | None = None,
        *,
        code: str | None = None,
        retry_after: float | None = None,
        network: bool = False,
    ) -> None:
        super().__init__(f"HTTP {status}")
        self.status, self.code, self.retry_after, self.network = status, code, retry_after, network


def classify(exc: BaseException) -> Failure | None:
    if not isinstance(exc, HttpFailure):
        return None
    return Failure(
        status=exc.status,
        code=exc.code,
        network=exc.network,
        retry_after=exc.retry_after,
        message=f"fake {exc.status}",
    )


class Script:
    """A call that plays its outcomes in order: an exception is raised, anything else returned."""

    def __init__(self, *outcomes: Any) -> None:
        self.outcomes = list(outcomes)
        self.calls = 0

    def __call__(self) -> Any:
        outcome = self.outcomes[min(self.calls, len(self.outcomes) - 1)]
        self.calls += 1
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome


class Refresher:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self) -> None:
        self.count += 1


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[float]]:
    recorded: list[float] = []
    monkeypatch.setattr(tenacity.nap.time, "sleep", recorded.append)
    yield recorded


def _run(
    call: Callable[[], Any],
    *,
    settings: RetrySettings | None = None,
    refresh: Callable[[], None] | None = None,
    on_retry: Callable[[CrmhubError], None] | None = None,
    classify_fn: Callable[[BaseException], Failure | None] = classify,
) -> Any:
    return run_with_policy(
        call,
        settings=settings or RetrySettings(),
        classify=classify_fn,
        refresh=refresh,
        context=CONTEXT,
        on_retry=on_retry,
    )


# --- decide ---
@pytest.mark.parametrize(
    ("failure", "action"),
    [
        (Failure(network=True), Action.RETRY),
        (Failure(status=401), Action.REFRESH_TOKEN_THEN_RETRY),
        (Failure(status=403), Action.FAIL),
        (Failure(status=404), Action.FAIL),
        (Failure(status=408), Action.RETRY),
        (Failure(status=429), Action.RATE_LIMITED),
        (Failure(status=500), Action.RETRY),
        (Failure(status=503), Action.RETRY),
        (Failure(status=599), Action.RETRY),  # an unknown 5xx is worth retrying
        (Failure(status=418), Action.FAIL),  # an unknown 4xx is not
        (Failure(status=422), Action.FAIL),
        (Failure(), Action.FAIL),
    ],
)
def test_decide_default_table(failure: Failure, action: Action) -> None:
    assert decide(DEFAULT_TABLE, failure) is action


def test_decide_code_beats_status_and_network() -> None:
    table = {
        **DEFAULT_TABLE,
        ("code", "DAILY"): Action.BUDGET_EXHAUSTED,
        ("code", "606"): Action.RATE_LIMITED,
    }
    assert decide(table, Failure(status=429, code="DAILY")) is Action.BUDGET_EXHAUSTED
    assert decide(table, Failure(status=200, code="606")) is Action.RATE_LIMITED
    assert decide(table, Failure(network=True, code="DAILY")) is Action.BUDGET_EXHAUSTED
    assert (
        decide(table, Failure(status=429, code="TEN_SECONDLY_ROLLING")) is Action.RATE_LIMITED
    )  # unknown code


def test_decide_a_table_can_override_a_status() -> None:
    table = {**DEFAULT_TABLE, ("status", "404"): Action.IGNORE, ("network",): Action.FAIL}
    assert decide(table, Failure(status=404)) is Action.IGNORE
    assert decide(table, Failure(network=True)) is Action.FAIL


def test_retry_settings_tables_are_independent_copies() -> None:
    one, two = RetrySettings(), RetrySettings()
    assert one.table == DEFAULT_TABLE
    assert one.table is not two.table and one.table is not DEFAULT_TABLE


# --- run_with_policy ---
def test_success_needs_no_retry(sleeps: list[float]) -> None:
    call = Script("ok")
    assert _run(call) == "ok"
    assert call.calls == 1
    assert sleeps == []


def test_transient_errors_are_retried_with_growing_jittered_backoff(sleeps: list[float]) -> None:
    call = Script(HttpFailure(503), HttpFailure(network=True), HttpFailure(502), "ok")
    assert _run(call, settings=RetrySettings(base_wait=0.5, max_wait=60.0)) == "ok"
    assert call.calls == 4
    assert len(sleeps) == 3
    for attempt, wait in enumerate(sleeps, start=1):
        backoff = 0.5 * 2 ** (attempt - 1)
        assert 0.5 * backoff <= wait <= 1.5 * backoff


def test_backoff_is_capped_by_max_wait(sleeps: list[float]) -> None:
    call = Script(*[HttpFailure(500)] * 4, "ok")
    assert _run(call, settings=RetrySettings(base_wait=10.0, max_wait=3.0)) == "ok"
    assert sleeps and all(wait <= 3.0 for wait in sleeps)


def test_rate_limited_waits_retry_after(sleeps: list[float]) -> None:
    call = Script(HttpFailure(429, retry_after=2.5), HttpFailure(429, retry_after=0.25), "ok")
    assert _run(call, settings=RetrySettings(rate_limit_wait=99.0)) == "ok"
    assert sleeps == [2.5, 0.25]


def test_rate_limited_without_retry_after_waits_the_default(sleeps: list[float]) -> None:
    call = Script(HttpFailure(429), "ok")
    assert _run(call, settings=RetrySettings(rate_limit_wait=7.0)) == "ok"
    assert sleeps == [7.0]


def test_rate_limited_wait_is_capped_by_max_wait(sleeps: list[float]) -> None:
    call = Script(HttpFailure(429, retry_after=3600.0), "ok")
    assert _run(call, settings=RetrySettings(max_wait=30.0)) == "ok"
    assert sleeps == [30.0]


def test_attempts_are_bounded_and_the_last_error_carries_context(sleeps: list[float]) -> None:
    call = Script(HttpFailure(503))
    with pytest.raises(TransientError) as info:
        _run(call, settings=RetrySettings(max_attempts=3, base_wait=0.01))
    assert call.calls == 3
    assert len(sleeps) == 2
    err = info.value
    assert (err.connection, err.object, err.status, err.message) == ("hs", "contacts", 503, "fake 503")
    assert str(err) == "connection hs, object contacts: fake 503"


def test_rate_limits_are_bounded_too(sleeps: list[float]) -> None:
    call = Script(HttpFailure(429, retry_after=0.01))
    with pytest.raises(RateLimited) as info:
        _run(call, settings=RetrySettings(max_attempts=4))
    assert call.calls == 4
    assert info.value.retry_after == 0.01


def test_refresh_then_retry_at_once(sleeps: list[float]) -> None:
    call, refresh = Script(HttpFailure(401), "ok"), Refresher()
    assert _run(call, refresh=refresh) == "ok"
    assert (call.calls, refresh.count) == (2, 1)
    assert sum(sleeps) == 0


def test_a_second_401_after_refresh_is_an_auth_error(sleeps: list[float]) -> None:
    call, refresh = Script(HttpFailure(401)), Refresher()
    with pytest.raises(AuthError) as info:
        _run(call, refresh=refresh)
    assert (call.calls, refresh.count) == (2, 1)
    assert (info.value.connection, info.value.object) == ("hs", "contacts")
    assert not info.value.retryable


def test_401_without_a_refresher_fails_at_once(sleeps: list[float]) -> None:
    call = Script(HttpFailure(401), "ok")
    with pytest.raises(AuthError, match="fake 401"):
        _run(call, refresh=None)
    assert call.calls == 1


def test_refresh_happens_once_per_call_even_after_transient_errors(sleeps: list[float]) -> None:
    call, refresh = Script(HttpFailure(401), HttpFailure(503), HttpFailure(401), "ok"), Refresher()
    with pytest.raises(AuthError):
        _run(call, refresh=refresh, settings=RetrySettings(base_wait=0.01))
    assert (call.calls, refresh.count) == (3, 1)


def test_a_401_on_the_last_attempt_never_leaks_the_private_signal(sleeps: list[float]) -> None:
    call, refresh = Script(HttpFailure(503), HttpFailure(401), "ok"), Refresher()
    try:
        result = _run(call, refresh=refresh, settings=RetrySettings(max_attempts=2, base_wait=0.01))
    except CrmhubError:
        return
    assert result == "ok"


def test_an_unclassified_exception_passes_through_untouched(sleeps: list[float]) -> None:
    bug = KeyError("not an API failure")
    call, seen = Script(bug, "ok"), []

    def spy(exc: BaseException) -> Failure | None:
        seen.append(exc)
        return classify(exc)

    with pytest.raises(KeyError) as info:
        _run(call, classify_fn=spy)
    assert info.value is bug
    assert seen == [bug]
    assert call.calls == 1


@pytest.mark.parametrize(
    ("status", "error"), [(400, ApiError), (404, ApiError), (403, AuthError), (409, ApiError)]
)
def test_failures_are_not_retried(sleeps: list[float], status: int, error: type[CrmhubError]) -> None:
    call = Script(HttpFailure(status), "ok")
    with pytest.raises(error) as info:
        _run(call)
    assert type(info.value) is error
    assert info.value.status == status
    assert call.calls == 1
    assert sleeps == []


def test_budget_exhausted_stops_without_retrying(sleeps: list[float]) -> None:
    settings = RetrySettings(table={**DEFAULT_TABLE, ("code", "DAILY"): Action.BUDGET_EXHAUSTED})
    call = Script(HttpFailure(429, code="DAILY"), "ok")
    with pytest.raises(BudgetExhausted) as info:
        _run(call, settings=settings)
    assert call.calls == 1
    assert sleeps == []
    assert info.value.connection == "hs"
    assert not isinstance(info.value, TransientError)


def test_on_retry_hears_each_retryable_failure(sleeps: list[float]) -> None:
    heard: list[CrmhubError] = []
    call = Script(HttpFailure(503), HttpFailure(429, retry_after=0.0), HttpFailure(404))
    with pytest.raises(ApiError):
        _run(call, on_retry=heard.append)
    assert [type(e) for e in heard] == [TransientError, RateLimited]
    assert [e.status for e in heard] == [503, 429]
