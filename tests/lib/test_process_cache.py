"""lib.process_cache: values kept for a bounded time, one way to forget, one load at a time."""

from __future__ import annotations

import threading

import pytest
from django.db import transaction

from laborwatch.lib import process_cache
from laborwatch.lib.process_cache import ProcessCache, forget_all


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setattr(process_cache, "monotonic", fake)
    return fake


def counting_load(value: str, calls: list[str]):
    def load() -> str:
        calls.append(value)
        return value

    return load


def test_a_value_is_read_again_once_its_time_is_up(clock):
    cache: ProcessCache[str, str] = ProcessCache("test", seconds=30)
    calls: list[str] = []
    assert cache.get("k", counting_load("first", calls)) == "first"
    clock.now += 29.9
    assert cache.get("k", counting_load("second", calls)) == "first"
    clock.now += 0.1
    assert cache.get("k", counting_load("third", calls)) == "third"
    assert calls == ["first", "third"]


def test_none_is_not_kept_and_keys_are_apart(clock):
    cache: ProcessCache[str, str | None] = ProcessCache("test", seconds=30)
    assert cache.get("unknown", lambda: None) is None
    assert cache.get("unknown", lambda: "issued since") == "issued since"
    assert cache.get("other", lambda: "other value") == "other value"
    assert cache.get("unknown", lambda: "never read") == "issued since"


def test_forget_drops_every_value_at_once(clock):
    cache: ProcessCache[str, str] = ProcessCache("test", seconds=30)
    cache.get("a", lambda: "old a")
    cache.get("b", lambda: "old b")
    cache.forget()
    assert (cache.get("a", lambda: "new a"), cache.get("b", lambda: "new b")) == ("new a", "new b")


def test_a_read_begun_before_a_forget_is_not_kept(clock):
    cache: ProcessCache[str, str] = ProcessCache("test", seconds=30)

    def load_while_changed() -> str:
        cache.forget()  # the change lands while the rows are being read
        return "rows before the change"

    assert cache.get("k", load_while_changed) == "rows before the change"
    assert cache.get("k", lambda: "rows after the change") == "rows after the change"


def test_forget_in_a_transaction_forgets_again_when_it_commits(transactional_db, clock):
    cache: ProcessCache[str, str] = ProcessCache("test", seconds=30)
    with transaction.atomic():
        cache.forget()
        # Another thread reads the rows before the change commits, and keeps them.
        cache.get("k", lambda: "rows before the commit")
        assert cache.get("k", lambda: "not read") == "rows before the commit"
    assert cache.get("k", lambda: "rows after the commit") == "rows after the commit"


def test_threads_wanting_the_same_value_load_it_once(clock):
    cache: ProcessCache[str, str] = ProcessCache("test", seconds=30)
    started, release = threading.Event(), threading.Event()
    calls: list[str] = []

    def slow_load() -> str:
        calls.append("built")
        started.set()
        release.wait(5)
        return "index"

    results: list[str] = []
    first = threading.Thread(target=lambda: results.append(cache.get(None, slow_load)))
    first.start()
    started.wait(5)
    second = threading.Thread(target=lambda: results.append(cache.get(None, slow_load)))
    second.start()
    release.set()
    first.join(5)
    second.join(5)
    assert results == ["index", "index"]
    assert calls == ["built"]


def test_forget_all_forgets_every_cache(clock):
    one: ProcessCache[str, str] = ProcessCache("one", seconds=30)
    two: ProcessCache[str, str] = ProcessCache("two", seconds=30)
    one.get("k", lambda: "old")
    two.get("k", lambda: "old")
    forget_all()
    assert (one.get("k", lambda: "new"), two.get("k", lambda: "new")) == ("new", "new")
