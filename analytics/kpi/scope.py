"""Row-level scope (``as_user``): which rows a user's KPIs count. One rule, in SQL, applied by every compile.

- None: no restriction (an admin, a batch refresh).
- A manager sees the rows of every rep of their team (``crm_user.team`` equal to theirs) and their own. A manager
  is a live user with a team whose title contains one of ``MANAGER_TITLE_WORDS`` (case-insensitive): the words are
  data, here, and nowhere else.
- Anyone else sees the rows whose rep is themselves.

A measure without a rep column cannot be scoped and is refused for a scoped request rather than shown whole;
an unknown or deleted user id sees nothing (query.compute refuses it up front with a message).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, func, or_, select
from sqlalchemy.sql.elements import ColumnElement

from analytics.kpi.source import table_alias

MANAGER_TITLE_WORDS: tuple[str, ...] = ("manager", "director", "head of", "vp", "vice president", "chief")


def visible(rep: ColumnElement[Any], user_id: str) -> ColumnElement[bool]:
    """True for the rows ``user_id`` may see, given each row's rep column."""
    me = table_alias("user", "scope_me")
    mate = table_alias("user", "scope_mate")
    title = func.lower(func.coalesce(me.c.title, ""))
    manages = or_(*(title.contains(word, autoescape=True) for word in MANAGER_TITLE_WORDS))
    reps = (select(mate.c.id)
            .join(me, me.c.id == user_id)
            .where(me.c.deleted_at.is_(None), mate.c.deleted_at.is_(None),
                   or_(mate.c.id == me.c.id, manages & me.c.team.is_not(None) & (mate.c.team == me.c.team))))
    return rep.in_(reps)


def user_exists(engine: Engine, user_id: str) -> bool:
    user = table_alias("user", "u")
    with engine.connect() as conn:
        found = conn.execute(select(user.c.id).where(user.c.id == user_id, user.c.deleted_at.is_(None))).first()
    return found is not None
