"""Enterprise names (企业名称): normalising, and splitting into region, trade name and legal form.

A registered name reads [行政区划][字号][行业][组织形式], e.g. 青岛|海澜|服饰|有限公司. People
write it shorter: without the region, without the legal form, or the trade name alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

# Longest first, so that 股份有限公司 is stripped whole rather than as 公司.
LEGAL_FORMS = tuple(
    sorted(
        (
            "集团股份有限公司",
            "集团有限责任公司",
            "集团有限公司",
            "股份有限公司",
            "有限责任公司",
            "有限公司",
            "股份公司",
            "集团公司",
            "总公司",
            "分公司",
            "公司",
            "集团",
            "(有限合伙)",
            "(普通合伙)",
            "合伙企业",
            "合作社",
            "个体工商户",
            "工作室",
            "经营部",
            "门市部",
            "服务部",
            "商行",
            "厂",
            "店",
        ),
        key=len,
        reverse=True,
    )
)
# Place names that open registered names here: Shandong's cities, Qingdao's districts and
# county-level cities, the provinces, and China itself. With and without the 省/市/区 ending.
_PLACES = [
    "中国",
    "山东",
    "青岛",
    "济南",
    "烟台",
    "潍坊",
    "威海",
    "日照",
    "临沂",
    "淄博",
    "东营",
    "济宁",
    "泰安",
    "德州",
    "聊城",
    "滨州",
    "菏泽",
    "枣庄",
    "市南",
    "市北",
    "李沧",
    "崂山",
    "黄岛",
    "西海岸",
    "西海岸新",
    "城阳",
    "即墨",
    "胶州",
    "平度",
    "莱西",
    "四方",
    "北京",
    "天津",
    "上海",
    "重庆",
    "河北",
    "山西",
    "辽宁",
    "吉林",
    "黑龙江",
    "江苏",
    "浙江",
    "安徽",
    "福建",
    "江西",
    "河南",
    "湖北",
    "湖南",
    "广东",
    "海南",
    "四川",
    "贵州",
    "云南",
    "陕西",
    "甘肃",
    "青海",
    "台湾",
    "内蒙古",
    "广西",
    "西藏",
    "宁夏",
    "新疆",
    "香港",
    "澳门",
    "深圳",
    "广州",
    "杭州",
    "南京",
    "苏州",
    "武汉",
    "成都",
    "西安",
    "大连",
    "沈阳",
    "厦门",
    "宁波",
]
_REGION = re.compile(
    "^(?:(?:"
    + "|".join(sorted(_PLACES, key=len, reverse=True))
    + ")(?:省|市(?![政场])|区|县|新区)?)+"
)
# Placeholders a worker or an anonymising clerk puts where a name would be: 某公司, 某某建筑,
# X公司, XX物流, ＊＊公司, ××厂.
ANONYMISED = re.compile(r"某|[XxＸｘ×*＊]{1,3}(?=[\u4e00-\u9fff]|$)|[○〇□]{1,3}")
# Words of a group, legal form or place that, like industry words, name no one in particular,
# but are no part of a name's industry.
GENERIC_NAME_WORDS = ("集团", "控股", "股份", "有限", "责任", "公司", "中国", "青岛")
# Words of the industry part of a name (行业表述). A short name or a name without its legal
# form that is made of these alone ("建筑工程", "物流") names no one in particular.
INDUSTRY_WORDS = [
    "建筑",
    "建设",
    "工程",
    "劳务",
    "装饰",
    "装修",
    "安装",
    "物流",
    "运输",
    "快递",
    "货运",
    "科技",
    "技术",
    "信息",
    "网络",
    "软件",
    "电子",
    "电器",
    "机械",
    "设备",
    "制造",
    "实业",
    "贸易",
    "商贸",
    "国际",
    "发展",
    "投资",
    "管理",
    "咨询",
    "服务",
    "物业",
    "房地产",
    "置业",
    "地产",
    "餐饮",
    "酒店",
    "食品",
    "服装",
    "服饰",
    "纺织",
    "化工",
    "材料",
    "汽车",
    "汽配",
    "橡胶",
    "塑料",
    "印刷",
    "包装",
    "家具",
    "医药",
    "生物",
    "环保",
    "能源",
    "新能源",
    "电力",
    "文化",
    "传媒",
    "广告",
    "教育",
    "培训",
    "人力资源",
    "保洁",
    "保安",
    "家政",
    "商务",
    "供应链",
    "钢结构",
    "市政",
    "园林",
    "绿化",
    "水产",
    "海产",
    "农业",
    "养殖",
    *GENERIC_NAME_WORDS,
]
INDUSTRY = re.compile("|".join(sorted(INDUSTRY_WORDS, key=len, reverse=True)))
# A company spoken of, not named: 一家物业公司, 我们公司, 这个厂.
_DESCRIBED = re.compile(r"一家|这家|那家|该|我们|我|你们|他们|请问|这个|那个|本|原|所在|小|大")
_TRADITIONAL_FILE = Path(__file__).resolve().parent / "data" / "traditional_simplified.tsv"


def _traditional_to_simplified() -> dict[str, str]:
    """國 → 国, 聯 → 联 …: one character for one (OpenCC's t2s, see the data README)."""
    with _TRADITIONAL_FILE.open(encoding="utf-8") as handle:
        return dict(line.rstrip("\n").split("\t") for line in handle if "\t" in line)


# Full-width ASCII (！ to ～) to half-width, one kind of bracket, the ideographic space to a space.
_FOLD = str.maketrans(
    {
        **_traditional_to_simplified(),
        **{chr(code): chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)},
        "【": "[",
        "】": "]",
        "\u3000": " ",
    }
)


