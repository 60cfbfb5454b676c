"""Organisation extraction (机构名识别): company, government and organisation spans in Chinese
text, from a CRF tagger trained on CLUENER2020 (news sentences) and, for what it misses in
posts (新浪, 京东, a shop's @handle), a second CRF trained on Weibo posts; both ship with the
package."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pycrfsuite

from laborwatch.text.names import fold_traditional, is_described_not_named
from laborwatch.text.org_features import ORG_SUFFIXES, char_features, word_tag

ORG_KINDS = ("company", "government", "organization")
MODEL_FILE = Path(__file__).resolve().parent / "models" / "orgs.crfsuite"
SOCIAL_MODEL_FILE = Path(__file__).resolve().parent / "models" / "orgs_social.crfsuite"
# CLUENER sentences are at most 50 characters; citizen messages run to thousands. Tag them in
# pieces of a similar size, cut at sentence ends first and at commas when still too long.
_CHUNK = 80
_SENTENCE_END = re.compile(r"[。！？!?；;\n]+")
_CLAUSE_END = re.compile(r"[，,、 ]+")
# Links in posts (http://t.cn/zQnHBKD): letters the tagger would read as a name.
_URL = re.compile(r"(?:https?://|www\.)[!-~]*", re.IGNORECASE)
# Weibo's emoticon codes ([心], [good], [哈哈]) and emoji outside the basic plane.
_EMOTICON = re.compile(r"\[[^\[\]\s，。,]{1,6}\]|[\U00010000-\U0010ffff\ufffd]")


def _blank(match: re.Match[str]) -> str:
    return " " * len(match.group())


def tagging_text(text: str) -> str:
    """What the tagger reads of a text, offsets kept: traditional characters as simplified
    (posts from Hong Kong and Taiwan: 瀋陽皇朝萬鑫酒店), links, emoticon codes and emoji blanked.
    A post's @handles and #topics# stay (a shop's handle is often its name); the features mark
    them (`org_features`)."""
    return _EMOTICON.sub(_blank, _URL.sub(_blank, fold_traditional(text)))


# How sure the post tagger must be of a span (chosen on the Weibo dev split; on news sentences
# it keeps the spans it adds to the news tagger's to about one in 800 sentences).
SOCIAL_MIN_MARGINAL = 0.9
_SUFFIXES = sorted({suffix for kind in ORG_SUFFIXES.values() for suffix in kind}, key=len)[::-1]
# Parts of speech of common words in jieba's dictionary: nouns, verbs, adjectives, numbers …,
# not its proper names (nz 专名, nt 机构, ns 地名, nr 人名, j 简称).
_COMMON_TAGS = frozenset({"n", "v", "vn", "a", "an", "ad", "d", "m", "q", "r", "t", "f", "s"})


def is_common_word(span: str) -> bool:
    """Whether a span the post tagger found is a common word (with an organisation ending or
    not): 商业银行, 加工厂, 中国区 — a kind of organisation, no name."""
    core = span
    for suffix in _SUFFIXES:
        if core.endswith(suffix) and len(core) > len(suffix):
            core = core[: -len(suffix)]
            break
    return word_tag(core) in _COMMON_TAGS or is_described_not_named(span)


@dataclass(frozen=True)
class Span:
    start: int
    end: int  # exclusive, as in a Python slice
    text: str
    kind: str

    def as_dict(self) -> dict[str, int | str]:
        return {"start": self.start, "end": self.end, "text": self.text, "kind": self.kind}


def spans_from_tags(text: str, tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """BIO tags → (start, end-exclusive, label); an I- without its B- opens a span too."""
    spans: list[tuple[int, int, str]] = []
    start, label = -1, ""
    for index, tag in enumerate([*tags, "O"]):
        continues = tag.startswith("I-") and tag[2:] == label and start >= 0
        if continues:
            continue
        if start >= 0:
            spans.append((start, index, label))
            start, label = -1, ""
        if tag.startswith(("B-", "I-")):
            start, label = index, tag[2:]
    return spans


def chunk_offsets(text: str, size: int = _CHUNK) -> list[tuple[int, int]]:
    """Cut `text` into (start, end) pieces of at most about `size` characters."""
    pieces: list[tuple[int, int]] = []
    for start, end in _split(text, 0, len(text), _SENTENCE_END):
        if end - start <= size:
            pieces.append((start, end))
            continue
        for clause_start, clause_end in _pack(_split(text, start, end, _CLAUSE_END), size):
            # A clause longer than `size` with no comma: hard cut, rare in real messages.
            for cut in range(clause_start, clause_end, size):
                pieces.append((cut, min(cut + size, clause_end)))
    return [(start, end) for start, end in pieces if text[start:end].strip()]


def _split(text: str, start: int, end: int, pattern: re.Pattern[str]) -> list[tuple[int, int]]:
    parts, position = [], start
    for match in pattern.finditer(text, start, end):
        parts.append((position, match.end()))
        position = match.end()
    if position < end:
        parts.append((position, end))
    return parts


def _pack(parts: Iterable[tuple[int, int]], size: int) -> list[tuple[int, int]]:
    packed: list[tuple[int, int]] = []
    for start, end in parts:
        if packed and end - packed[-1][0] <= size:
            packed[-1] = (packed[-1][0], end)
        else:
            packed.append((start, end))
    return packed


def _open_model(model_path: Path, command: str) -> pycrfsuite.Tagger:
    if not model_path.exists():
        raise FileNotFoundError(
            f"organisation model missing: {model_path} (train it with `laborwatch text {command}`)"
        )
    tagger = pycrfsuite.Tagger()
    tagger.open(str(model_path))
    return tagger


class OrgTagger:
    """A trained CRF tagger; `extract` returns organisation spans of `kinds`. With a social
    model, the spans it finds where the first finds none are added (posts: 新浪, 京东, a shop
    after @)."""

    def __init__(
        self,
        model_path: Path = MODEL_FILE,
        kinds: Sequence[str] = ORG_KINDS,
        *,
        social_model_path: Path | None = None,
    ):
        self._tagger = _open_model(model_path, "train-orgs")
        self._social = (
            _open_model(social_model_path, "train-social-orgs") if social_model_path else None
        )
        self.kinds = frozenset(kinds)
        # The features read jieba's dictionary and its parts of speech: loaded with the model,
        # so that forked workers share them rather than each load them again (seconds apiece).
        char_features("")

    def tag(self, text: str) -> list[str]:
        if not text:
            return []
        return list(self._tagger.tag(char_features(text)))

    def extract(self, text: str) -> list[Span]:
        read = tagging_text(text)
        spans: list[Span] = []
        for start, end in chunk_offsets(read):
            piece = read[start:end]
            # Converted for crfsuite once, read by both taggers.
            features = pycrfsuite.ItemSequence(char_features(piece))
            found = self._spans(text, piece, start, self._tagger.tag(features))
            if self._social is not None:
                found += [
                    span
                    for span in self._social_spans(text, piece, start, features)
                    if not any(span.start < other.end and other.start < span.end for other in found)
                ]
            spans.extend(sorted(found, key=lambda span: span.start))
        return spans

    def _social_spans(
        self, text: str, piece: str, start: int, features: pycrfsuite.ItemSequence
    ) -> list[Span]:
        """The post tagger's spans that it is sure of (every character's tag at marginal
        probability SOCIAL_MIN_MARGINAL or more) and that are no common word."""
        assert self._social is not None
        self._social.set(features)
        tags = self._social.tag()
        return [
            span
            for span in self._spans(text, piece, start, tags)
            if not is_common_word(span.text)
            and min(
                self._social.marginal(tags[index], index)
                for index in range(span.start - start, span.end - start)
            )
            >= SOCIAL_MIN_MARGINAL
        ]

    def _spans(self, text: str, piece: str, start: int, tags: Sequence[str]) -> list[Span]:
        spans: list[Span] = []
        if not piece:
            return spans
        for span_start, span_end, label in spans_from_tags(piece, tags):
            if label not in self.kinds:
                continue
            span_text = piece[span_start:span_end]
            # Trim whitespace the tagger swallowed at the edges of a chunk.
            left = len(span_text) - len(span_text.lstrip())
            right = len(span_text.rstrip())
            if right <= left:
                continue
            if label == "company" and is_described_not_named(span_text[left:right]):
                continue
            first, last = start + span_start + left, start + span_start + right
            spans.append(Span(start=first, end=last, text=text[first:last], kind=label))
        return spans


@cache
def post_tagger() -> OrgTagger:
    """The news tagger with the post tagger beside it: for posts (the opinion intake)."""
    return OrgTagger(social_model_path=SOCIAL_MODEL_FILE)


@cache
def news_tagger() -> OrgTagger:
    """The news tagger alone: for work orders and citizens' messages. The post tagger was
    trained and cut on Weibo posts; on 2,000 work-order descriptions (synthetic) it added 9
    spans, 5 of them wrong or cut short (建东 from 建东公馆, 发建汽车 for 发建汽车运输有限公司),
    for 40% more tagging time; on the 100 curated messages it added none."""
    return OrgTagger()


def extract_orgs(text: str) -> list[Span]:
    """Organisation spans (company / government / organization) in a work order or a
    citizen's message: the news tagger's."""
    return news_tagger().extract(text)


def extract_post_orgs(text: str) -> list[Span]:
    """Organisation spans in a post (微博, 抖音 …): the news tagger's and, where it reads none,
    the post tagger's (新浪, 京东, a shop after @)."""
    return post_tagger().extract(text)
