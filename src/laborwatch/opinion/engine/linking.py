"""Which enterprise a post names: the posts worth linking (PostAnalysis.worth_linking) are read
by the one linker (text.link), each distinct text once, and linked when the linker's best
candidate is sure enough; otherwise its weaker candidates are kept for the clustering (a
retelling naming 佳通 joins the incident of 青岛佳通轮胎有限公司) and for the centre to confirm.

The evaluation (evaluate.run_engine) and the app's intake both link through `link_posts`, so
what the evaluation measures is what the app does.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

from laborwatch.opinion.engine.analyse import PostAnalysis
from laborwatch.opinion.engine.forked import can_fork, forked_map
from laborwatch.opinion.engine.records import PostIn, reposted_text
from laborwatch.text.link import Candidate, best_per_enterprise
from laborwatch.text.names import LEGAL_FORMS

# The linker's best candidate links a post only from this confidence: full and former names,
# short names of four characters or more (0.75); not two- or three-character short names
# nor near misses.
LINK_CONFIDENCE = 0.7
# Below it, the likeliest candidates are passed on (ClusterPost.enterprise_candidates).
MAX_CANDIDATES = 5
# Fewer distinct texts than this are linked in this process whatever `workers` says.
PARALLEL_MIN_TEXTS = 5_000
# A registered full name said in a text is at most this long, and at least this.
MAX_FULL_NAME_CHARS = 40
MIN_FULL_NAME_CHARS = 4
_LEGAL_FORM = re.compile("|".join(map(re.escape, LEGAL_FORMS)))
_NAME_CHARACTER = re.compile(r"[\w()（）]")


@dataclass(frozen=True)
class PostLink:
    linked: Candidate | None  # the enterprise the post names, when sure enough
    candidates: tuple[Candidate, ...]  # else the weaker ones, likeliest first


def link_text(post: PostIn) -> str:
    """What the linker reads of a post: its title and text (a repost with a short comment as
    what it reposts)."""
    return f"{post.title}\n{reposted_text(post.text)}"


def link_posts(
    posts: Sequence[PostIn],
    analyses: Sequence[PostAnalysis],
    link: Callable[[str], Sequence[Candidate]],
    *,
    workers: int = 1,
) -> dict[str, PostLink]:
    """Post key → its link, for the posts worth linking; `link` is the linker's search.
    `workers` > 1 shares the distinct texts among that many forked processes (engine.forked;
    a small batch, or a platform without fork, is linked here)."""
    texts = [
        (post.key, link_text(post))
        for post, analysis in zip(posts, analyses, strict=True)
        if analysis.worth_linking
    ]
    distinct = list(dict.fromkeys(text for _, text in texts))
    if workers > 1 and len(distinct) >= PARALLEL_MIN_TEXTS and can_fork():
        decided = forked_map(partial(_decide_each, link), distinct, workers)
    else:
        decided = _decide_each(link, distinct)
    by_text = dict(zip(distinct, decided, strict=True))
    return {key: by_text[text] for key, text in texts}


def _decide_each(
    link: Callable[[str], Sequence[Candidate]], texts: Sequence[str]
) -> list[PostLink]:
    return [decide(link(text)) for text in texts]


def decide(candidates: Sequence[Candidate]) -> PostLink:
    """The best of one enterprise's candidates each, linked from LINK_CONFIDENCE."""
    ranked = best_per_enterprise(candidates, limit=MAX_CANDIDATES)
    if ranked and ranked[0].confidence >= LINK_CONFIDENCE:
        return PostLink(ranked[0], ())
    return PostLink(None, tuple(ranked))


def full_names_told(text: str) -> list[tuple[str, ...]]:
    """Where a registered full name may be said (without the linking index): at each legal
    form (有限公司, 厂, 店 … of text.names) the strings of name characters ending there, longest
    first, from MIN_FULL_NAME_CHARS to MAX_FULL_NAME_CHARS; in order of the text."""
    told: list[tuple[str, ...]] = []
    for form in _LEGAL_FORM.finditer(text):
        end = form.end()
        start = end
        while start > max(0, end - MAX_FULL_NAME_CHARS) and _NAME_CHARACTER.match(text, start - 1):
            start -= 1
        endings = tuple(text[at:end] for at in range(start, end - MIN_FULL_NAME_CHARS + 1))
        if endings:
            told.append(endings)
    return told
