"""The text engine's one jieba word segmenter, set up once per process for every user."""

from __future__ import annotations

import logging
from functools import cache

import jieba


@cache
def tokenizer() -> jieba.Tokenizer:
    """jieba's own dictionary, loaded now rather than on the first text, with its start-up
    chatter kept out of the log. Shared: read it, never add words to it."""
    jieba.setLogLevel(logging.WARNING)
    segmenter = jieba.Tokenizer()
    segmenter.initialize()
    return segmenter
