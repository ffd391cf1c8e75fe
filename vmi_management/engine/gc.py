"""Pausing Python's cyclic garbage collector over a bulk phase."""

import contextlib
import gc


@contextlib.contextmanager
def paused_gc():
    """Pause the cyclic collector (not reference counting) in the block, and restart it
    after.

    A plan builds about six objects per line (a decision, the steps of its
    explanation that it does not share with other lines, and their tuple) and keeps
    them all until it ends, as a replenishment batch keeps every line's facts and
    the ORM cache. Each of them counts towards Python's next full collection, which
    walks every object of the process and frees none of them: a quarter of the time
    of a 100,000-line plan, and six full collections per 10,000 lines of an
    evaluation batch. Reference counting still frees everything else at once; only
    garbage in reference cycles waits for the first collection after the block.

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
