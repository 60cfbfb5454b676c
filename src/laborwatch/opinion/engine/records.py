"""A monitored post as the engine reads it (PostIn), a refused row (RowError), and the rules
that turn a vendor's cell into a field: plain text, a normalised URL, a count, an aware time.

Limits and codes are stated here once; the app turns the codes into its users' language.
"""

from __future__ import annotations

import csv
import html
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from functools import cache, lru_cache
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit
from zoneinfo import ZoneInfo

DATA = Path(__file__).resolve().parent / "data"
PLATFORMS = ("weibo", "douyin", "wechat", "toutiao", "forum", "news", "message_board", "other")
FIELDS = (
    "platform",
    "post_id",
    "url",
    "author",
    "published_at",
    "title",
    "text",
    "reposts",
    "comments",
    "likes",
    "views",
    "ip_region",
)
COUNT_FIELDS = ("reposts", "comments", "likes", "views")
# A post longer than this (after HTML is stripped) is refused: the longest WeChat article the
# platform allows is 20,000 characters, so anything past it is not one post (a 10 MB cell).
MAX_TEXT_CHARS = 20_000
MAX_TITLE_CHARS = 500
MAX_AUTHOR_CHARS = 200
MAX_POST_ID_CHARS = 200
MAX_URL_CHARS = 2_000
# Raw cells past this are refused before any work is spent on them (HTML may shrink a cell,
# so the raw limit is wider than MAX_TEXT_CHARS).
MAX_RAW_CHARS = 10 * MAX_TEXT_CHARS
VALUE_SHOWN_CHARS = 50
# Times without an offset are read as the city's local time.
LOCAL_TIME = ZoneInfo("Asia/Shanghai")
# Share links carry these; the same post shared twice must keep one identity.
TRACKING_PARAMETERS = frozenset(
    {"spm", "from", "share_token", "share_source", "share_from", "scene", "srcid", "isappinstalled"}
)
TRACKING_PREFIXES = ("utm_", "share_", "wfr", "sharer_")
# Already normal: lower-case http(s) host without port, no query, no fragment.
_PLAIN_URL = re.compile(r"https?://[a-z0-9](?:[a-z0-9.\-]*[a-z0-9])?(?:/[^\s?#%]*)?")

# A repost whose own comment is at most this long says nothing the reposted text does not:
# it is analysed as that text (most of a monitoring feed is reposts; each original is then
# analysed once for all of them). Longer comments make the repost a text of its own.
REPOST_COMMENT_CHARS = 20
_REPOST = re.compile(
    rf"^(?:[^\n]{{0,{REPOST_COMMENT_CHARS}}}?//@[^:：\s]{{1,30}}[:：]\s*)+(.+)$", re.DOTALL
)
ROW_ERROR_CODES = {
    "missing": "必填项为空",
    "bad_date": "发布时间无法识别（应如 2026-05-01 10:30）",
    "bad_number": "数值应为不小于 0 的整数（可写 1.2万）",
    "too_long": "内容过长",
    "empty_text": "正文为空",
    "bad_platform": "平台名称无法识别",
    "bad_url": "链接应为 http 或 https 网址",
    "no_identity": "既无帖子ID也无链接，无法识别同一帖子",
    "bad_row": "此行不是一条记录",
    "bad_value": "此项应为文字或数字",
}
FILE_ERROR_CODES = {
    "empty": "文件为空",
    "unknown_format": "文件不是 JSONL、CSV 或 XLSX 表格",
    "encoding": "文件编码无法识别（应为 UTF-8 或 GBK）",
    "truncated": "文件不完整（在记录中间截断）",
    "missing_columns": "缺少必需的列",
    "not_records": "JSONL 文件的行不是对象",
}


@dataclass(frozen=True, slots=True)
class PostIn:
    row: int  # 1-based: the line (JSONL), the spreadsheet row (CSV/XLSX), or index+1 (API)
    platform: str  # one of PLATFORMS
    post_id: str | None
    url: str | None  # normalised: see normalise_url
    author: str
    published_at: datetime  # aware
    title: str
    text: str  # plain text: HTML tags stripped, entities unescaped, NFC, ≤ MAX_TEXT_CHARS
    reposts: int
    comments: int
    likes: int
    views: int
    ip_region: str  # province as given, "" when absent
    # The identity of a post: platform and post id, else its normalised URL (post_key). Kept
    # rather than derived: a million posts are keyed several times each along the engine.
    key: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", post_key(self.platform, self.post_id, self.url))


def post_key(platform: str, post_id: str | None, url: str | None) -> str:
    if post_id:
        return f"{platform}:{post_id}"
    if url:
        return f"url:{url}"
    raise ValueError("a post needs a post id or a URL")


