"""Feed files shaped like the departments' own exports: Chinese headers and values, amounts
as written by hand, one row per 险种 or per bank batch, names instead of credit codes."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from openpyxl import Workbook

from laborwatch.risk import row_report, store
from laborwatch.risk.feeds import FEEDS
from laborwatch.risk.ingest import IngestReport, ingest_file
from laborwatch.risk.mappings import EVERY_FEED, header_variants, value_codes
from laborwatch.risk.scoring import feed_frame, score_frames
from tests.risk.helpers import ACME, AS_OF, CONFIG, OTHER, code, registry

TODAY = dt.date(2026, 11, 26)
SI_RULE = "按险种合计：金额相加，参保人数取各险种最大值"
WAGE_RULE = "按发放批次合计：发放金额相加，发放人数相加（不超过考勤人数），考勤人数取最大值"


def _gbk_csv(path: Path, lines: list[str]) -> Path:
    path.write_bytes("\r\n".join(lines).encode("gbk"))
    return path


def _xlsx(path: Path, rows: list[list[object]]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def _stored(root: Path, feed: str, *columns: str) -> list[tuple]:
    files = store.feed_files(root, FEEDS[feed])
    if not files:
        return []
    table = pa.concat_tables([pq.read_table(path, columns=list(columns)) for path in files])
    return [tuple(row[name] for name in columns) for row in table.to_pylist()]


def _row_report(report: IngestReport) -> list[tuple[str, str, str]]:
    """(行号, 处理结果, 原因) of every line of the batch's row report, as the user reads it."""
    with open(report.rejects_path, encoding="utf-8-sig", newline="") as handle:
        return [(row["行号"], row["处理结果"], row["原因"]) for row in csv.DictReader(handle)]


def test_court_filings_with_chinese_case_types(tmp_path: Path) -> None:
    source = _gbk_csv(
        tmp_path / "法院立案202610.csv",
        [
            "案号,立案日期,统一社会信用代码,案件类型,申请人数,标的金额",
            f'（2026）鲁0202劳仲字第101号,2026/10/09,{code(1)},劳动仲裁,3,"16,457.00"',
            f"（2026）鲁0202执1234号,2026/10/10,{code(2)},首次执行,1,1.2万元",
            f'（2026）鲁0202民初77号,2026/10/12,{code(3)},追索劳动报酬纠纷,12,"￥86,000"',
            f"（2026）鲁0202行初5号,2026/10/11,{code(4)},行政诉讼,1,500",
            f"（2026）鲁0202恢执9号,2026/10/13,{code(5)},恢复执行,2,3000元",
        ],
    )
    report = ingest_file(tmp_path / "var", "court_filings", source, today=TODAY)
    assert (report.status, report.rows_read, report.rows_taken, report.rows_rejected) == (
        "loaded",
        5,
        4,
        1,
    )
    assert report.ignored_columns == ("案号",)
    stored = _stored(
        tmp_path / "var", "court_filings", "filed_on", "credit_code", "kind", "plaintiffs", "amount"
    )
    assert sorted(stored) == [
        (dt.date(2026, 10, 9), code(1), "labor_arbitration", 3, 16457.0),
        (dt.date(2026, 10, 10), code(2), "enforcement", 1, 12000.0),
        (dt.date(2026, 10, 12), code(3), "labor_lawsuit", 12, 86000.0),
        (dt.date(2026, 10, 13), code(5), "enforcement", 2, 3000.0),
    ]
    assert _row_report(report) == [("5", "未入库", "案件类型取值无效")]


def test_tax_headed_as_the_tax_bureau_heads_it(tmp_path: Path) -> None:
    source = _xlsx(
        tmp_path / "纳税申报.xlsx",
        [
            ["纳税人识别号", "纳税人名称", "税款所属期", "营业收入", "实缴税款"],
            [code(1), "青岛甲公司", "2026年09月", "1.2万元", "360.50"],
            [code(2), "青岛乙公司", "2026-09", 250000, "7,500"],
        ],
    )
    report = ingest_file(tmp_path / "var", "tax", source, today=TODAY)
    assert (report.status, report.rows_taken, report.ignored_columns) == (
        "loaded",
        2,
        ("纳税人名称",),
    )
    assert _stored(
        tmp_path / "var", "tax", "month", "credit_code", "taxable_revenue", "tax_paid"
    ) == [
        (dt.date(2026, 9, 1), code(1), 12000.0, 360.5),
        (dt.date(2026, 9, 1), code(2), 250000.0, 7500.0),
    ]


