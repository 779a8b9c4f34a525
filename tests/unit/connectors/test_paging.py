"""``connectors.http.paging``: pages are followed to the end, and a repeated token is an error, never a loop."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from connectors.http.paging import JsonPathToken, MoreResultToken, RepeatedPageToken, walk

AFTER = JsonPathToken(("paging", "next", "after"))


def _hubspot(tokens: Mapping[str | None, str | None]) -> dict[str | None, dict[str, object]]:
    return {k: {"results": [k], "paging": {"next": {"after": v}} if v else {}} for k, v in tokens.items()}


def test_walk_follows_every_page_and_reports_the_next_token() -> None:
    pages = _hubspot({None: "a", "a": "b", "b": None})
    got = list(walk(pages.__getitem__, AFTER, connection="hs", object="contacts"))
    assert [(b["results"], t) for b, t in got] == [([None], "a"), (["a"], "b"), (["b"], None)]


def test_walk_resumes_from_a_saved_token() -> None:
    pages = _hubspot({None: "a", "a": "b", "b": None})
    assert [b["results"] for b, _ in walk(pages.__getitem__, AFTER, start="a", connection="hs", object="x")] == [
        ["a"], ["b"]]


def test_a_repeated_token_is_an_error_naming_connection_object_and_token() -> None:
    pages = _hubspot({None: "a", "a": "b", "b": "a"})
    read = walk(pages.__getitem__, AFTER, connection="hs_prod", object="contacts")
    with pytest.raises(RepeatedPageToken) as err:
        list(read)
    assert (err.value.connection, err.value.object) == ("hs_prod", "contacts")
    assert "repeated a page token" in str(err.value) and ": a" in str(err.value)


def test_a_token_pointing_back_at_the_start_is_a_loop_too() -> None:
    pages = _hubspot({"s": "s"})
    with pytest.raises(RepeatedPageToken):
        list(walk(pages.__getitem__, AFTER, start="s", connection="c", object="o"))


def test_marketo_tokens_count_only_while_more_results_are_promised() -> None:
    assert MoreResultToken().next_token({"nextPageToken": "T", "moreResult": False}) is None
    assert MoreResultToken().next_token({"nextPageToken": "T", "moreResult": True}) == "T"
    assert AFTER.next_token({"paging": None}) is None
