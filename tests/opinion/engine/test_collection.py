"""The cycle collector paused for a bulk step, and put back as it was."""

from __future__ import annotations

import gc

import pytest

from laborwatch.opinion.engine.collection import collection_paused


def test_the_collector_is_paused_inside_and_on_again_after_even_on_an_error():
    assert gc.isenabled()
    with pytest.raises(ValueError), collection_paused():
        assert not gc.isenabled()
        raise ValueError("a step that fails")
    assert gc.isenabled()


def test_a_collector_already_off_stays_off():
    gc.disable()
    try:
        with collection_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()
