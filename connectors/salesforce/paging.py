"""How Salesforce says where the next page is, as ``connectors.http.paging`` strategies (``walk`` drives them)."""

from __future__ import annotations

from dataclasses import dataclass

from connectors.http.paging import Body


@dataclass(frozen=True, slots=True)
class NextRecordsUrl:
    """REST query results: ``nextRecordsUrl`` counts only while ``done`` is false (its absence means done too)."""

    def next_token(self, body: Body) -> str | None:
        url = body.get("nextRecordsUrl")
        return None if body.get("done", True) or not url else str(url)


@dataclass(frozen=True, slots=True)
class ResultsLocator:
    """Bulk 2.0 query results: the ``Sforce-Locator`` header, kept as the page's ``locator``; "null" after the last."""

    def next_token(self, body: Body) -> str | None:
        locator = body.get("locator")
        return None if locator in (None, "", "null") else str(locator)


NEXT_RECORDS = NextRecordsUrl()
RESULTS_LOCATOR = ResultsLocator()
