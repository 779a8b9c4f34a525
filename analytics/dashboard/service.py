"""``build``: the whole dashboard of one view for one user: tiles with trends, the drill table (or the rep's deals)
and "as of", the finish time of the last sync run that succeeded (the data is no newer than that)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, func, select

from analytics.dashboard.deals import Deal, deals
from analytics.dashboard.drill import Drill, drill
from analytics.dashboard.sources import DashboardSources
from analytics.dashboard.tiles import Tile, tiles
from analytics.dashboard.view import ViewState
from store.tables import sync_run


@dataclass(frozen=True, slots=True)
class Dashboard:
    view: ViewState
    as_user: str | None  # the scope: None = every record
    as_of: datetime | None  # None: no sync run has finished yet
    tiles: tuple[Tile, ...]
    drill: Drill | None  # None at rep level
    deals: tuple[Deal, ...]  # only at rep level

    def as_dict(self) -> dict[str, Any]:
        return {"view": self.view.as_dict(), "as_user": self.as_user,
                "as_of": self.as_of.isoformat() if self.as_of else None,
                "tiles": [t.as_dict() for t in self.tiles],
                "drill": self.drill.as_dict() if self.drill else None,
                "deals": [d.as_dict() for d in self.deals]}


def build(sources: DashboardSources, view: ViewState, as_user: str | None, *, parts: frozenset[str] = frozenset(
          {"tiles", "drill"})) -> Dashboard:
    """The dashboard of ``view`` for ``as_user``; ``parts`` names what to compute (a fragment needs one)."""
    found_tiles = tiles(sources, view, as_user) if "tiles" in parts else ()
    found_drill = drill(sources, view, as_user) if "drill" in parts else None
    found_deals = deals(sources.engine, view, as_user) if "drill" in parts and view.level == "rep" else ()
    return Dashboard(view, as_user, last_sync(sources.engine), found_tiles, found_drill, found_deals)


def last_sync(engine: Engine) -> datetime | None:
    with engine.connect() as conn:
        found: datetime | None = conn.execute(select(func.max(sync_run.c.finished_at))
                                              .where(sync_run.c.status == "succeeded")).scalar()
    return found
