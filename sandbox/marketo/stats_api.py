"""Usage endpoints: calls and errors for today and the last seven days (US Central days), per API user."""

from __future__ import annotations

from datetime import date
from typing import Any

from starlette.routing import Route

from sandbox.marketo.api import Api, Call
from sandbox.marketo.limits import Limits


def routes(api: Api, limits: Limits, *, api_user: str) -> list[Route]:
    def usage_of(day: date) -> dict[str, Any]:
        count = limits.calls.get(day, 0)
        users = [{"userId": api_user, "count": count}] if count else []
        return {"date": day.isoformat(), "total": count, "users": users}

    def errors_of(day: date) -> dict[str, Any]:
        counts: dict[str, int] = limits.errors.get(day, {})
        return {"date": day.isoformat(), "total": sum(counts.values()),
                "errors": [{"errorCode": code, "count": n} for code, n in sorted(counts.items())]}

    def get_daily_usage(call: Call) -> list[Any]:
        return [usage_of(limits.today())]

    def get_last7_days_usage(call: Call) -> list[Any]:
        return [usage_of(day) for day in limits.last_days(7)]

    def get_daily_errors(call: Call) -> list[Any]:
        return [errors_of(limits.today())]

    def get_last7_days_errors(call: Call) -> list[Any]:
        return [errors_of(day) for day in limits.last_days(7)]

    return [
        api.route("/rest/v1/stats/usage.json", {"GET": get_daily_usage}),
        api.route("/rest/v1/stats/usage/last7days.json", {"GET": get_last7_days_usage}),
        api.route("/rest/v1/stats/errors.json", {"GET": get_daily_errors}),
        api.route("/rest/v1/stats/errors/last7days.json", {"GET": get_last7_days_errors}),
    ]