@dataclass(frozen=True, slots=True)
class RowError:
    row: int
    field: str  # the header as written in the file (or the API field name)
    code: str  # a key of ROW_ERROR_CODES
    value: str  # the offending value, shortened to VALUE_SHOWN_CHARS

    @property
    def message(self) -> str:
        """Chinese, for logs and the command line: 第 3 行「发布时间」：发布时间无法识别…"""
        shown = f"（{self.value}）" if self.value else ""
        return f"第 {self.row} 行「{self.field}」：{ROW_ERROR_CODES[self.code]}{shown}"


class CellError(ValueError):
    """A cell that cannot become its field; `code` is a key of ROW_ERROR_CODES."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def shown_value(value: object) -> str:
    text = "" if value is None else str(value)
    if len(text) > VALUE_SHOWN_CHARS:
        return text[: VALUE_SHOWN_CHARS - 1] + "…"
    return text


# --- aliases ---------------------------------------------------------------------------------


def alias_key(name: str) -> str:
    """How a header or platform name is compared: case, width, spaces and BOM set aside."""
    return re.sub(r"[\s\ufeff_\-]+", "", unicodedata.normalize("NFKC", name)).casefold()


@cache
def header_aliases() -> dict[str, str]:
    """alias_key(header) → field, from data/header_aliases.csv (a new alias is one line)."""
    return _aliases(DATA / "header_aliases.csv", "field", FIELDS)


@cache
def platform_aliases() -> dict[str, str]:
    """alias_key(platform name or web host) → platform code, from data/platform_aliases.csv."""
    return _aliases(DATA / "platform_aliases.csv", "platform", PLATFORMS)


def _aliases(path: Path, target: str, known: tuple[str, ...]) -> dict[str, str]:
    aliases: dict[str, str] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row[target] not in known:
                raise ValueError(f"{path.name}: unknown {target} {row[target]!r}")
            aliases[alias_key(row["alias"])] = row[target]
    return aliases


def platform_code(value: object, url: str | None) -> str:
    """The platform named in the cell, else the one the URL's host belongs to, else other."""
    # A feed names a handful of platforms a million times: each spelling is read once.
    named = _named_platform(value if isinstance(value, str) else clean_line(value))
    if named is not None:
        return named
    if url:
        host = urlsplit(url).hostname or ""
        aliases = platform_aliases()
        parts = host.split(".")
        for start in range(len(parts) - 1):
            code = aliases.get(".".join(parts[start:]))
            if code is not None:
                return code
    return "other"


@lru_cache(maxsize=4096)
def _named_platform(value: str) -> str | None:
    """The platform a cell names; None for a blank cell; CellError for an unknown one."""
    name = clean_line(value)
    if not name:
        return None
    code = platform_aliases().get(alias_key(name))
    if code is None:
        raise CellError("bad_platform")
    return code


# --- text ------------------------------------------------------------------------------------

_SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_BREAK_TAG = re.compile(r"<\s*(?:br|/p|/div|/li|/h[1-6]|/tr)\b[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
# NUL and the other C0 controls but tab and newline: PostgreSQL refuses NUL in text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile(r"[ \t\u3000\xa0]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")
# Anything plain_text would change inside a cell (its ends are stripped anyway).
_NEEDS_CLEANING = re.compile(r"[<&\r\x00-\x08\x0b\x0c\x0e-\x1f\x7f\t\u3000\xa0]|  |\n\s*\n")


def plain_text(value: object, limit: int) -> str:
    """A cell as plain text: HTML tags removed (never rendered), entities unescaped, NFC,
    control characters dropped, runs of spaces folded. Emoji and traditional characters are
    kept as written. CellError("too_long") past `limit` characters."""
    if value is None:
        return ""
    if not isinstance(value, str):
        if isinstance(value, bool | dict | list):
            raise CellError("bad_value")
        value = str(value)
    if len(value) > max(limit * 10, MAX_RAW_CHARS):
        raise CellError("too_long")
    if _NEEDS_CLEANING.search(value) is None and (
        value.isascii() or unicodedata.is_normalized("NFC", value)
    ):
        # Most cells are plain already: one search says so.
        text = value.strip()
        if len(text) > limit:
            raise CellError("too_long")
        return text
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    if "<" in text:
        text = _COMMENT.sub("", _SCRIPT_OR_STYLE.sub("", text))
        text = _TAG.sub("", _BREAK_TAG.sub("\n", text))
    if "&" in text:
        text = html.unescape(text)
    text = _CONTROL.sub("", text)
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    text = _BLANK_LINES.sub("\n", _SPACES.sub(" ", text)).strip()
    if len(text) > limit:
        raise CellError("too_long")
    return text


def clean_line(value: object, limit: int = MAX_AUTHOR_CHARS) -> str:
    """A one-line cell (author, platform, region, id): plain text on one line."""
    return plain_text(value, limit).replace("\n", " ")


def post_id_of(value: object) -> str | None:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # an id typed into a spreadsheet comes back as 12345.0
    text = clean_line(value, MAX_POST_ID_CHARS)
    return text or None


# --- URL -------------------------------------------------------------------------------------


def normalise_url(value: object) -> str | None:
    """Scheme and host lower-cased, default port, fragment and tracking parameters dropped;
    CellError("bad_url") unless http(s) with a host."""
    text = clean_line(value, MAX_URL_CHARS)
    if not text:
        return None
    if _PLAIN_URL.fullmatch(text):
        return text if text.count("/") > 2 else text + "/"
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as error:
        raise CellError("bad_url") from error
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if scheme not in ("http", "https") or not host or " " in text:
        raise CellError("bad_url")
    if port is not None and port != (443 if scheme == "https" else 80):
        host = f"{host}:{port}"
    query = urlencode(
        [
            (name, item)
            for name, item in parse_qsl(parts.query, keep_blank_values=True)
            if name.lower() not in TRACKING_PARAMETERS
            and not name.lower().startswith(TRACKING_PREFIXES)
        ]
    )
    return urlunsplit((scheme, host, parts.path or "/", query, ""))


# --- counts ----------------------------------------------------------------------------------

_COUNT = re.compile(r"(\d+(?:\.\d+)?)\s*(万|w|W|亿|k|K)?\+?")
_MULTIPLIERS = {None: 1, "万": 10_000, "w": 10_000, "W": 10_000, "亿": 100_000_000}
_MULTIPLIERS.update({"k": 1_000, "K": 1_000})


def count_of(value: object) -> int:
    """A count cell: 1234, "1,234", "1.2万" (12000), "10万+" (100000); empty is 0."""
    if value is None or value == "":
        return 0
    if isinstance(value, bool):
        raise CellError("bad_number")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise CellError("bad_number")
        number = int(value)
    else:
        text = str(value).strip().replace(",", "").replace("，", "")
        if not text:
            return 0
        match = _COUNT.fullmatch(text)
        if match is None:
            raise CellError("bad_number")
        number = round(float(match.group(1)) * _MULTIPLIERS[match.group(2)])
    if number < 0:
        raise CellError("bad_number")
    return number


# --- time ------------------------------------------------------------------------------------

_CHINESE_DATE = re.compile(
    r"(\d{4})\s*[年/.\-]\s*(\d{1,2})\s*[月/.\-]\s*(\d{1,2})\s*日?"
    r"(?:\s*[T ]?\s*(\d{1,2})\s*[:：时]\s*(\d{1,2})(?:\s*[:：分]\s*(\d{1,2}(?:\.\d+)?))?\s*秒?)?"
)
# Epoch numbers: seconds up to 2100, milliseconds after.
_EPOCH_SECONDS_MAX = 4_102_444_800
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def time_of(value: object) -> datetime:
    """An aware time from an ISO string, 2026-05-01 10:30, 2026/5/1 10:30, 2026年5月1日 10时30分,
    an epoch number (seconds or milliseconds), or a spreadsheet date. No offset: city time."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        seconds = float(value)
        if seconds > _EPOCH_SECONDS_MAX:
            seconds /= 1000
        if not 0 < seconds <= _EPOCH_SECONDS_MAX:
            raise CellError("bad_date")
        return _EPOCH + timedelta(seconds=seconds)
    else:
        moment = _parse_time_text(str(value or "").strip())
    if moment.tzinfo is None:
        return moment.replace(tzinfo=LOCAL_TIME)
    if type(moment.tzinfo) is timezone:
        # ISO times with an offset each bring a zone object of their own; times that share
        # one compare and convert without asking each zone its offset (same instants).
        shared = _shared_zone(moment.tzinfo)
        if shared is not moment.tzinfo:
            return moment.replace(tzinfo=shared)
    return moment


_SHARED_ZONES: dict[tuple[timedelta | None, str | None], timezone] = {}


def _shared_zone(zone: timezone) -> timezone:
    """The first zone seen with this offset and name (timezone objects are immutable)."""
    return _SHARED_ZONES.setdefault((zone.utcoffset(None), zone.tzname(None)), zone)


def _parse_time_text(text: str) -> datetime:
    if not text:
        raise CellError("missing")
    if text.isdigit():
        return time_of(int(text))
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        pass
    match = _CHINESE_DATE.fullmatch(text)
    if match is None:
        raise CellError("bad_date")
    year, month, day, hour, minute, second = match.groups()
    whole_second = float(second or 0)
    try:
        return datetime(
            int(year),
            int(month),
            int(day),
            int(hour or 0),
            int(minute or 0),
            int(whole_second),
        )
    except ValueError as error:
        raise CellError("bad_date") from error


# --- reposts ---------------------------------------------------------------------------------


def reposted_text(text: str) -> str:
    """What a repost reposts, when its own comment is short: 转发微博//@某人: 原文 → 原文 (the
    last //@name: of a chain). Anything else is itself."""
    if "//@" not in text:  # what _REPOST needs, found without the pattern's backtracking
        return text
    match = _REPOST.match(text)
    return match.group(1) if match else text