def test_social_insurance_one_row_per_insurance_type(tmp_path: Path) -> None:
    header = "费款所属期,统一社会信用代码,单位名称,险种,缴费人数,应缴金额,实缴金额,欠缴金额"
    lines = [
        header,
        f'202609,{code(1)},青岛甲公司,基本养老保险,20,"32,000.00","32,000.00",0.00',
        f'202609,{code(1)},青岛甲公司,基本医疗保险,20,"19,200.00","9,200.00","10,000.00"',
        f"202609,{code(1)},青岛甲公司,失业保险,20,640.00,640.00,0.00",
        f"202609,{code(1)},青岛甲公司,工伤保险,22,400.00,400.00,0.00",
        f'202609,{code(1)},青岛甲公司,生育保险,20,"1,600.00","1,600.00",0.00',
        f"202609,{code(2)},青岛乙公司,养老,5,8000,0,8000",
        f"202609,{code(2)},青岛乙公司,医疗,5,4800,-1,4800",  # a bad row: the group waits
        f"202609,{code(3)},青岛丙公司,养老,7,1000,1000,0",
        f"202609,{code(3)},青岛丙公司,养老,7,1000,1000,0",  # sent twice
        f"202609,{code(4)},青岛丁公司,养老,7,1000,1000,0",
        f"202609,{code(4)},青岛丁公司,养老,8,1000,1000,0",  # the same 险种 with other figures
    ]
    root = tmp_path / "var"
    report = ingest_file(
        root, "social_insurance", _gbk_csv(tmp_path / "社保.csv", lines), today=TODAY
    )
    assert (
        report.status,
        report.rows_read,
        report.rows_taken,
        report.rows_combined,
        report.rows_rejected,
        report.rows_duplicate,
    ) == ("loaded", 11, 2, 4, 5, 1)
    columns = ("credit_code", "insured_headcount", "amount_due", "amount_paid", "arrears")
    assert _stored(root, "social_insurance", *columns) == [
        (code(1), 22, 53840.0, 43840.0, 10000.0),
        (code(3), 7, 1000.0, 1000.0, 0.0),
    ]
    assert _row_report(report) == [
        ("2", "已入库", f"与第3、4、5、6行合计入库（{SI_RULE}）"),
        ("3", "已入库", f"已合计到第2行入库（{SI_RULE}）"),
        ("4", "已入库", f"已合计到第2行入库（{SI_RULE}）"),
        ("5", "已入库", f"已合计到第2行入库（{SI_RULE}）"),
        ("6", "已入库", f"已合计到第2行入库（{SI_RULE}）"),
        ("7", "未入库", "与第8行同组（统一社会信用代码、月份相同）须合计，该行有误，本组未入库"),
        ("8", "未入库", "实缴金额为负数"),
        ("10", "未入库", "重复行（与第9行完全相同）"),
        ("11", "未入库", "与第12行统一社会信用代码、月份、险种相同但内容不同，无法判断哪一行正确"),
        ("12", "未入库", "与第11行统一社会信用代码、月份、险种相同但内容不同，无法判断哪一行正确"),
    ]


def test_social_insurance_arrears_derived_when_not_sent(tmp_path: Path) -> None:
    lines = [
        "所属期,社会信用代码,参保人数,应缴金额,实缴金额",
        f"2026-08,{code(1)},20,1000,400",
        f"2026-08,{code(2)},20,1000,1200",  # paid ahead: no arrears, not negative ones
    ]
    root = tmp_path / "var"
    report = ingest_file(
        root, "social_insurance", _gbk_csv(tmp_path / "社保.csv", lines), today=TODAY
    )
    assert (report.status, report.rows_taken, report.remarks) == (
        "loaded",
        2,
        ("文件无欠缴金额列，按应缴金额−实缴金额计算（不低于0）",),
    )
    assert _stored(root, "social_insurance", "credit_code", "arrears") == [
        (code(1), 600.0),
        (code(2), 0.0),
    ]


