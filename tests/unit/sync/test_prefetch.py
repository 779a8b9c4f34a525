"""sync.prefetch: read-ahead keeps order, raises the reader's error after what was read before it, stays bounded,
and stops and closes the reader when the consumer leaves early."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from sync.prefetch import prefetched


class Boom(Exception):
    pass


def test_items_come_in_order() -> None:
    assert list(prefetched(iter(range(500)), limit=7, weight=lambda _: 1)) == list(range(500))


def test_reader_error_comes_after_the_items_read_before_it() -> None:
    def source() -> Iterator[int]:
        yield from range(5)
        raise Boom("page 6 failed")

    seen: list[int] = []
    with pytest.raises(Boom, match="page 6 failed"):
        for item in prefetched(source(), limit=2, weight=lambda _: 1):
            seen.append(item)
    assert seen == [0, 1, 2, 3, 4]


def test_read_ahead_is_bounded_by_weight() -> None:
    consumed = 0
    leads: list[int] = []
    lock = threading.Lock()

    def source() -> Iterator[int]:
        for i in range(300):
            with lock:
                leads.append(i - consumed)  # items produced but not yet taken, when this one is produced
            yield i

    for _ in prefetched(source(), limit=30, weight=lambda _: 10):
        with lock:
            consumed += 1
    # 30 by weight = 3 items buffered, one more held by the reader while it waits for room, one being handed over
    assert max(leads) <= 5


def test_an_item_heavier_than_the_limit_still_passes() -> None:
    assert list(prefetched(iter([5, 1000, 5]), limit=10, weight=lambda n: n)) == [5, 1000, 5]


def test_leaving_early_stops_and_closes_the_reader() -> None:
    closed = threading.Event()
    produced: list[int] = []

    def source() -> Iterator[int]:
        try:
            for i in range(10_000):
                produced.append(i)
                yield i
        finally:
            closed.set()

    with pytest.raises(Boom):
        for item in prefetched(source(), limit=4, weight=lambda _: 1):
            if item == 3:
                raise Boom("landing failed")
    assert closed.is_set()  # the generator has returned only after the reader finished
    assert len(produced) < 20
