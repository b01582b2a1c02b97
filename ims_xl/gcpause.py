"""Pausing Python's cyclic garbage collector around the big pure-Python passes.

Evaluating or matching 100,000 BoEs builds hundreds of thousands of small objects that all
live to the end of the pass. The collector would rescan them again and again (about half
the run time) and find nothing: none of them form reference cycles. So the pass runs with
the collector paused and restores it afterwards, even on an exception.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import TypeVar

__all__ = ["gc_paused", "without_gc"]

F = TypeVar("F", bound=Callable)


@contextmanager
def gc_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def without_gc(fn: F) -> F:
    """Run ``fn`` with the collector paused."""
    @wraps(fn)
    def wrapper(*args, **kwargs):
        with gc_paused():
            return fn(*args, **kwargs)
    return wrapper  # type: ignore[return-value]
