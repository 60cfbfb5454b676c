"""Character features for the organisation tagger: a window of characters, jieba word shape
and the part of speech its dictionary gives the word (nt 机构, nz 专名, j 简称), how far the
nearest organisation suffix (公司, 局, 协会 …) lies ahead, and where a post's @handle or
#topic# begins and ends."""

from __future__ import annotations

import re
from functools import cache

from laborwatch.text.tokenize import tokenizer

# Suffixes that close an organisation name, by the kind they usually close. The tagger learns
# how much to trust each; listing them lets it see a suffix several characters ahead.
ORG_SUFFIXES: dict[str, tuple[str, ...]] = {
    "company": (
        "有限责任公司",
        "股份有限公司",
        "有限公司",
        "公司",
        "集团",
        "银行",
        "分行",
        "支行",
        "证券",
        "保险",
        "地产",
        "置业",
        "传媒",
        "科技",
        "电子",
        "汽车",
        "航空",
        "商场",
        "超市",
        "酒店",
        "工厂",
        "厂",
        "店",
        "门店",
        "影业",
        "娱乐",
        "控股",
        "能源",
    ),
    "government": (
        "人民政府",
        "政府",
        "委员会",
        "常委会",
        "人大",
        "政协",
        "法院",
        "中院",
        "检察院",
        "公安局",
        "派出所",
        "局",
        "厅",
        "部",
        "署",
        "办公室",
        "办",
        "使馆",
        "领事馆",
        "海军",
        "空军",
        "陆军",
        "军区",
        "监察",
        "税务",
        "街道",
        "管委会",
    ),
    "organization": (
        "大学",
        "学院",
        "中学",
        "小学",
        "学校",
        "医院",
        "研究所",
        "研究院",
        "研究中心",
        "中心",
        "协会",
        "学会",
        "联合会",
        "基金会",
        "俱乐部",
        "队",
        "联盟",
        "工会",
        "组织",
        "党",
        "社",
        "报社",
        "电视台",
        "电台",
        "出版社",
        "博物馆",
        "图书馆",
    ),
}
_LOOKAHEAD = 12
_BREAK = re.compile(r"[，。！？；：、,.!?;:\s（）()《》“”\"']")


def _char_class(char: str) -> str:
    if "\u4e00" <= char <= "\u9fff":
        return "han"
    if char.isdigit():
        return "digit"
    if char.isascii() and char.isalpha():
        return "upper" if char.isupper() else "latin"
    if char.isspace():
        return "space"
    return "punct"


def _suffix_marks(text: str) -> list[list[str]]:
    """For each position, the kinds of suffix that end within the look-ahead before a break."""
    ends: list[list[tuple[int, str, int]]] = [[] for _ in text]
    for kind, suffixes in ORG_SUFFIXES.items():
        for suffix in suffixes:
            start = text.find(suffix)
            while start != -1:
                ends[start].append((start + len(suffix), kind, len(suffix)))
                start = text.find(suffix, start + 1)
    marks: list[list[str]] = [[] for _ in text]
    for start, found in enumerate(ends):
        for end, kind, length in found:
            marks[end - 1].append(f"sfx_end={kind}")
            marks[start].append(f"sfx_start={kind}:{length}")
            # Positions before the suffix, up to the look-ahead or a punctuation break.
            position = start - 1
            while position >= 0 and start - position <= _LOOKAHEAD:
                if _BREAK.match(text[position]):
                    break
                distance = start - position
                bucket = distance if distance <= 4 else (8 if distance <= 8 else 12)
                marks[position].append(f"sfx_ahead={kind}:{bucket}")
                position -= 1
    return marks


# A Weibo-style @handle runs to a colon, a space, punctuation or the next @; a #topic# to its
# closing #.
_HANDLE = re.compile(r"@[^\s@:：,，。!！?？;；、/()（）\[\]【】《》“”\"'#]{1,30}")
_TOPIC = re.compile(r"#[^#\n]{1,40}#")


@cache
def _word_tags() -> dict[str, str]:
    """jieba's dictionary: word → part of speech (nt 机构团体, nz 其他专名, nr 人名, ns 地名,
    j 简称 …), read once from the dictionary the segmenter ships."""
    import jieba.posseg

    return dict(jieba.posseg.dt.word_tag_tab)


def word_tag(word: str) -> str | None:
    """jieba's part of speech of a dictionary word, None if it is not in the dictionary."""
    return _word_tags().get(word)


def _social_marks(text: str) -> list[list[str]]:
    """Per position: inside an @handle or a #topic#, and at which end (B/I/E)."""
    marks: list[list[str]] = [[] for _ in text]
    for pattern, name in ((_HANDLE, "handle"), (_TOPIC, "topic")):
        for match in pattern.finditer(text):
            first, last = match.start() + 1, match.end() - (name == "topic") - 1
            for position in range(first, last + 1):
                where = "B" if position == first else ("E" if position == last else "I")
                marks[position].append(f"{name}={where}")
    return marks


def _word_shape(text: str) -> list[tuple[str, str, int]]:
    """(B/M/E/S position in jieba's word, the word, word length) per character."""
    shape: list[tuple[str, str, int]] = [("S", char, 1) for char in text]
    for word, start, end in tokenizer().tokenize(text, HMM=True):
        length = end - start
        if length == 1:
            continue
        for offset in range(length):
            tag = "B" if offset == 0 else ("E" if offset == length - 1 else "M")
            shape[start + offset] = (tag, word, length)
    return shape


def char_features(text: str) -> list[list[str]]:
    """One feature list per character of `text`."""
    padded = ["<s2>", "<s1>", *text, "</s1>", "</s2>"]
    shape = _word_shape(text)
    suffix_marks = _suffix_marks(text)
    social_marks = _social_marks(text)
    word_tags = _word_tags()
    features: list[list[str]] = []
    for index, char in enumerate(text):
        at = index + 2
        before2, before1, after1, after2 = (
            padded[at - 2],
            padded[at - 1],
            padded[at + 1],
            padded[at + 2],
        )
        tag, word, length = shape[index]
        row = [
            "bias",
            f"c0={char}",
            f"c-1={before1}",
            f"c+1={after1}",
            f"c-2={before2}",
            f"c+2={after2}",
            f"c-1c0={before1}{char}",
            f"c0c+1={char}{after1}",
            f"c-2c-1={before2}{before1}",
            f"c+1c+2={after1}{after2}",
            f"c-1c+1={before1}{after1}",
            f"c-1c0c+1={before1}{char}{after1}",
            f"type={_char_class(char)}",
            f"type-1={_char_class(before1[0])}",
            f"type+1={_char_class(after1[0])}",
            f"wpos={tag}",
            f"wpos_len={tag}{min(length, 6)}",
        ]
        if length > 1:
            row.append(f"word={word}")
            row.append(f"wpos_char={tag}{char}")
            part_of_speech = word_tags.get(word)
            if part_of_speech is not None:
                row.append(f"wtag={part_of_speech}")
                row.append(f"wtag_pos={part_of_speech}{tag}")
        row.extend(suffix_marks[index])
        row.extend(social_marks[index])
        features.append(row)
    return features
