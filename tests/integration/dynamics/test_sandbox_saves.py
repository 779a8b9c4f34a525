"""``/_admin/saves`` counts: a Dataverse change set rolled back takes its saves with it."""

from __future__ import annotations

import pytest

from sandbox.dynamics.store import Store


def test_a_rolled_back_change_set_does_not_count_its_saves() -> None:
    store = Store(seed=1)
    store.count_save("contact", "a")
    with pytest.raises(RuntimeError), store.transaction():
        store.count_save("contact", "a")
        store.count_save("contact", "b")
        raise RuntimeError("a later part of the change set failed")
    with store.transaction():
        store.count_save("contact", "b")
    assert store.saves == {("contact", "a"): 1, ("contact", "b"): 1}
