"""Read ahead: pull a connector's change batches on a worker thread while the caller lands the previous ones.

Reading waits on the CRM's socket and landing on the database's; both release the GIL, so overlapping them is
nearly free throughput. The buffer is bounded by records (not batches: a Dataverse page holds 5,000, a HubSpot page
100), so memory stays flat whatever the volume. Order is kept, and an exception of the reader is raised to the
caller after every batch read before it, exactly where the plain loop would have raised it: the cursor invariants
of ``sync.stream`` hold unchanged.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

T = TypeVar("T")


class _End:
    """The reader's last word: exhausted (``error`` None) or failed."""

    __slots__ = ("error",)

    def __init__(self, error: BaseException | None) -> None:
        self.error = error


class _Buffer(Generic[T]):
    def __init__(self, limit: int, weight: Callable[[T], int]) -> None:
        self.limit, self.weight = limit, weight
        self.items: deque[tuple[T | _End, int]] = deque()
        self.held = 0
        self.stopped = False
        self.cond = threading.Condition()

    def put(self, item: T | _End) -> bool:
        """Wait for room (one item always fits an empty buffer); False when the consumer has gone."""
        w = 0 if isinstance(item, _End) else max(1, self.weight(item))
        with self.cond:
            while self.items and self.held + w > self.limit and not self.stopped:
                self.cond.wait()
            if self.stopped:
                return False
            self.items.append((item, w))
            self.held += w
            self.cond.notify_all()
            return True

    def get(self) -> T | _End:
        with self.cond:
            while not self.items:
                self.cond.wait()
            item, w = self.items.popleft()
            self.held -= w
            self.cond.notify_all()
            return item

    def stop(self) -> None:
        with self.cond:
            self.stopped = True
            self.cond.notify_all()


def prefetched(source: Iterator[T], *, limit: int, weight: Callable[[T], int],
               name: str = "crmhub-prefetch") -> Iterator[T]:
    """Yield ``source``'s items in order, read ahead on a thread up to ``limit`` (by ``weight``) items' worth.

    Leaving the loop early (an exception while landing, a break) stops the reader after its current item and
    closes ``source`` on the reader's own thread; this generator returns only once the reader has finished, so
    nothing touches the connector after the run."""
    buffer: _Buffer[T] = _Buffer(limit, weight)

    def read() -> None:
        try:
            for item in source:
                if not buffer.put(item):
                    return
            buffer.put(_End(None))
        except BaseException as exc:  # handed to the consumer, raised there in order
            buffer.put(_End(exc))
        finally:
            close = getattr(source, "close", None)
            if close is not None:
                close()

    thread = threading.Thread(target=read, name=name, daemon=True)
    thread.start()
    try:
        while True:
            item = buffer.get()
            if isinstance(item, _End):
                if item.error is not None:
                    raise item.error
                return
            yield item
    finally:
        buffer.stop()
        thread.join()