def test_work_order_amounts_as_written(tmp_path: Path) -> None:
    header = ["工单编号", "受理时间", "职工标识", "统一社会信用代码", "涉及人数", "诉求金额"]
    rows: list[list[object]] = [
        header,
        ["GD001", "2026-10-01 09:00:00", "w1", code(1), "3人", "16,457元"],
        ["GD002", "2026-10-01 10:00:00", "w2", code(1), 1, "1.2万元"],
        ["GD003", "2026-10-02 09:30:00", "w3", None, 1, "１６４５７"],
        ["GD004", "2026-10-02 11:00:00", "w4", code(2), 2, "￥16,457.00"],
        ["GD005", "2026-10-03 08:00:00", "w5", code(2), 1, "约一万元"],
        ["GD006", "2026-10-03 08:30:00", "w6", code(2), 1, 8800.5],
    ]
    root = tmp_path / "var"
    report = ingest_file(root, "work_orders", _xlsx(tmp_path / "工单.xlsx", rows), today=TODAY)
    assert (report.status, report.rows_taken, report.rows_rejected) == ("loaded", 5, 1)
    assert _stored(root, "work_orders", "complaint_id", "workers_involved", "amount_claimed") == [
        ("GD001", 3, 16457.0),
        ("GD002", 1, 12000.0),
        ("GD003", 1, 16457.0),
        ("GD004", 2, 16457.0),
        ("GD006", 1, 8800.5),
    ]
    assert _row_report(report) == [("6", "未入库", "诉求金额格式错误")]


def test_wage_account_paid_in_two_bank_batches(tmp_path: Path) -> None:
    lines = ["所属月份,项目编号,项目名称,统一社会信用代码,考勤人数,发放人数,发放金额,批次号"]
    # 30 projects × 2 batches, as a bank's two monthly runs come in one export.
    for project in range(1, 31):
        lines.append(f'2026-09,P{project:03d},工程{project},{code(project)},40,25,"75,000.00",B1')
        lines.append(f'2026-09,P{project:03d},工程{project},{code(project)},40,15,"45,000.00",B2')
    lines.append(f'2026-09,P031,工程31,{code(31)},10,10,"30,000.00",B1')
    lines.append(f'2026-09,P031,工程31,{code(31)},10,10,"30,000.00",B1')  # sent twice
    lines.append(f'2026-09,P032,工程32,{code(32)},10,8,"24,000.00",B1')
    lines.append(f'2026-09,P032,工程32,{code(33)},10,2,"6,000.00",B2')  # another employer?
    root = tmp_path / "var"
    report = ingest_file(root, "wage_account", _gbk_csv(tmp_path / "专户.csv", lines), today=TODAY)
    assert (
        report.rows_read,
        report.rows_taken,
        report.rows_combined,
        report.rows_rejected,
        report.rows_duplicate,
    ) == (64, 31, 30, 3, 1)
    assert report.rows_read == report.rows_taken + report.rows_combined + report.rows_rejected
    stored = _stored(
        root, "wage_account", "project_code", "attending_headcount", "paid_headcount", "amount_paid"
    )
    assert stored[:2] == [("P001", 40, 40, 120000.0), ("P002", 40, 40, 120000.0)]
    assert stored[-1] == ("P031", 10, 10, 30000.0)
    assert len(stored) == 31
    assert sum(row[3] for row in stored) == 30 * 120000.0 + 30000.0
    lines_of = {line[0]: line[1:] for line in _row_report(report)}
    assert lines_of["2"] == ("已入库", f"与第3行合计入库（{WAGE_RULE}）")
    assert lines_of["3"] == ("已入库", f"已合计到第2行入库（{WAGE_RULE}）")
    assert lines_of["63"] == ("未入库", "重复行（与第62行完全相同）")
    assert lines_of["64"] == (
        "未入库",
        "与第65行项目编号、月份相同须合计，但统一社会信用代码不一致",
    )
    assert lines_of["65"] == (
        "未入库",
        "与第64行项目编号、月份相同须合计，但统一社会信用代码不一致",
    )
    assert len(lines_of) == 63  # 60 combined, 1 duplicate, 2 in conflict: none left unsaid


def test_paid_headcount_of_batches_never_beyond_attendance(tmp_path: Path) -> None:
    lines = [
        "月份,项目编号,统一社会信用代码,考勤人数,发放人数,发放金额",
        f"2026-09,P1,{code(1)},30,30,60000",  # the month's wages in two halves
        f"2026-09,P1,{code(1)},30,30,45000",
    ]
    root = tmp_path / "var"
    ingest_file(root, "wage_account", _gbk_csv(tmp_path / "w.csv", lines), today=TODAY)
    assert _stored(
        root, "wage_account", "attending_headcount", "paid_headcount", "amount_paid"
    ) == [(30, 30, 105000.0)]


