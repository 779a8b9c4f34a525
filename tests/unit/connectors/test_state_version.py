"""The shared rules of versioned cursor state: an unknown version or key names the stream, never resets it."""

from __future__ import annotations

import pytest

from connectors.state import CursorStateError, check_keys, state_version


def test_an_unversioned_state_is_version_0_and_a_known_one_reads() -> None:
    assert state_version({"hi": "2026-01-01T00:00:00Z"}, supported=1, connection="c", object="o") == 0
    assert state_version({"v": 1}, supported=1, connection="c", object="o") == 1


@pytest.mark.parametrize("version", [2, -1, "1", True, None])
def test_an_unknown_version_is_an_error_naming_connection_and_object(version: object) -> None:
    with pytest.raises(CursorStateError) as err:
        state_version({"v": version}, supported=1, connection="hubspot_main", object="contacts")
    text = str(err.value)
    assert "hubspot_main" in text and "contacts" in text and "crmhub state reset hubspot_main contacts" in text


def test_a_key_the_state_does_not_read_is_an_error_not_a_reset() -> None:
    check_keys({"v": 1, "hi": "x"}, ("hi", "lo"), connection="sf", object="Account")
    with pytest.raises(CursorStateError) as err:
        check_keys({"v": 1, "high": "x"}, ("hi", "lo"), connection="sf", object="Account")
    assert "'high'" in str(err.value) and "sf" in str(err.value) and "Account" in str(err.value)
