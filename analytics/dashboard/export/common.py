"""What every export says the same way: its formats (definitions as data), its file name, and the dashboard's
heading (range, grain, scope, "as of") in the words of the page."""

from __future__ import annotations

from dataclasses import dataclass

from analytics.dashboard.service import Dashboard
from analytics.dashboard.tiles import Tile
from analytics.dashboard.view import PERIOD_WORDS


@dataclass(frozen=True, slots=True)
class ExportFormat:
    media_type: str
    suffix: str


FORMATS: dict[str, ExportFormat] = {
    "pdf": ExportFormat("application/pdf", "pdf"),
    "xlsx": ExportFormat("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "pptx": ExportFormat("application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx"),
}
TITLE = "Sales dashboard"


def filename(board: Dashboard, suffix: str) -> str:
    """crmhub-dashboard-team-east-2025-01-01-2026-01-01.xlsx: the view in the name, safe in a header."""
    parts = ["crmhub-dashboard", board.view.level, board.view.member or "",
             board.view.start.isoformat(), board.view.end.isoformat()]
    stem = "-".join(p for p in parts if p)
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in stem) + "." + suffix


def charted(tile: Tile) -> bool:
    """Whether the tile's trend gets a chart: not when it has no value at all (the page draws none either: an empty
    chart says nothing, and to a screen reader it is an unlabelled image); its table still lists the periods."""
    return any(point.value is not None for point in tile.trend)


def period_title(board: Dashboard) -> str:
    return PERIOD_WORDS[board.view.period]


def range_text(board: Dashboard) -> str:
    return (f"From {board.view.start.isoformat()} up to (not including) {board.view.end.isoformat()}, "
            f"by {period_title(board)}")


def scope_text(board: Dashboard) -> str:
    return "every record" if board.as_user is None else f"the records in the scope of CRM user {board.as_user}"


def as_of_text(board: Dashboard) -> str:
    return f"{board.as_of.strftime('%Y-%m-%d %H:%M')} UTC" if board.as_of else "no finished sync yet"


def view_text(board: Dashboard) -> str:
    """Where in the drill-down the view is: Company > Region FR > Team east > Rep u1."""
    view, path = board.view, ["Company"]
    if view.region and view.level in ("team", "rep"):
        path.append(f"Region {view.region}")
    if view.team and view.level == "rep":
        path.append(f"Team {view.team}")
    if view.level != "company":
        path.append(f"{view.level.capitalize()} {view.member}")
    return " > ".join(path)