def test_repeated_key_of_a_feed_without_rollup_is_a_conflict(tmp_path: Path) -> None:
    lines = [
        "month,credit_code,taxable_revenue,tax_paid",
        f"2026-09,{code(1)},100,5",
        f"2026-09,{code(1)},120,6",
        f"2026-09,{code(2)},100,5",
    ]
    root = tmp_path / "var"
    report = ingest_file(root, "tax", _gbk_csv(tmp_path / "t.csv", lines), today=TODAY)
    assert (report.rows_taken, report.rows_rejected) == (1, 2)
    assert _stored(root, "tax", "credit_code") == [(code(2),)]
    why = "统一社会信用代码、月份相同但内容不同，无法判断哪一行正确"
    assert _row_report(report) == [
        ("2", "未入库", f"与第3行{why}"),
        ("3", "未入库", f"与第2行{why}"),
    ]


def test_opinion_events_linked_by_enterprise_name(tmp_path: Path) -> None:
    root = tmp_path / "var"
    registry = _gbk_csv(
        tmp_path / "企业库.csv",
        [
            "统一社会信用代码,企业名称,所属区市",
            f"{code(1)},青岛海达建筑工程有限公司,市南区",
            f"{code(2)},青岛鑫源物流有限公司,李沧区",
            f"{code(3)},青岛海达建筑工程有限公司黄岛分公司,黄岛区",
        ],
    )
    assert ingest_file(root, "registry", registry, today=TODAY).rows_taken == 3
    lines = [
        "事件编号,首发日期,统一社会信用代码,涉事企业,热度,帖文数",
        'E1,2026-10-01,,青岛海达建筑工程有限公司,"1,200",35',
        "E2,2026-10-02,,鑫源物流有限公司,300,",
        "E3,2026-10-03,,青岛某某餐饮有限公司,50,3",
        f"E4,2026-10-04,{code(2)},青岛鑫源物流有限公司,80,2",
        "E5,2026-10-05,,,80,2",
        "E6,2026-10-05,,青岛鑫原物流有限公司,80,2",
    ]
    report = ingest_file(
        root, "opinion_events", _gbk_csv(tmp_path / "舆情.csv", lines), today=TODAY
    )
    assert (report.rows_taken, report.rows_rejected, report.rows_unlinked) == (5, 1, 2)
    assert _stored(root, "opinion_events", "event_id", "credit_code", "enterprise_name") == [
        ("E1", code(1), "青岛海达建筑工程有限公司"),
        ("E2", code(2), "鑫源物流有限公司"),
        ("E3", None, "青岛某某餐饮有限公司"),
        ("E4", code(2), "青岛鑫源物流有限公司"),
        ("E6", None, "青岛鑫原物流有限公司"),
    ]
    unlinked = "企业名称未能关联到企业库，已按名称入库，不计入企业评分"
    assert _row_report(report) == [
        ("2", "已入库", f"按企业名称关联到企业库：青岛海达建筑工程有限公司（{code(1)}）"),
        ("3", "已入库", f"按企业名称关联到企业库：青岛鑫源物流有限公司（{code(2)}）"),
        ("4", "已入库", unlinked),
        ("6", "未入库", "缺少统一社会信用代码和企业名称"),
        ("7", "已入库", f"{unlinked}（最接近：青岛鑫源物流有限公司，{code(2)}，须人工核对）"),
    ]


def test_opinion_events_before_the_registry_keep_their_names(tmp_path: Path) -> None:
    root = tmp_path / "var"
    lines = ["事件编号,首发日期,涉事企业,热度", "E1,2026-10-01,青岛海达建筑工程有限公司,10"]
    report = ingest_file(root, "opinion_events", _gbk_csv(tmp_path / "o.csv", lines), today=TODAY)
    assert _stored(root, "opinion_events", "credit_code", "enterprise_name") == [
        (None, "青岛海达建筑工程有限公司")
    ]
    assert _row_report(report) == [
        (
            "2",
            "已入库",
            "无统一社会信用代码，企业库尚未载入，无法按企业名称关联；已按名称入库，不计入企业评分",
        )
    ]


