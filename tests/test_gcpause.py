"""The collector is paused during a pass and restored after it, even on an error; a pass
that leaves many objects alive has them frozen, a small one does not."""

from __future__ import annotations

import gc

import pytest

from ims_xl.gcpause import FREEZE_AFTER, gc_paused, without_gc


@pytest.fixture(autouse=True)
def _clean_collector():
    was = gc.isenabled()
    gc.enable()
    gc.unfreeze()
    yield
    gc.unfreeze()
    (gc.enable if was else gc.disable)()


def test_paused_inside_and_restored_after_an_error():
    with pytest.raises(ZeroDivisionError):
        with gc_paused():
            assert not gc.isenabled()
            1 / 0
    assert gc.isenabled()


def test_stays_off_when_it_was_off():
    gc.disable()
    with gc_paused():
        pass
    assert not gc.isenabled()


def test_a_big_pass_freezes_its_survivors_a_small_one_does_not():
    @without_gc
    def build(n):
        return [[i] for i in range(n)]

    gc.collect()
    small = build(100)
    assert gc.get_freeze_count() == 0
    big = build(FREEZE_AFTER * 2)
    assert gc.get_freeze_count() >= FREEZE_AFTER * 2
    assert len(small) == 100 and big[-1] == [FREEZE_AFTER * 2 - 1]
