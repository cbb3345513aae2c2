"""Pausing Python's cyclic garbage collector around bulk work.

Loading and matching build millions of small objects that all survive; with a
100k-contact book every collection walks them again, and left on the collector
alone more than doubles the time spent. None of these objects form cycles.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused(*, keep: bool = False) -> Iterator[None]:
    """Disable the cyclic collector inside the block; restore its state after.

    `keep`: what the block built lives for the rest of the process (a loaded book), so
    it is frozen (`gc.freeze`) before the collector comes back: the collector counts the
    objects made while it was off, and its first collection would walk every one of
    them (0.7 s after loading a 100k-contact book). Only a successful block freezes.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
        if keep and was_enabled:
            gc.freeze()
    finally:
        if was_enabled:
            gc.enable()