def test_absurd_numbers_are_reported_not_stored(tmp_path: Path) -> None:
    lines = [
        "立案日期,统一社会信用代码,案件类型,申请人数,标的金额",
        f"2026-10-01,{code(1)},劳动仲裁,99999999999999999999999,500",
        f"2026-10-02,{code(2)},劳动仲裁,2,1e400",
        f"2026-10-03,{code(3)},劳动仲裁,2,1e23",
        f"2026-10-04,{code(4)},劳动仲裁,2,nan",
        f"2026-10-05,{code(5)},劳动仲裁,2.5,500",
        f"2026-10-06,{code(6)},劳动仲裁,2,500",
    ]
    root = tmp_path / "var"
    report = ingest_file(root, "court_filings", _gbk_csv(tmp_path / "c.csv", lines), today=TODAY)
    assert (report.status, report.rows_taken) == ("loaded", 1)
    assert _stored(root, "court_filings", "credit_code", "plaintiffs", "amount") == [
        (code(6), 2, 500.0)
    ]
    amount_range = "标的金额超出合理范围（不超过1,000,000,000,000）"
    assert _row_report(report) == [
        ("2", "未入库", "申请人数超出合理范围（不超过100,000）"),
        ("3", "未入库", amount_range),
        ("4", "未入库", amount_range),
        ("5", "未入库", amount_range),
        ("6", "未入库", "申请人数不是整数"),
    ]


def test_absurd_numbers_in_parquet(tmp_path: Path) -> None:
    table = pa.table(
        {
            "filed_on": [dt.date(2026, 10, 1), dt.date(2026, 10, 2), dt.date(2026, 10, 3)],
            "credit_code": [code(1), code(2), code(3)],
            "kind": ["labor_arbitration"] * 3,
            "plaintiffs": pa.array([2, 3, 4], pa.int64()),
            "amount": [float("inf"), 1e23, 900.0],
        }
    )
    pq.write_table(table, tmp_path / "court.parquet")
    root = tmp_path / "var"
    report = ingest_file(root, "court_filings", tmp_path / "court.parquet", today=TODAY)
    assert _stored(root, "court_filings", "credit_code", "amount") == [(code(3), 900.0)]
    assert [line[0] for line in _row_report(report)] == ["1", "2"]


def test_a_misshapen_csv_line_is_named(tmp_path: Path) -> None:
    lines = ["月份,统一社会信用代码,应税收入,实缴税额", f"2026-09,{code(1)},16,457,5"]
    report = ingest_file(tmp_path / "var", "tax", _gbk_csv(tmp_path / "t.csv", lines), today=TODAY)
    assert report.status == "refused"
    assert report.message == (
        f"文件中有列数不符的行（应为 4 列，实为 5 列）：2026-09,{code(1)},16,457,5；"
        "含逗号的单元格须加引号"
    )


def test_mapping_tables_name_real_columns_and_codes() -> None:
    for (feed_name, column_name), headers in header_variants().items():
        feeds = FEEDS.values() if feed_name == EVERY_FEED else [FEEDS[feed_name]]
        owners = [f for f in feeds if column_name in {c.name for c in f.read_columns}]
        assert owners, (feed_name, column_name, headers)
    for (feed_name, column_name), codes in value_codes().items():
        assert set(codes.values()) <= set(FEEDS[feed_name].column(column_name).allowed)
    assert "纳税人识别号" in FEEDS["tax"].column("credit_code").aliases
    assert dict(FEEDS["court_filings"].column("kind").codes)["首次执行"] == "enforcement"


def test_unlinked_opinion_events_count_for_no_enterprise() -> None:
    rows = [
        {
            "event_id": "E1",
            "first_seen_on": dt.date(2026, 10, 20),
            "credit_code": ACME,
            "heat": 45.0,
        },
        {
            "event_id": "E2",
            "first_seen_on": dt.date(2026, 10, 21),
            "credit_code": None,
            "enterprise_name": "青岛某某餐饮有限公司",
            "heat": 70.0,
        },
    ]
    frames = {**registry(ACME, OTHER), "opinion_events": feed_frame("opinion_events", rows)}
    values, _ = score_frames(frames, CONFIG, AS_OF)
    assert [(row["credit_code"], row["opinion_heat_30d"]) for row in values.to_pylist()] == [
        (ACME, 45.0),
        (OTHER, 0.0),
    ]


