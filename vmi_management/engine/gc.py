"""Holding Python's cyclic garbage collector to young objects over a bulk phase."""

import contextlib
import gc

# The older generations' thresholds in the block: more collections of the youngest
# than a block makes, so that neither older generation is collected in it
_HELD = 2**30


@contextlib.contextmanager
def young_gc_only():
    """Collect only the youngest generation in the block, and restore the collector's
    thresholds after.

    A plan builds about six objects per line (a decision, the steps of its
    explanation that it does not share with other lines, and their tuple) and
    keeps them all until it ends, as a replenishment batch keeps every line's
    facts and the ORM cache. With the default thresholds, each of them counts
    towards a collection of the older generations, which walks every object
    of the process and frees none of them: a quarter of the time of a
    100,000-line plan, and six full collections per 10,000 lines of an
    evaluation batch. Pausing the collector instead leaves all of them to one
    collection at the end, which walks them long after they left the
    processor's cache (a quarter of a second per 100,000 lines). Collections
    of the youngest generation go on in the block, every few hundred new
    objects as usual, on objects still in the cache (a tenth of a second per
    100,000 lines), and free the garbage of reference cycles as soon as
    usual; garbage in cycles that outlives one waits for the first
    collection of the older generations after the block.

    Does nothing when the collector is paused (``gc.disable()``) or already
    held by another block, in this thread or another (it is one per
    process); usable as a decorator.
    """
    thresholds = gc.get_threshold()
    if not gc.isenabled() or thresholds[1] == _HELD:
        yield
        return
    gc.set_threshold(thresholds[0], _HELD, _HELD)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
