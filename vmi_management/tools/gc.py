"""Pausing Python's cyclic garbage collector over a bulk phase."""

import contextlib
import gc


@contextlib.contextmanager
def paused_gc():
    """Pause the cyclic collector (not reference counting) in the block, and restart it
    after.

    A replenishment batch keeps tens of thousands of objects alive until it
    ends: every line's facts, decision and explanation, and the ORM cache.
    Each of them counts towards Python's next full collection, which walks
    every object of the process, the whole registry included, and frees
    none of them. On 10,000 lines that was six full collections and about a
    tenth of the evaluation. Reference counting still frees everything else
    at once; only garbage in reference cycles waits for the first
    collection after the block.

    Does nothing when the collector is already paused, by the caller or by
    another thread (it is one per process); usable as a decorator.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
