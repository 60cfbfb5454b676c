"""Reading vendor exports: formats told by content, header and platform aliases, bad rows
kept apart from good ones, whole files refused for what cannot be read row by row."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from openpyxl import Workbook

from laborwatch.opinion.engine.read import (
    ReadResult,
    parse_records,
    read_posts,
    read_posts_in_pieces,
)
from laborwatch.opinion.engine.records import (
    LOCAL_TIME,
    MAX_TEXT_CHARS,
    PostIn,
    RowError,
    time_of,
)

HEADER = "平台,帖子ID,链接,作者,发布时间,标题,正文,转发数,评论数,点赞数,阅读数,IP属地\n"
GOOD_ROW = (
    "微博,1001,https://weibo.com/1001,张三,2026-05-01 10:30,讨薪,某公司拖欠工资,1,2,3,4,山东\n"
)


def _write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


def _post(**changes: object) -> PostIn:
    fields: dict[str, object] = {
        "row": 2,
        "platform": "weibo",
        "post_id": "1001",
        "url": "https://weibo.com/1001",
        "author": "张三",
        "published_at": datetime(2026, 5, 1, 10, 30, tzinfo=LOCAL_TIME),
        "title": "讨薪",
        "text": "某公司拖欠工资",
        "reposts": 1,
        "comments": 2,
        "likes": 3,
        "views": 4,
        "ip_region": "山东",
    }
    fields.update(changes)
    return PostIn(**fields)  # type: ignore[arg-type]


def test_a_utf8_csv_with_chinese_headers(tmp_path: Path) -> None:
    result = read_posts(_write(tmp_path, "posts.csv", HEADER + GOOD_ROW))
    assert (result.format, result.encoding, result.file_error) == ("csv", "utf-8", None)
    assert result.posts == [_post()]
    assert result.errors == []
    assert result.posts[0].key == "weibo:1001"


def test_utf8_with_bom_and_gbk_read_the_same(tmp_path: Path) -> None:
    bom = read_posts(_write(tmp_path, "bom.csv", (HEADER + GOOD_ROW).encode("utf-8-sig")))
    gbk = read_posts(_write(tmp_path, "gbk.csv", (HEADER + GOOD_ROW).encode("gbk")))
    assert bom.posts == gbk.posts == [_post()]
    assert (bom.encoding, gbk.encoding) == ("utf-8", "gbk")


def test_a_csv_named_xlsx_is_read_by_its_content(tmp_path: Path) -> None:
    result = read_posts(_write(tmp_path, "posts.xlsx", HEADER + GOOD_ROW))
    assert result.format == "csv"
    assert result.posts == [_post()]


def test_english_headers_and_a_title_line_above_them(tmp_path: Path) -> None:
    content = (
        "某某舆情导出 2026-05-01\n"
        "platform,post_id,url,author,published_at,title,text\n"
        "Weibo,7,,a,2026-05-01T02:30:00Z,,正文\n"
    )
    result = read_posts(_write(tmp_path, "posts.csv", content))
    assert result.errors == []
    [post] = result.posts
    assert post.row == 3
    assert post.published_at == datetime(2026, 5, 1, 2, 30, tzinfo=UTC)
    assert (post.platform, post.key, post.reposts) == ("weibo", "weibo:7", 0)


def test_bad_rows_are_reported_and_the_valid_rows_kept(tmp_path: Path) -> None:
    content = (
        HEADER
        + GOOD_ROW
        + "抖音,,,李四,2026/5/2,,正文,1,2,3,4,\n"
        + "火星,1,,王五,昨天,,x,-1,2,3,4,\n"
        + "微博,1002,ftp://x.cn/1,赵六,2026-05-01,,   ,1,2,3,4,\n"
    )
    result = read_posts(_write(tmp_path, "posts.csv", content))
    assert result.posts == [_post()]
    assert result.rows == 4
    assert result.errors == [
        RowError(3, "帖子ID", "no_identity", ""),
        RowError(4, "平台", "bad_platform", "火星"),
        RowError(4, "发布时间", "bad_date", "昨天"),
        RowError(4, "转发数", "bad_number", "-1"),
        RowError(5, "链接", "bad_url", "ftp://x.cn/1"),
        RowError(5, "正文", "empty_text", "   "),
    ]
    assert result.errors[1].message == "第 4 行「平台」：平台名称无法识别（火星）"


def test_a_row_shifted_by_an_unquoted_comma_is_refused_alone(tmp_path: Path) -> None:
    shifted = "微博,1003,,李四,2026-05-01,,工资,没发,1,2,3,4,\n"
    result = read_posts(_write(tmp_path, "posts.csv", HEADER + shifted + GOOD_ROW))
    assert result.posts == [_post(row=3)]
    assert [(error.row, error.code) for error in result.errors] == [(2, "bad_row")]


def test_html_is_stripped_to_text_and_emoji_and_traditional_characters_kept(
    tmp_path: Path,
) -> None:
    text = '"<p>工廠<b>欠薪</b>&amp;停工</p><script>alert(1)</script><br>😡 三個月"'
    row = f"微博,1001,,張三,2026-05-01 10:30,<i>討薪</i>,{text},,,,,\n"
    [post] = read_posts(_write(tmp_path, "posts.csv", HEADER + row)).posts
    assert post.text == "工廠欠薪&停工\n😡 三個月"
    assert (post.title, post.author) == ("討薪", "張三")


def test_formula_like_cells_stay_text(tmp_path: Path) -> None:
    row = '微博,1001,,=cmd|calc,2026-05-01 10:30,+标题,"=HYPERLINK(""http://x"")",,,,,\n'
    [post] = read_posts(_write(tmp_path, "posts.csv", HEADER + row)).posts
    assert (post.author, post.title, post.text) == ("=cmd|calc", "+标题", '=HYPERLINK("http://x")')


def test_a_ten_megabyte_post_is_refused_as_too_long(tmp_path: Path) -> None:
    huge = "欠" * (10 * 1024 * 1024)
    edge = "欠" * MAX_TEXT_CHARS
    content = (
        HEADER
        + f"微博,1,,a,2026-05-01,,{huge},,,,,\n"
        + f"微博,2,,a,2026-05-01,,{edge},,,,,\n"
        + f"微博,3,,a,2026-05-01,,{edge}欠,,,,,\n"
    )
    result = read_posts(_write(tmp_path, "posts.csv", content))
    assert [post.post_id for post in result.posts] == ["2"]
    assert [(error.row, error.field, error.code) for error in result.errors] == [
        (2, "正文", "too_long"),
        (4, "正文", "too_long"),
    ]
    assert len(result.errors[0].value) == 50


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (HEADER + GOOD_ROW + '微博,1002,,a,2026-05-01,,"工资拖欠', "truncated"),
        (HEADER + GOOD_ROW + "微博,1002,,a,2026-05", "truncated"),
        ((HEADER + GOOD_ROW).encode("utf-8")[:-5], "truncated"),
        ("", "empty"),
        (b"%PDF-1.4 binary", "unknown_format"),
        (b"\xd0\xcf\x11\xe0old excel", "unknown_format"),
        ("a,b,c\n1,2,3\n", "unknown_format"),
        ("平台,作者,标题,正文\n微博,a,b,c\n", "missing_columns"),
        (b"a,b\n\x80\xff\x80\xff" * 10 + b"\n", "encoding"),
    ],
)
def test_files_refused_as_a_whole(tmp_path: Path, content: str | bytes, code: str) -> None:
    result = read_posts(_write(tmp_path, "posts.csv", content))
    assert result.file_error == code
    assert result.posts == []


def test_missing_columns_say_which(tmp_path: Path) -> None:
    result = read_posts(_write(tmp_path, "posts.csv", "平台,作者,标题,正文\n微博,a,b,c\n"))
    assert result.file_error_detail == "published_at, post_id/url"


def _jsonl(*records: object) -> str:
    return "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records)


RECORD = {
    "platform": "微博",
    "post_id": "1001",
    "url": "https://weibo.com/1001",
    "author": "张三",
    "published_at": "2026-05-01 10:30",
    "title": "讨薪",
    "text": "某公司拖欠工资",
    "reposts": 1,
    "comments": 2,
    "likes": 3,
    "views": 4,
    "ip_region": "山东",
}


def test_jsonl_with_a_bad_line_keeps_the_others(tmp_path: Path) -> None:
    content = _jsonl(RECORD) + "not json\n" + _jsonl([1, 2], {**RECORD, "post_id": 1002})
    result = read_posts(_write(tmp_path, "posts.txt", content))
    assert result.format == "jsonl"
    assert [post.post_id for post in result.posts] == ["1001", "1002"]
    assert [post.row for post in result.posts] == [1, 4]
    assert result.errors == [
        RowError(2, "", "bad_row", "not json"),
        RowError(3, "", "bad_row", "[1, 2]"),
    ]


def test_a_jsonl_cut_in_its_last_line_is_refused(tmp_path: Path) -> None:
    content = _jsonl(RECORD) + _jsonl(RECORD)[:30]
    result = read_posts(_write(tmp_path, "posts.jsonl", content))
    assert (result.file_error, result.file_error_detail) == ("truncated", "第 2 行")


def test_a_json_array_is_read_too(tmp_path: Path) -> None:
    result = read_posts(_write(tmp_path, "posts.json", json.dumps([RECORD], ensure_ascii=False)))
    assert result.posts == [_post(row=1)]


def test_an_api_batch_names_the_field_as_sent() -> None:
    result = parse_records([RECORD, {**RECORD, "reposts": "很多", "发布时间": "x"}])
    assert result.posts == [_post(row=1)]
    assert result.errors == [RowError(2, "reposts", "bad_number", "很多")]


def test_an_api_batch_without_time_or_text_says_missing() -> None:
    result = parse_records([{"platform": "weibo", "post_id": "9", "text": {"a": 1}}])
    assert result.errors == [
        RowError(1, "text", "bad_value", "{'a': 1}"),
        RowError(1, "published_at", "missing", ""),
    ]


def test_identity_by_url_when_there_is_no_post_id() -> None:
    record = {**RECORD, "post_id": None, "url": "HTTPS://Mp.Weixin.QQ.com/s/abc?utm_source=x#top"}
    record["platform"] = ""
    [post] = parse_records([record]).posts
    assert post.url == "https://mp.weixin.qq.com/s/abc"
    assert (post.platform, post.key) == ("wechat", "url:https://mp.weixin.qq.com/s/abc")


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2026-05-01T10:30:00+08:00", datetime(2026, 5, 1, 10, 30, tzinfo=LOCAL_TIME)),
        ("2026年5月1日 10:30", datetime(2026, 5, 1, 10, 30, tzinfo=LOCAL_TIME)),
        ("2026年5月1日 10时30分5秒", datetime(2026, 5, 1, 10, 30, 5, tzinfo=LOCAL_TIME)),
        ("2026/5/1", datetime(2026, 5, 1, tzinfo=LOCAL_TIME)),
        (1777602600, datetime(2026, 5, 1, 2, 30, tzinfo=UTC)),
        ("1777602600000", datetime(2026, 5, 1, 2, 30, tzinfo=UTC)),
    ],
)
def test_times_as_vendors_write_them(written: object, expected: datetime) -> None:
    [post] = parse_records([{**RECORD, "published_at": written}]).posts
    assert post.published_at == expected


def test_times_with_one_offset_share_one_zone_and_keep_their_instant_and_name() -> None:
    first, second = (
        time_of(written) for written in ("2026-05-01T10:30:00+08:00", "2026-05-01T11:00+08:00")
    )
    assert first.tzinfo is second.tzinfo
    assert (first, second.utcoffset()) == (
        datetime(2026, 5, 1, 2, 30, tzinfo=UTC),
        timedelta(hours=8),
    )
    named = time_of(datetime(2026, 5, 1, 10, 30, tzinfo=timezone(timedelta(hours=8), "CST")))
    assert (named.tzname(), first.tzname()) == ("CST", "UTC+08:00")


@pytest.mark.parametrize(
    ("written", "expected"), [("1.2万", 12000), ("10万+", 100000), ("1,234", 1234), (7.0, 7)]
)
def test_counts_as_vendors_write_them(written: object, expected: int) -> None:
    [post] = parse_records([{**RECORD, "views": written}]).posts
    assert post.views == expected


def _xlsx(tmp_path: Path, rows: list[list[object]]) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    path = tmp_path / "posts.csv"  # mislabelled on purpose: read by content
    workbook.save(path)
    return path


def test_xlsx_with_dates_numbers_and_a_formula(tmp_path: Path) -> None:
    header = HEADER.strip().split(",")
    rows: list[list[object]] = [
        header,
        [
            *("微博", 1001, "https://weibo.com/1001", "张三", datetime(2026, 5, 1, 10, 30)),
            *("讨薪", "某公司拖欠工资", 1, 2, 3, 4, "山东"),
        ],
        ["微博", 1002, None, "李四", datetime(2026, 5, 1), None, "=1+1", "=A1", 0, 0, 0, None],
    ]
    result = read_posts(_xlsx(tmp_path, rows))
    assert result.format == "xlsx"
    assert result.posts == [_post()]
    assert result.errors == [RowError(3, "转发数", "bad_number", "=A1")]


def test_a_truncated_xlsx_is_refused(tmp_path: Path) -> None:
    path = _xlsx(tmp_path, [HEADER.strip().split(",")])
    path.write_bytes(path.read_bytes()[:200])
    assert read_posts(path).file_error == "truncated"


def test_a_gbk_jsonl_is_read_too(tmp_path: Path) -> None:
    record = {key: value for key, value in RECORD.items() if key != "text"}
    content = _jsonl({**record, "text": "某公司拖欠工资"})
    result = read_posts(_write(tmp_path, "posts.jsonl", content.encode("gbk")))
    assert (result.format, result.encoding) == ("jsonl", "gbk")
    assert result.posts == [_post(row=1)]


@pytest.mark.parametrize(
    ("text", "reposted"),
    [
        ("转发微博//@某人: 原文在此", "原文在此"),
        ("太过分了//@甲: 顶//@乙：原文", "原文"),
        ("这是一段很长很长很长很长的评论，不止二十个字，真的很长//@甲: 原文", None),
        ("普通文本 //@ 无冒号", None),
    ],
)
def test_a_repost_with_a_short_comment_is_what_it_reposts(text: str, reposted: str | None) -> None:
    from laborwatch.opinion.engine.records import reposted_text

    assert reposted_text(text) == (reposted or text)


def _pieces(path: Path, size: int) -> list[ReadResult]:
    return list(read_posts_in_pieces(path, size))


def test_json_lines_in_pieces_read_as_the_whole_file_does(tmp_path: Path) -> None:
    lines = [_jsonl({**RECORD, "post_id": 1000 + number}) for number in range(5)]
    lines.insert(2, "not json\n")
    path = _write(tmp_path, "posts.jsonl", "".join(lines))
    whole = read_posts(path)
    pieces = _pieces(path, 2)
    assert [[post.row for post in piece.posts] for piece in pieces] == [[1, 2], [4, 5], [6]]
    assert [post for piece in pieces for post in piece.posts] == whole.posts
    assert [error for piece in pieces for error in piece.errors] == whole.errors
    assert sum(piece.rows for piece in pieces) == whole.rows == 6
    assert [piece.consumed for piece in pieces][-1] == path.stat().st_size
    assert {(piece.format, piece.encoding) for piece in pieces} == {("jsonl", "utf-8")}


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (_jsonl(RECORD) * 3 + _jsonl(RECORD)[:30], "truncated"),
        ('{"broken\n' * 3, "not_records"),
    ],
)
def test_a_file_to_refuse_is_refused_before_any_piece(
    tmp_path: Path, content: str, code: str
) -> None:
    path = _write(tmp_path, "posts.jsonl", content)
    assert [(piece.file_error, piece.posts) for piece in _pieces(path, 1)] == [(code, [])]
    assert read_posts(path).file_error == code


def test_other_files_are_read_whole_and_handed_on_in_pieces(tmp_path: Path) -> None:
    rows = [GOOD_ROW.replace("1001", str(1001 + number)) for number in range(3)]
    path = _write(
        tmp_path,
        "week.csv",
        HEADER + rows[0] + "微博,,,某人,2026-05-01,,x,1,1,1,1,\n" + "".join(rows[1:]),
    )
    pieces = _pieces(path, 2)
    assert [[post.row for post in piece.posts] for piece in pieces] == [[2, 4], [5]]
    assert [len(piece.errors) for piece in pieces] == [1, 0]
    assert sum(piece.rows for piece in pieces) == 4
    gbk = _write(tmp_path, "gbk.jsonl", _jsonl({**RECORD, "text": "某公司拖欠工资"}).encode("gbk"))
    assert [(piece.encoding, len(piece.posts)) for piece in _pieces(gbk, 2)] == [("gbk", 1)]
