"""Pausing Python's cyclic garbage collector around the big pure-Python passes.

Evaluating or matching 100,000 BoEs builds hundreds of thousands of small objects that all
live to the end of the pass. The collector would rescan them again and again (about half
the run time) and find nothing: none of them form reference cycles. So the pass runs with
the collector paused and restores it afterwards, even on an exception.

When a pass leaves many objects alive (its results), they are then frozen (``gc.freeze``):
turned back on, the collector would otherwise scan all of them at once, and again when they
age (about 0.4 s of the 2.2 s that match and evaluate take at 100,000 BoEs). Frozen objects
are still freed as usual when nothing refers to them; only a reference cycle among them
would be kept until the process ends, and the results have none.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import TypeVar

__all__ = ["gc_paused", "without_gc", "FREEZE_AFTER"]

F = TypeVar("F", bound=Callable)

# Objects allocated during a pass (net of those freed) above which its survivors are frozen:
# a small pass (one worksheet function on a few rows) leaves the collector as it was.
FREEZE_AFTER = 50_000


@contextmanager
def gc_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if gc.get_count()[0] > FREEZE_AFTER:
                gc.freeze()
            gc.enable()


def without_gc(fn: F) -> F:
    """Run ``fn`` with the collector paused."""
    @wraps(fn)
    def wrapper(*args, **kwargs):
        with gc_paused():
            return fn(*args, **kwargs)
    return wrapper  # type: ignore[return-value]
