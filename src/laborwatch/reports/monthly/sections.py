"""The monthly report as a sequence of blocks (headings, paragraphs, tables, charts), written
once here and laid out by each renderer (Word, HTML, PDF) in its own way."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from laborwatch.reports.monthly.advice import percent
from laborwatch.reports.monthly.charts import Chart, monthly_charts
from laborwatch.reports.monthly.emerging import FALSE_DISCOVERY_RATE
from laborwatch.reports.monthly.report import (
    GROUP_CASE_WORKERS,
    SHANGHAI,
    CategoryChange,
    DistrictRow,
    Emerging,
    MonthlyReport,
    Sla,
)


@dataclass(frozen=True)
class Heading:
    text: str
    level: int


@dataclass(frozen=True)
class Text:
    text: str
    bullet: bool = False


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[list[str]]


@dataclass(frozen=True)
class Image:
    chart: Chart


Block = Heading | Text | Table | Image


def signed(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:+.1f}%"


def yuan(amount: Decimal) -> str:
    return f"{amount:,.2f}"


def _month_name(report: MonthlyReport) -> str:
    return f"{report.month.year}年{report.month.month}月"


def _overview(report: MonthlyReport, charts: dict[str, Chart]) -> list[Block]:
    blocks: list[Block] = [Heading("总体情况", 1)]
    if not report.total:
        blocks.append(Text(f"{_month_name(report)}{report.scope}未受理职工诉求，本月无统计数据。"))
        blocks.append(Image(charts["trend"]))
        return blocks
    blocks.append(
        Text(
            f"{_month_name(report)}，{report.scope}共受理职工诉求{report.total}件，"
            f"上月{report.previous_total}件，环比{signed(report.month_on_month)}；"
            f"去年同月{report.last_year_total}件，同比{signed(report.year_on_year)}。"
            f"工会牵头或参与调处率{percent(report.sla.mediation_rate)}，"
            f"24小时反馈率{percent(report.sla.feedback_rate)}，"
            f"按时办结率{percent(report.sla.on_time_rate)}，"
            f"追回工资{yuan(report.sla.wages_recovered)}元。"
        )
    )
    comment = large_change_comment(report)
    if comment:
        blocks.append(Text(comment))
    blocks.append(Image(charts["trend"]))
    blocks.append(
        Table(
            ["诉求类型", "件数", "占比"],
            [[c.label, str(c.count), percent(c.share)] for c in report.request_types],
        )
    )
    blocks.append(
        Table(
            ["受理渠道", "件数", "占比"],
            [[c.label, str(c.count), percent(c.share)] for c in report.channels],
        )
    )
    blocks.append(Image(charts["mix"]))
    return blocks


# A change in the month's volume this large (either way) is commented on for leaders.
LARGE_CHANGE = 0.3


def large_change_comment(report: MonthlyReport) -> str:
    """In plain words: the volume moved a lot from last month, and which demand moved most."""
    change = report.month_on_month
    if change is None or abs(change) < LARGE_CHANGE or not report.categories:
        return ""
    mover = max(report.categories, key=lambda row: (abs(row.count - row.previous), row.count))
    direction = "增加" if change > 0 else "减少"
    moved = "增加" if mover.count >= mover.previous else "减少"
    return (
        f"本月诉求量较上月{direction}{abs(change) * 100:.0f}%，变化较大，"
        f"其中“{mover.label}”{moved}最多（本月{mover.count}件，上月{mover.previous}件），"
        "建议关注其成因。"
    )


def _categories(report: MonthlyReport, charts: dict[str, Chart]) -> list[Block]:
    return [
        Heading("诉求类别", 1),
        Table(
            ["诉求类别", "本月", "上月", "环比", "去年同月", "同比"],
            [
                [*_month_on_month_cells(row), str(row.last_year), signed(row.year_on_year)]
                for row in report.categories
            ],
        ),
        Image(charts["categories"]),
    ]


def _month_on_month_cells(row: CategoryChange | DistrictRow) -> list[str]:
    """The leading columns of a comparison table: what, this month, last month, the change."""
    return [row.label, str(row.count), str(row.previous), signed(row.month_on_month)]


def _places(report: MonthlyReport, charts: dict[str, Chart]) -> list[Block]:
    return [
        Heading("区域与行业分布", 1),
        Table(
            ["区（市）", "本月", "上月", "环比", "按时办结率", "上月按时办结率"],
            [
                [
                    *_month_on_month_cells(row),
                    percent(row.on_time_rate),
                    percent(row.previous_on_time_rate),
                ]
                for row in report.districts
            ],
        ),
        *([Image(charts["districts"])] if "districts" in charts else []),
        Text("已关联企业的诉求按企业所属行业（GB/T 4754 门类）统计："),
        Table(
            ["行业", "件数", "占比"],
            [[c.label, str(c.count), percent(c.share)] for c in report.industries],
        ),
    ]


def _enterprises(report: MonthlyReport) -> list[Block]:
    blocks: list[Block] = [Heading("诉求集中的企业", 1)]
    if not report.enterprises:
        return [*blocks, Text("本月诉求均未关联到登记企业。")]
    return [
        *blocks,
        Table(
            ["企业", "属地", "行业", "诉求件数", "涉及职工", "群体性案件", "主要类别"],
            [
                [
                    row.name,
                    row.district,
                    row.industry,
                    str(row.cases),
                    str(row.workers),
                    str(row.group_cases),
                    row.top_category,
                ]
                for row in report.enterprises
            ],
        ),
    ]


def _rise_table(first: str, items: list[Emerging], *, statistics: bool = False) -> Table:
    headers = [first, "本月件数", "本月占比", "前几个月占比", "为前几个月的倍数"]
    if statistics:
        headers += ["基线件数", "p值", "q值"]
    rows = []
    for item in items:
        row = [
            item.label,
            str(item.rise.count),
            percent(item.rise.share),
            percent(item.rise.baseline_share),
            "新出现" if item.rise.baseline_count == 0 else f"{item.rise.ratio:.1f}倍",
        ]
        if statistics:
            row += [
                str(item.rise.baseline_count),
                f"{item.rise.p_value:.2g}",
                f"{item.rise.q_value:.2g}",
            ]
        rows.append(row)
    return Table(headers, rows)


def _months(report: MonthlyReport) -> str:
    return "、".join(f"{m.year}年{m.month}月" for m in report.baseline_months)


def _emerging(report: MonthlyReport) -> list[Block]:
    blocks: list[Block] = [Heading("新情况新问题", 1)]
    if not report.has_baseline:
        return [
            *blocks,
            Text(
                f"前6个月中有受理记录的月份只有{len(report.baseline_months)}个，"
                "可比较的数据不足，本月不作苗头性问题判断。"
            ),
        ]
    blocks.append(
        Text(
            f"与前{len(report.baseline_months)}个月（{_months(report)}）相比，下列诉求在本月全部"
            "诉求中所占的比重明显上升，且不是偶然波动，值得关注（判断方法见附录）。"
        )
    )
    if not report.emerging_categories and not report.emerging_terms:
        return [*blocks, Text("本月没有比重明显上升的诉求类别或词语。")]
    if report.emerging_categories:
        blocks += [Heading("比重明显上升的诉求类别", 2)]
        blocks += [_rise_table("诉求类别", report.emerging_categories)]
    if report.emerging_terms:
        blocks += [Heading("诉求描述中明显增多的说法", 2)]
        blocks += [_rise_table("词语", report.emerging_terms)]
    return blocks


def _appendix(report: MonthlyReport) -> list[Block]:
    """The method behind the emerging issues, for readers who check it."""
    if not report.has_baseline:
        return []
    blocks: list[Block] = [
        Heading("附录：苗头性问题的判断方法", 1),
        Text(
            f"以{_months(report)}为基线，逐一检验各诉求类别及诉求描述高频词在本月诉求中的占比"
            "是否显著高于基线（以两期总量为条件的精确二项检验，单侧；Benjamini–Hochberg "
            f"多重检验校正，q<{FALSE_DISCOVERY_RATE}）。只列出显著上升者。群体性案件按同一用人单位"
            f"涉及职工{GROUP_CASE_WORKERS}人及以上统计（省级规定口径）。"
        ),
    ]
    if report.emerging_categories:
        blocks.append(_rise_table("诉求类别", report.emerging_categories, statistics=True))
    if report.emerging_terms:
        blocks.append(_rise_table("词语", report.emerging_terms, statistics=True))
    return blocks


def _groups(report: MonthlyReport) -> list[Block]:
    blocks: list[Block] = [Heading("群体性案件", 1)]
    if not report.groups:
        return [
            *blocks,
            Text(f"本月无群体性案件（同一用人单位涉及职工{GROUP_CASE_WORKERS}人及以上）。"),
        ]
    workers = sum(group.workers for group in report.groups)
    return [
        *blocks,
        Text(
            f"本月受理的诉求涉及群体性案件（同一用人单位涉及职工{GROUP_CASE_WORKERS}人及以上）"
            f"{len(report.groups)}起，涉及职工{workers}人。"
        ),
        Table(
            ["编号", "企业", "属地", "主要类别", "本月工单", "涉及职工"],
            [
                [g.number, g.employer, g.district, g.category, str(g.cases), str(g.workers)]
                for g in report.groups
            ],
        ),
    ]


def _sla_rows(now: Sla, before: Sla) -> list[list[str]]:
    def days(value: float | None) -> str:
        return "—" if value is None else f"{value:.1f}"

    return [
        ["本月受理工单（件）", str(now.received), str(before.received)],
        ["24小时内反馈（件）", str(now.feedback_in_24h), str(before.feedback_in_24h)],
        ["24小时反馈率", percent(now.feedback_rate), percent(before.feedback_rate)],
        ["本月办结工单（件）", str(now.resolved), str(before.resolved)],
        ["按期办结（件）", str(now.resolved_on_time), str(before.resolved_on_time)],
        ["按时办结率", percent(now.on_time_rate), percent(before.on_time_rate)],
        ["工会牵头或参与调处（件）", str(now.union_mediated), str(before.union_mediated)],
        ["工会牵头或参与调处率", percent(now.mediation_rate), percent(before.mediation_rate)],
        [
            "办结用时中位数（天）",
            days(now.median_days_to_resolve),
            days(before.median_days_to_resolve),
        ],
        ["追回工资（元）", yuan(now.wages_recovered), yuan(before.wages_recovered)],
        ["惠及职工（人）", str(now.workers_covered), str(before.workers_covered)],
    ]


def _sla(report: MonthlyReport) -> list[Block]:
    return [
        Heading("办理时效与成效", 1),
        Text(
            "24小时反馈率：本月受理的工单中，受理后24小时内向职工反馈的比例；按时办结率："
            "本月办结的工单中，在办结时限内办结的比例；工会牵头或参与调处率：本月办结的工单中，"
            "由工会牵头或参与调处的比例；追回工资与惠及职工按本月办结的工单统计。"
        ),
        Table(["指标", "本月", "上月"], _sla_rows(report.sla, report.previous_sla)),
    ]


def _opinion(report: MonthlyReport) -> list[Block]:
    section = report.opinion
    assert section is not None  # monthly_blocks asks first
    blocks: list[Block] = [Heading("舆情核实", 1)]
    if not section.events:
        return [*blocks, Text("本月未发现涉及劳动关系的舆情事件。")]
    grades = "、".join(f"{grade}{count}起" for grade, count in section.by_grade)
    findings = "、".join(f"{finding}{count}起" for finding, count in section.findings)
    blocks.append(
        Text(
            f"本月新发现涉及劳动关系的舆情事件{section.events}起，其中{grades}。"
            f"核实结果：{findings}。应回应{section.responses_due}起，按时回应"
            f"{section.responded_on_time}起，超时回应{section.responded_late}起，逾期未回应"
            f"{section.unanswered_overdue}起，按时回应率{percent(section.on_time_rate)}；"
            f"经研判决定不予回应{section.declined}起。"
        )
    )
    blocks.append(Table(["舆情主题", "事件数"], [[t, str(n)] for t, n in section.topics]))
    if section.grave:
        blocks.append(Heading("重大舆情事件", 2))
        blocks.append(
            Table(
                ["编号", "舆情标题", "属地", "首发时间", "核实结果", "状态"],
                [
                    [
                        row.number,
                        row.title,
                        row.district or "未明确",
                        f"{row.first_seen_at.astimezone(SHANGHAI):%m-%d %H:%M}",
                        row.finding or "未核实",
                        row.status,
                    ]
                    for row in section.grave
                ],
            )
        )
    return blocks


def _advice(report: MonthlyReport) -> list[Block]:
    blocks: list[Block] = [Heading("预警建议", 1)]
    if not report.suggestions:
        return [*blocks, Text("本月数据未触发预警建议条件。")]
    return [*blocks, *(Text(line, bullet=True) for line in report.suggestions)]


def monthly_blocks(report: MonthlyReport) -> list[Block]:
    charts = monthly_charts(report)
    blocks: list[Block] = _overview(report, charts)
    if report.total:
        blocks += _categories(report, charts)
        blocks += _places(report, charts)
        blocks += _enterprises(report)
        blocks += _emerging(report)
        blocks += _groups(report)
    blocks += _sla(report)
    if report.opinion is not None:
        blocks += _opinion(report)
    if report.total:
        blocks += _advice(report)
        blocks += _appendix(report)
    return _numbered(blocks)


NUMERALS = "一二三四五六七八九十"


def _numbered(blocks: list[Block]) -> list[Block]:
    """一、二、… on the section headings, in the order the sections came out."""
    numbered: list[Block] = []
    sections = 0
    for block in blocks:
        if isinstance(block, Heading) and block.level == 1:
            block = Heading(f"{NUMERALS[sections]}、{block.text}", 1)
            sections += 1
        numbered.append(block)
    return numbered


def subtitle(report: MonthlyReport) -> str:
    return f"统计范围：{report.scope}　生成时间：{report.generated_at:%Y-%m-%d %H:%M}"
