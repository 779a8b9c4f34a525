"""The admin console's view of the configured connections: per connection its kind and write-back settings, per
object whether it is enabled, its schedule, its last run and its saved cursor; and a check of the connection's
credentials and API limits (``crmhub check``). Nothing of a connection's auth section is ever returned."""

from __future__ import annotations

from typing import Any

from pydantic import SecretStr
from sqlalchemy import Engine, func, select

from config import CrmhubConfig
from config.models import Schedule
from connectors.registry import build_connector
from store.cursors import cursor_details
from store.tables import sync_run
from sync.run_view import stored_run
from sync.tokens import token_options


def schedule_text(schedule: Schedule) -> str:
    if schedule.cron is not None:
        return f"cron {schedule.cron} (UTC)"
    return f"every {schedule.interval_minutes} min"


def connections_view(engine: Engine, cfg: CrmhubConfig) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        newest = (select(func.max(sync_run.c.id)).group_by(sync_run.c.connection, sync_run.c.object))
        last = {(r["connection"], r["object"]): stored_run(dict(r))
                for r in conn.execute(select(sync_run).where(sync_run.c.id.in_(newest))).mappings()}
        out = []
        for name, connection in cfg.connections.items():
            objects = [{"object": obj, "enabled": settings.enabled,
                        "schedule": schedule_text(cfg.effective_schedule(name, obj)),
                        "last_run": last.get((name, obj)),
                        "cursor": _cursor(cursor_details(conn, connection=name, object=obj))}
                       for obj, settings in connection.objects.items()]
            wb = connection.writeback
            out.append({"name": name, "kind": connection.kind, "objects": objects,
                        "writeback": {"enabled": wb.enabled, "fields": dict(wb.fields),
                                      "conflict_policy": wb.conflict_policy}})
    return out


def _cursor(details: dict[str, Any] | None) -> dict[str, Any] | None:
    # The CRM's own paging state (tokens, delta links) stays out: it is no admin's business and may be long.
    return None if details is None else {"watermark": details["watermark"], "run_id": details["run_id"],
                                         "saved_at": details["updated_at"]}


# A check is a diagnostic someone waits for (a console page, `crmhub check`): two attempts at most, two seconds apart,
# not a sync's eight with up to a minute of backoff; an unreachable CRM is the answer, not a reason to wait.
CHECK_RETRY = {"max_attempts": 2, "max_wait": 2.0}


def check_connection(cfg: CrmhubConfig, name: str, *, engine: Engine,
                     secret_key: SecretStr | None) -> dict[str, Any]:
    """Authenticate and make one cheap call; the API calls left today where the CRM says. Raises the connector's
    errors (AuthError, ApiError, …), which name what to fix."""
    connector = build_connector(name, cfg.connection(name), settle_lag=cfg.effective_settle_lag(name),
                                options={**token_options(engine, secret_key), **CHECK_RETRY})
    try:
        connector.check()
        usage = connector.usage
        return {"ok": True, "connection": name, "kind": connector.kind, "api_calls": usage.calls,
                "daily_limit": usage.daily_limit, "daily_remaining": usage.daily_remaining}
    finally:
        connector.close()
