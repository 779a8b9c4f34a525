"""Undo a merge: the pair is kept apart from now on, and its kind is resolved again at once."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine

from identity import persist
from identity.service import IdentityOptions, resolve


def undo(engine: Engine, options: IdentityOptions, merge_id: int, *, by: str) -> dict[str, Any]:
    """Raises LookupError (no such merge) or ValueError (already undone) with a message for the admin."""
    with engine.begin() as conn:
        merge = persist.mark_undone(conn, merge_id, by=by)
    return {"undone": merge, "resolve": resolve(engine, options, kinds=(merge["kind"],))}