def test_a_short_csv_line_is_named_not_an_encoding_problem(tmp_path: Path) -> None:
    """The probe: one short row was refused as "文件编码无法识别"."""
    lines = [
        "月份,统一社会信用代码,应税收入,实缴税额",
        f"2026-09,{code(1)},16457,5",
        f"2026-09,{code(2)},16457",
    ]
    for name, write in (("gbk.csv", _gbk_csv), ("utf8.csv", _utf8_csv)):
        report = ingest_file(tmp_path / "var", "tax", write(tmp_path / name, lines), today=TODAY)
        assert (report.status, report.message) == (
            "refused",
            f"文件中有列数不符的行（应为 4 列，实为 3 列）：2026-09,{code(2)},16457；"
            "每行须有表头的全部列，空单元格也要留出逗号",
        )


def _utf8_csv(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _sparse(path: Path, size: int, head: bytes = b"") -> Path:
    """A file of `size` bytes that takes no disk: `head`, then NUL bytes (the probe's 2 GB)."""
    with path.open("wb") as handle:
        handle.write(head)
        handle.truncate(size)
    return path


def test_a_huge_all_nul_file_is_refused_from_its_first_bytes(tmp_path: Path) -> None:
    path = _sparse(tmp_path / "zeros.csv", 2 << 30)
    report = ingest_file(tmp_path / "var", "tax", path, today=TODAY)
    assert (report.status, report.message) == (
        "refused",
        "文件不是文本 CSV：zeros.csv 第 1 个字节是 NUL 字符（应为 UTF-8 或 GBK 编码的文本）",
    )


def test_a_file_without_a_header_line_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "one-line.csv"
    path.write_bytes(b"x" * (store.MAX_HEADER_BYTES + 10))
    report = ingest_file(tmp_path / "var", "tax", path, today=TODAY)
    assert report.message == (
        "文件首行超过 64 KB 仍未换行：one-line.csv 不是每行一条记录的 CSV 文件（首行应为表头）"
    )


def test_a_line_longer_than_a_read_block_is_named(tmp_path: Path) -> None:
    """Valid rows for longer than the first megabyte the encoding is sniffed from, then NUL
    bytes without a line break: refused in Chinese, naming the cause."""
    rows = [f"2026-{1 + i // 10000 % 12:02d},{code(i % 10000 + 1)},16457,5" for i in range(30000)]
    path = _utf8_csv(tmp_path / "tail.csv", ["月份,统一社会信用代码,应税收入,实缴税额", *rows])
    with path.open("r+b") as handle:
        handle.truncate(16 << 20)
    report = ingest_file(tmp_path / "var", "tax", path, today=TODAY)
    assert (report.status, report.message) == (
        "refused",
        "文件中有超过 4 MB 的一行：tail.csv（不是每行一条记录的 CSV 文件，或有未闭合的引号）",
    )


def test_a_key_repeated_many_times_names_twenty_rows_and_the_count(tmp_path: Path) -> None:
    """A reason names at most 20 other rows: a key repeated a million times would otherwise
    write a million row numbers on each of its million lines."""
    lines = ["月份,统一社会信用代码,应税收入,实缴税额"]
    lines += [f"2026-09,{code(1)},{100 + number},5" for number in range(25)]
    root = tmp_path / "var"
    report = ingest_file(root, "tax", _gbk_csv(tmp_path / "t.csv", lines), today=TODAY)
    assert (report.rows_taken, report.rows_rejected) == (0, 25)
    why = "统一社会信用代码、月份相同但内容不同，无法判断哪一行正确"
    first_lines = _row_report(report)[:2]
    assert first_lines == [
        ("2", "未入库", f"与第{'、'.join(str(row) for row in range(3, 23))}等24行{why}"),
        ("3", "未入库", f"与第2、{'、'.join(str(row) for row in range(4, 23))}等24行{why}"),
    ]
    assert report.reasons == {f"与第N行{why}": 25}


def test_rows_are_numbered_across_read_blocks(tmp_path: Path, monkeypatch) -> None:
    """A file is read a block at a time (4 MB of CSV, 65,536 XLSX rows): the row numbers of
    the report run on across blocks."""
    monkeypatch.setattr(store, "CSV_BLOCK_BYTES", 256)
    monkeypatch.setattr(store, "SOURCE_BATCH_ROWS", 3)
    header = ["月份", "统一社会信用代码", "应税收入", "实缴税额"]
    rows = [["2026-09", code(number), "16457", "5"] for number in range(1, 41)]
    rows[16][2] = "-1"  # row 18 of the file
    rows[38][0] = "2031-01"  # row 40
    root = tmp_path / "var"
    csv_file = _gbk_csv(tmp_path / "t.csv", [",".join(row) for row in [header, *rows]])
    xlsx_file = _xlsx(tmp_path / "t.xlsx", [header, *[[*row[:2], "1", *row[3:]] for row in rows]])
    report = ingest_file(root, "tax", csv_file, today=TODAY)
    assert (report.rows_read, report.rows_taken) == (40, 38)
    assert _row_report(report) == [
        ("18", "未入库", "应税收入为负数"),
        ("40", "未入库", "月份晚于本月"),
    ]
    report = ingest_file(root, "tax", xlsx_file, today=TODAY)
    assert (report.rows_read, report.rows_taken) == (40, 39)
    assert _row_report(report) == [("40", "未入库", "月份晚于本月")]


def test_a_gbk_file_plain_ascii_for_its_first_blocks_is_read_again_as_gbk(
    tmp_path: Path, monkeypatch
) -> None:
    """The encoding is guessed from the first megabyte; a GBK file whose Chinese comes later
    fails to decode some blocks in, and is read again from the start as GBK."""
    monkeypatch.setattr(store, "CSV_BLOCK_BYTES", 1 << 16)
    rows = [f"2026-10-01,{code(1 + number % 5000)},labor_arbitration,{1 + number % 9},500"
            for number in range(30_000)]  # fmt: skip
    lines = ["filed_on,credit_code,kind,plaintiffs,amount", *rows]
    lines.append(f"2026-10-02,{code(1)},劳动仲裁,99,500")
    source = _gbk_csv(tmp_path / "c.csv", lines)
    assert source.stat().st_size > store.SNIFF_BYTES
    report = ingest_file(tmp_path / "var", "court_filings", source, today=TODAY)
    assert (report.status, report.rows_read) == ("loaded", 30_001)
    assert ("labor_arbitration", 99) in _stored(
        tmp_path / "var", "court_filings", "kind", "plaintiffs"
    )


def test_a_batch_works_in_the_data_dir_and_clears_what_a_killed_one_left(tmp_path: Path) -> None:
    """The batch database spills to feeds/_work/ in the data dir; a folder there whose lock
    no process holds (its process was killed) goes with the next batch."""
    root = tmp_path / "var"
    work = store.feeds_dir(root) / store.WORK_FOLDER
    abandoned = work / "4242-deadbeef"
    abandoned.mkdir(parents=True)
    (abandoned / "duckdb_temp_block.tmp").write_bytes(b"x" * 1024)
    (work / "4242-deadbeef.lock").touch()
    lines = ["月份,统一社会信用代码,应税收入,实缴税额", f"2026-09,{code(1)},16457,5"]
    report = ingest_file(root, "tax", _gbk_csv(tmp_path / "t.csv", lines), today=TODAY)
    assert report.rows_taken == 1
    assert list(work.iterdir()) == []


def test_the_row_report_is_written_a_range_of_rows_at_a_time(tmp_path: Path, monkeypatch) -> None:
    """The report joins and sorts one range of rows at a time (250,000 rows; 4 here), so a
    file of millions of bad rows stays within the batch's memory: its lines still run in row
    order across the ranges, the first and last rows of a range included."""
    monkeypatch.setattr(row_report, "REPORT_RANGE_ROWS", 4)
    header = ["月份", "统一社会信用代码", "应税收入", "实缴税额"]
    rows = [["2026-09", code(number), "16457", "5"] for number in range(1, 13)]
    for index in (0, 3, 4, 7, 11):  # rows 2, 5, 6, 9 and 13 of the file
        rows[index][2] = "-1"
    csv_file = _gbk_csv(tmp_path / "t.csv", [",".join(row) for row in [header, *rows]])
    report = ingest_file(tmp_path / "var", "tax", csv_file, today=TODAY)
    assert (report.rows_read, report.rows_taken) == (12, 7)
    assert _row_report(report) == [
        (str(row), "未入库", "应税收入为负数") for row in (2, 5, 6, 9, 13)
    ]
