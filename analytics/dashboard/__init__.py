"""The sales dashboard (issue 19, FR-001): headline tiles with a trend each, drill-down company -> region -> team ->
rep -> the rep's deals, and the data's "as of", all for one user's scope through the KPI engine's one ``as_user``
path. The web pages and the API call ``dashboard.build``; they hold no logic of their own."""

from analytics.dashboard.service import Dashboard, build
from analytics.dashboard.sources import DashboardSources
from analytics.dashboard.view import LEVELS, TILES, ViewState, parse_view

__all__ = ["LEVELS", "TILES", "Dashboard", "DashboardSources", "ViewState", "build", "parse_view"]
