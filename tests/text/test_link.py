"""Enterprise linking: full, region-less, former, short and misspelt names; withheld names."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from laborwatch.text.link import FORMER, FULL, FUZZY, SHORT, TRADE, Linker, place_cues
from laborwatch.text.registry import read_registry


@pytest.fixture
def linker(registry_rows) -> Linker:
    return Linker.from_rows(registry_rows)


def only_mention(linker: Linker, text: str, *, context: str = ""):
    mentions = linker.mentions(text, context=context)
    assert len(mentions) == 1, mentions
    mention = mentions[0]
    assert text[mention.start : mention.end] == mention.text
    return mention


def test_full_name_links_with_high_confidence(linker):
    text = "我在青岛海澜服饰有限公司上班，老板拖欠工资三个月了"
    mention = only_mention(linker, text)
    assert (mention.start, mention.end, mention.text) == (2, 12, "青岛海澜服饰有限公司")
    assert mention.best.credit_code == "91370202MA3C4HL11X"
    assert mention.best.match_kind == FULL
    assert mention.best.confidence == 0.99
    assert len(mention.candidates) == 1


def test_name_without_region_is_still_the_full_name(linker):
    mention = only_mention(linker, "海澜服饰有限公司欠我们两个月工资")
    assert mention.text == "海澜服饰有限公司"
    assert mention.best.match_kind == FULL
    assert mention.best.confidence == 0.95


def test_former_name(linker):
    mention = only_mention(linker, "这家厂原来叫青岛海澜制衣厂，后来改名了")
    assert mention.text == "青岛海澜制衣厂"
    assert mention.best.credit_code == "91370202MA3C4HL11X"
    assert mention.best.match_kind == FORMER


def test_short_name_before_company_context_is_likelier(linker):
    mention = only_mention(linker, "我在顺达建筑的工地上干活")
    assert mention.text == "顺达建筑"
    assert mention.best.match_kind == SHORT
    assert mention.best.confidence == 0.9


def test_shared_short_name_gives_every_candidate_and_splits_confidence(linker):
    mention = only_mention(linker, "我在海澜上班")
    assert mention.text == "海澜"
    assert {c.credit_code for c in mention.candidates} == {
        "91370202MA3C4HL11X",
        "91310000MA1G5WW55B",
    }
    assert all(c.confidence < 0.5 for c in mention.candidates)


def test_missing_legal_form_is_a_near_miss_spanning_the_shorter_form(linker):
    mention = only_mention(linker, "鑫源物流公司三个月没发工资")
    assert mention.text == "鑫源物流公司"
    assert mention.best.credit_code == "91370100MA3E7PR33Z"
    assert mention.best.match_kind == FUZZY


def test_typo_in_a_long_trade_name_links_fuzzily(linker):
    text = "青岛金鼎盛事餐饮管理有限公司不发工资"
    mention = only_mention(linker, text)
    assert mention.best.credit_code == "91370212MA3H3XY66C"
    assert mention.best.match_kind == FUZZY
    assert 0.6 < mention.best.confidence < 0.85
    assert mention.end == text.index("不发")


def test_a_different_two_character_trade_name_is_not_linked(linker):
    assert linker.mentions("青岛华达建筑工程有限公司的工地") == []


def test_generic_registered_name_matches_only_whole(linker):
    # 青岛建筑工程有限公司 is registered; its region-less form names any building firm.
    text = "我们在青岛顺大建筑工程有限公司干活"
    codes = {c.credit_code for c in linker.link(text)}
    assert "91370203MA3F9TT44A" not in codes
    exact = only_mention(linker, "在青岛建筑工程有限公司旁边")
    assert exact.best.credit_code == "91370203MA3F9TT44A"


@pytest.mark.parametrize(
    "text", ["某某建筑公司欠薪不给", "X公司不给钱", "某海澜服饰公司", "XX物流公司一直拖欠工资"]
)
def test_anonymised_names_are_not_linked(linker, text):
    assert linker.mentions(text) == []


def test_full_width_text_keeps_offsets(linker):
    text = "（投诉）ＡＢ青岛海澜服饰有限公司"
    mention = only_mention(linker, text)
    assert text[mention.start : mention.end] == "青岛海澜服饰有限公司"


def test_link_flattens_candidates_in_text_order(linker):
    text = "先在顺达建筑干，后来去了青岛海澜服饰有限公司"
    candidates = linker.link(text)
    assert [c.matched_text for c in candidates] == ["顺达建筑", "青岛海澜服饰有限公司"]
    assert all(text[c.start : c.end] == c.matched_text for c in candidates)


def test_registry_from_parquet(registry_parquet: Path):
    entries = read_registry(registry_parquet)
    assert len(entries) == 6
    assert entries[0].short_names == ("海澜",)
    assert entries[0].former_names == ("青岛海澜制衣厂",)
    linker = Linker(entries)
    assert linker.link("青岛海澜制衣厂")[0].match_kind == FORMER


def test_registry_from_csv_with_separated_lists(tmp_path: Path):
    path = tmp_path / "registry.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["credit_code", "name", "short_names", "former_names"])
        writer.writerow(["91370202MA3C4HL11X", "青岛海澜服饰有限公司", "海澜;海澜服饰", ""])
    entries = read_registry(path)
    assert entries[0].short_names == ("海澜", "海澜服饰")
    assert entries[0].former_names == ()


def test_registry_from_xlsx(tmp_path: Path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["credit_code", "name", "short_names", "former_names"])
    sheet.append(["91370202MA3C4HL11X", "青岛海澜服饰有限公司", "海澜", "青岛海澜制衣厂"])
    path = tmp_path / "registry.xlsx"
    workbook.save(path)
    linker = Linker.from_file(path)
    assert linker.link("青岛海澜制衣厂")[0].credit_code == "91370202MA3C4HL11X"


def test_registry_row_without_name_is_refused():
    with pytest.raises(ValueError, match="credit_code and name"):
        Linker.from_rows([{"credit_code": "91370202MA3C4HL11X", "name": ""}])


def test_empty_registry_links_nothing():
    assert Linker([]).mentions("青岛海澜服饰有限公司") == []


def test_place_name_as_short_name_is_not_indexed():
    row = {
        "credit_code": "91370000MA3C4HL11X",
        "name": "山东工程咨询有限公司",
        "short_name": "山东",
    }
    linker = Linker.from_rows([row])
    assert linker.mentions("我是山东人，在青岛打工") == []


def test_trade_words_common_in_the_registry_are_not_a_name():
    # 通信技术 is in one name of every few: without its region the name names a trade.
    rows = [
        {"credit_code": f"91370200MA3C{i:06d}", "name": f"青岛{brand}通信技术有限公司"}
        for i, brand in enumerate(
            f"{a}{b}" for a in "东西南北中华金银铜铁" for b in "春夏秋冬山水云雨风月"
        )
    ]
    rows.append({"credit_code": "91370200MA3D000001", "name": "中华通信技术有限公司"})
    linker = Linker.from_rows(rows)
    text = "我在青岛马锋通信技术有限公司上班"
    assert all(c.credit_code != "91370200MA3D000001" for c in linker.link(text))
    assert linker.link("在中华通信技术有限公司上班")[0].credit_code == "91370200MA3D000001"


def test_former_and_short_names_lead_to_every_enterprise_bearing_them():
    linker = Linker.from_rows(
        [
            {"credit_code": "A", "name": "海尔集团公司", "short_names": ["海尔"]},
            {"credit_code": "B", "name": "海信集团有限公司", "short_names": ["海信", "海尔"]},
            {"credit_code": "C", "name": "青岛新厂", "former_names": ["青岛电冰箱总厂"]},
        ]
    )
    assert linker.known_as("海尔") == ["A", "B"]
    assert linker.known_as("青岛电冰箱总厂") == ["C"]
    assert linker.known_as("海尔集团公司") == []  # the registered name is not another name


def test_closest_names_compares_names_sharing_a_piece_of_the_told_one():
    linker = Linker.from_rows(
        [
            {"credit_code": "A", "name": "青岛鑫瑞泰建筑工程有限公司"},
            {"credit_code": "B", "name": "青岛海澜服饰有限公司"},
            {"credit_code": "C", "name": "北京宏远物流有限公司"},
        ]
    )
    found = linker.closest_names("青岛鑫瑞太建筑工程有限公司", limit=5, min_score=80)
    assert [(code, name) for code, name, _ in found] == [("A", "青岛鑫瑞泰建筑工程有限公司")]
    assert found[0][2] == pytest.approx(92.3, abs=0.1)
    assert linker.closest_names("毫不相干", limit=5, min_score=80) == []


TRADE_REGISTRY = [
    {"credit_code": "91450200MA5K0GL01A", "name": "柳州国联运输集团有限公司"},
    {"credit_code": "91370200MA3K0GL02B", "name": "青岛国联物流有限公司"},
    {"credit_code": "91370200MA3K0ZX03C", "name": "青岛中兴达机械制造有限公司"},
    {"credit_code": "91370200MA3K0LT04D", "name": "中国联合网络通信有限公司青岛市分公司"},
]


@pytest.fixture
def trade_linker() -> Linker:
    return Linker.from_rows(TRADE_REGISTRY)


def test_trade_name_with_industry_links_the_firm(trade_linker):
    mention = only_mention(trade_linker, "我在国联运输开货车，老板欠了三个月运费")
    assert mention.text == "国联运输"
    assert [(c.credit_code, c.match_kind, c.confidence) for c in mention.candidates] == [
        ("91450200MA5K0GL01A", TRADE, 0.8)
    ]


def test_unique_trade_name_with_company_ending_links_the_firm(trade_linker):
    mention = only_mention(trade_linker, "中兴达公司拖欠我们工资")
    assert mention.text == "中兴达公司"
    assert [(c.credit_code, c.match_kind, c.confidence) for c in mention.candidates] == [
        ("91370200MA3K0ZX03C", TRADE, 0.75)
    ]


def test_shared_trade_name_returns_every_firm_with_an_ambiguous_confidence(trade_linker):
    mention = only_mention(trade_linker, "国联公司拖欠工资两个月")
    assert mention.text == "国联公司"
    assert sorted((c.credit_code, c.confidence) for c in mention.candidates) == [
        ("91370200MA3K0GL02B", 0.53),
        ("91450200MA5K0GL01A", 0.53),
    ]


def test_the_place_in_the_text_ranks_the_firm_of_that_place_first(trade_linker):
    mention = only_mention(trade_linker, "柳州的国联公司拖欠工资两个月")
    assert [(c.credit_code, c.confidence) for c in mention.candidates] == [
        ("91450200MA5K0GL01A", 0.63),
        ("91370200MA3K0GL02B", 0.53),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "我在国联上班",  # two bare characters: as likely a word
        "中国联通营业厅的人态度很差",  # 国联 inside 中国联通
        "某某运输公司拖欠工资",
        "X公司拖欠工资",
    ],
)
def test_bare_short_trade_names_and_withheld_names_are_not_linked(trade_linker, text):
    assert trade_linker.mentions(text) == []


def test_traditional_characters_link_with_offsets_of_the_text(trade_linker):
    text = "我們在國聯運輸上班"
    mention = only_mention(trade_linker, text)
    assert (mention.start, mention.end, mention.text) == (3, 7, "國聯運輸")
    assert mention.best.credit_code == "91450200MA5K0GL01A"


def test_the_callers_context_ranks_the_firm_of_its_place_first(trade_linker):
    mention = only_mention(trade_linker, "国联公司拖欠工资两个月", context="柳州市城中区")
    assert [(c.credit_code, c.confidence) for c in mention.candidates] == [
        ("91450200MA5K0GL01A", 0.63),
        ("91370200MA3K0GL02B", 0.53),
    ]


def test_firms_named_alike_in_two_districts_are_ranked_by_the_district_named():
    # 国联运输 is both firms' name without place and legal form; 青岛 is common to them.
    linker = Linker.from_rows(
        [
            {"credit_code": "L", "name": "青岛市李沧区国联运输有限公司"},
            {"credit_code": "H", "name": "山东省青岛市黄岛区国联运输有限公司"},
        ]
    )

    def ranked(text, context=""):
        return [
            (c.credit_code, c.confidence)
            for c in only_mention(linker, text, context=context).candidates
        ]

    assert sorted(ranked("国联运输拖欠工资")) == [("H", 0.594), ("L", 0.594)]
    assert ranked("国联运输拖欠工资", context="李沧区总工会") == [("L", 0.694), ("H", 0.594)]
    assert ranked("黄岛的国联运输拖欠工资") == [("H", 0.694), ("L", 0.594)]
    assert ranked("青岛国联运输拖欠工资")[0][1] == ranked("青岛国联运输拖欠工资")[1][1]


@pytest.mark.parametrize(
    ("place", "text", "units"),
    [
        ("青岛市李沧区", "李沧区总工会", 1),
        ("青岛市李沧区", "青岛李沧的工地", 2),
        ("山东省青岛市黄岛区", "李沧区", 0),
        ("柳州", "柳州市城中区", 1),
        ("广西壮族自治区柳州市", "柳州", 1),
    ],
)
def test_place_cues_count_the_units_of_a_place_the_text_names(place, text, units):
    assert place_cues(place, text) == units


def test_a_name_registered_without_region_ranks_first_when_met_as_written():
    linker = Linker.from_rows(
        [
            {"credit_code": "SH", "name": "上海凯奕投资咨询管理有限公司"},
            {"credit_code": "CN", "name": "凯奕投资咨询管理有限公司"},
        ]
    )
    ranked = only_mention(linker, "我在凯奕投资咨询管理上班").candidates
    assert [c.credit_code for c in ranked] == ["CN", "SH"]
    assert ranked[0].confidence - ranked[1].confidence < 0.05  # still ambiguous
    ranked = only_mention(linker, "我在上海的凯奕投资咨询管理上班").candidates
    assert ranked[0].credit_code == "SH"


def test_a_trade_name_holding_an_industry_word_is_indexed():
    linker = Linker.from_rows(
        [
            {"credit_code": "K", "name": "北京科技园置业股份有限公司"},
            {"credit_code": "L", "name": "北京龙湖置业有限公司"},
        ]
    )
    assert only_mention(linker, "科技园置业欠我工资").candidates[0].credit_code == "K"
    assert only_mention(linker, "科技园公司欠我工资").candidates[0].credit_code == "K"
    assert only_mention(linker, "龙湖公司欠我工资").candidates[0].credit_code == "L"
    assert linker.link("置业公司欠我工资") == []


def test_one_character_before_an_industry_word_is_no_trade_name():
    linker = Linker.from_rows([{"credit_code": "Y", "name": "青岛阳食品有限公司"}])
    assert linker.link("太阳食品店进行抢劫") == []


def test_a_number_unit_is_not_read_as_a_short_name():
    linker = Linker.from_rows(
        [{"credit_code": "W", "name": "青岛万美元水产有限公司", "short_names": "万美元"}]
    )
    assert linker.link("以180万美元成交") == []
    assert [c.credit_code for c in linker.link("在万美元上班")] == ["W"]
