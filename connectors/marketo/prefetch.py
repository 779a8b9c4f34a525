"""Paging several token chains side by side: one thread per chain reads its pages ahead into a small queue, the
caller takes pages in arrival order. A chain's pages keep their order; an error in any chain surfaces in the caller.
How a chain pages is the caller's (``connectors.http.paging.walk``); this module only runs the chains at once."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator, Mapping
from typing import Any

Page = tuple[list[dict[str, Any]], str]  # (items, token after them)
AHEAD = 2  # pages a chain may hold unconsumed: memory stays bounded whatever the volume


Yielded = tuple[str, list[dict[str, Any]], str]  # (chain, items, token after them)


def prefetch(starts: Mapping[str, str], pages: Callable[[str, str], Iterator[Page]]) -> Iterator[Yielded]:
    """Pages of every chain until none has more; ``starts`` maps a chain to its first token, ``pages`` reads a
    chain from a token."""
    out: queue.Queue[tuple[str, Page | BaseException | None]] = queue.Queue(maxsize=AHEAD * max(1, len(starts)))
    stop = threading.Event()

    def put(item: tuple[str, Page | BaseException | None]) -> bool:
        while not stop.is_set():
            try:
                out.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def run(chain: str, token: str) -> None:
        try:
            for page in pages(chain, token):
                if not put((chain, page)):
                    break
        except BaseException as exc:  # handed to the caller, who raises it
            put((chain, exc))
            return
        put((chain, None))

    threads = [threading.Thread(target=run, args=item, daemon=True, name=f"marketo-{item[0]}")
               for item in starts.items()]
    for t in threads:
        t.start()
    open_chains = len(threads)
    try:
        while open_chains:
            chain, item = out.get()
            if item is None:
                open_chains -= 1
            elif isinstance(item, BaseException):
                raise item
            else:
                yield chain, item[0], item[1]
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=5)