_TRADITIONAL = str.maketrans(_traditional_to_simplified())


def fold_traditional(text: str) -> str:
    """Traditional characters to simplified, one for one (offsets kept)."""
    return text.translate(_TRADITIONAL)


def normalise(text: str) -> str:
    """Full-width letters and digits to half-width, traditional characters to simplified, one
    kind of bracket, no spaces.

    The result keeps the length of `text` except for removed whitespace; see `normalise_keep`
    when offsets must be preserved.
    """
    return "".join(normalise_keep(text).split())


def normalise_keep(text: str) -> str:
    """Like `normalise`, but one output character per input character (offsets kept)."""
    return text.translate(_FOLD).upper()


# Legal forms by their last character, longest first: a registry has 350,000 names to strip.
_FORMS_BY_LAST: dict[str, tuple[str, ...]] = {}
for _form in LEGAL_FORMS:
    _FORMS_BY_LAST[_form[-1]] = (*_FORMS_BY_LAST.get(_form[-1], ()), _form)
_PLACE_INITIALS = frozenset(place[0] for place in _PLACES)


def strip_legal_form(name: str) -> str:
    for form in _FORMS_BY_LAST.get(name[-1:], ()):
        if name.endswith(form) and len(name) > len(form) + 1:
            return name[: -len(form)]
    return name


def strip_region(name: str) -> str:
    if name[:1] not in _PLACE_INITIALS:
        return name
    match = _REGION.match(name)
    if match and len(name) - match.end() >= 2:
        return name[match.end() :]
    return name


def core_name(name: str) -> str:
    """The name without region and legal form: 青岛海澜服饰有限公司 → 海澜服饰."""
    return strip_region(strip_legal_form(strip_region(name)))


def is_place_name(text: str) -> bool:
    """青岛, 山东省, 青岛市黄岛区: a region and nothing else."""
    match = _REGION.match(text)
    return match is not None and match.end() == len(text)


def is_anonymised(mention: str) -> bool:
    return bool(ANONYMISED.search(mention))


def is_described_not_named(mention: str) -> bool:
    """Whether a company mention only describes a firm (一家物业公司, 建设集团, 我们公司)."""
    if _DESCRIBED.search(mention[:4]) and len(mention) <= 12:
        rest = _DESCRIBED.sub("", mention)
        return not INDUSTRY.sub("", strip_legal_form(strip_region(rest)))
    return not INDUSTRY.sub("", core_name(mention))


# --- the parts of a registered name ------------------------------------------------------

_VOCABULARY_DIR = Path(__file__).resolve().parent / "data" / "company_names"
# A trade name keeps at least this many characters: 国联运输 is 国联 + 运输, 中运 stays whole.
MIN_TRADE_NAME = 2


@dataclass(frozen=True)
class NameParts:
    """A registered name read as [place][trade name][industry][legal form] (行政区划, 字号,
    行业, 组织形式): 柳州国联运输集团有限公司 → 柳州 | 国联 | 运输 | 集团有限公司."""

    place: str
    trade_name: str
    industry: str
    legal_form: str


def _words(file_name: str) -> frozenset[str]:
    with (_VOCABULARY_DIR / file_name).open(encoding="utf-8") as handle:
        return frozenset(line.strip() for line in handle if len(line.strip()) >= 2)


@cache
def _place_words() -> tuple[frozenset[str], int]:
    """China's provinces, cities, counties and districts (companynameparser's list), with and
    without their 省/市/区/县 ending, and this city's own."""
    places = set(_words("places.txt")) | set(_PLACES)
    places |= {place + ending for place in _PLACES for ending in ("省", "市", "区", "县")}
    return frozenset(places), max(map(len, places))


@cache
def _industry_words() -> tuple[frozenset[str], int]:
    """Industry words (行业表述): companynameparser's list and the ones named above, less
    the generic group, legal-form and place words."""
    words = (set(_words("industries.txt")) | set(INDUSTRY_WORDS)) - set(GENERIC_NAME_WORDS)
    return frozenset(words), max(map(len, words))


def _legal_form_of(name: str) -> str:
    for form in _FORMS_BY_LAST.get(name[-1:], ()):
        if name.endswith(form) and len(name) > len(form) + 1:
            return form
    return ""


def name_parts(name: str) -> NameParts:
    """Place, trade name, industry and legal form of a registered name: the longest place
    words from the start, the legal form from the end, then industry words from the end of
    what is left, as long as a trade name of two characters or more remains."""
    rest = normalise(name)
    legal_form = _legal_form_of(rest)
    rest = rest[: len(rest) - len(legal_form)]
    bracketed = re.fullmatch(r"(.+?)\(([^()]+)\)", rest)  # 国联运输(柳州): a place in brackets
    place = ""
    if bracketed and _is_place(bracketed.group(2)):
        rest, place = bracketed.group(1), bracketed.group(2)
    places, longest_place = _place_words()
    units: list[str] = []
    while True:
        for length in range(min(longest_place, len(rest) - MIN_TRADE_NAME), 1, -1):
            if rest[:length] in places:
                units.append(rest[:length])
                rest = rest[length:]
                break
        else:
            break
    trade_name, industry = _trade_and_industry(rest)
    blocked = is_industry_word(trade_name) or _industry_after_one(trade_name)
    if units and not is_place_name(units[-1]) and blocked:
        # 北京龙湖置业, 金东阳食品: 龙湖 and 金东 are counties' names too, but a trade name is
        # more than an industry word (置业) or one character before one (阳食品), so the last
        # place word read, if not a province's or a city's, opens the trade name.
        trade_name, industry = _trade_and_industry(units.pop() + rest)
    place = "".join([place, *units])
    return NameParts(place=place, trade_name=trade_name, industry=industry, legal_form=legal_form)


def _trade_and_industry(rest: str) -> tuple[str, str]:
    """Industry words taken from the end, as long as a trade name of two characters or more
    remains."""
    industries, longest_industry = _industry_words()
    industry = ""
    while True:
        for length in range(min(longest_industry, len(rest) - MIN_TRADE_NAME), 1, -1):
            if rest[-length:] in industries:
                industry, rest = rest[-length:] + industry, rest[:-length]
                break
        else:
            break
    return rest, industry


def _industry_after_one(trade_name: str) -> bool:
    industries, _ = _industry_words()
    return len(trade_name) > 2 and trade_name[1:] in industries


def is_industry_word(text: str) -> bool:
    """置业, 建筑工程 (read whole), 公司: words that name a trade or a legal form, no one firm."""
    industries, _ = _industry_words()
    return text in industries or text in GENERIC_NAME_WORDS or not INDUSTRY.sub("", text)


def _is_place(text: str) -> bool:
    places, _ = _place_words()
    return text in places or is_place_name(text)
