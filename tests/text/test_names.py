"""Enterprise names: normalising and taking them apart."""

from __future__ import annotations

import pytest

from laborwatch.text.names import (
    NameParts,
    core_name,
    is_anonymised,
    is_described_not_named,
    name_parts,
    normalise,
    normalise_keep,
    strip_legal_form,
    strip_region,
)


def test_normalise_folds_full_width_and_brackets_and_drops_spaces():
    assert normalise("青岛（ＡＢＣ）海澜 服饰【集团】") == "青岛(ABC)海澜服饰[集团]"


def test_normalise_keep_keeps_length():
    text = "（投诉）　ＡＢ青岛"
    assert len(normalise_keep(text)) == len(text)


@pytest.mark.parametrize(
    ("name", "stripped"),
    [
        ("青岛海澜集团股份有限公司", "青岛海澜"),
        ("青岛海澜服饰有限公司", "青岛海澜服饰"),
        ("海澜(有限合伙)", "海澜"),
        ("红星机械厂", "红星机械"),
        ("公司", "公司"),
        ("海澜", "海澜"),
    ],
)
def test_strip_legal_form(name, stripped):
    assert strip_legal_form(name) == stripped


@pytest.mark.parametrize(
    ("name", "core"),
    [
        ("青岛海澜服饰有限公司", "海澜服饰"),
        ("山东青岛海澜服饰有限公司", "海澜服饰"),
        ("青岛市黄岛区顺达建筑工程有限公司", "顺达建筑工程"),
        ("海澜服饰有限公司", "海澜服饰"),
    ],
)
def test_core_name(name, core):
    assert core_name(name) == core


def test_region_alone_is_not_stripped_to_nothing():
    assert strip_region("青岛") == "青岛"
    assert strip_region("青岛港") == "青岛港"


@pytest.mark.parametrize(
    "mention", ["某公司", "某某建筑公司", "X公司", "XX物流", "××厂", "＊＊公司"]
)
def test_anonymised(mention):
    assert is_anonymised(normalise(mention))


def test_named_firm_is_not_anonymised():
    assert not is_anonymised("青岛海澜服饰有限公司")


@pytest.mark.parametrize(
    ("mention", "described"),
    [
        ("李沧一家物业公司", True),
        ("我们公司", True),
        ("建设集团", True),
        ("青岛海澜服饰有限公司", False),
        ("浙商银行", False),
        ("小米", False),
    ],
)
def test_described_not_named(mention, described):
    assert is_described_not_named(mention) is described


def test_the_city_of_a_region_does_not_eat_shi_zheng():
    assert strip_region("青岛市政工程有限公司") == "市政工程有限公司"
    assert strip_region("青岛市市政工程有限公司") == "市政工程有限公司"
    assert strip_region("山东青岛市场服务有限公司") == "市场服务有限公司"


def test_place_name():
    from laborwatch.text.names import is_place_name

    assert is_place_name("山东")
    assert is_place_name("青岛市黄岛区")
    assert not is_place_name("山东鑫源")


@pytest.mark.parametrize(
    ("name", "parts"),
    [
        ("柳州国联运输集团有限公司", ("柳州", "国联", "运输", "集团有限公司")),
        ("深圳市腾讯计算机系统有限公司", ("深圳市", "腾讯", "计算机系统", "有限公司")),
        ("携程计算机技术（上海）有限公司", ("上海", "携程", "计算机技术", "有限公司")),
        ("青岛市黄岛区宏远建筑劳务有限公司", ("青岛市黄岛区", "宏远", "建筑劳务", "有限公司")),
        ("银川新华百货股份有限公司", ("银川", "新华", "百货", "股份有限公司")),
        ("海尔集团公司", ("", "海尔", "", "集团公司")),
        # Two characters stay a trade name even where they read as an industry: 中运 物流.
        ("中运物流有限公司", ("", "中运", "物流", "有限公司")),
        ("李沧万家福超市", ("李沧", "万家福", "超市", "")),
        ("國聯運輸集團有限公司", ("", "国联", "运输", "集团有限公司")),
        # A county's name (龙湖) that would leave an industry word alone is the trade name; a
        # city's (青岛) stays the place.
        ("北京龙湖置业有限公司", ("北京", "龙湖", "置业", "有限公司")),
        ("青岛国际贸易有限公司", ("青岛", "国际", "贸易", "有限公司")),
        ("北京科技园置业股份有限公司", ("北京", "科技园", "置业", "股份有限公司")),
        ("青岛西海岸新区金东阳食品有限公司", ("青岛西海岸新区", "金东阳", "食品", "有限公司")),
    ],
)
def test_name_parts_of_registered_names(name, parts):
    assert name_parts(name) == NameParts(*parts)


def test_traditional_characters_fold_to_simplified_keeping_offsets():
    text = "我在國聯運輸上班"
    assert normalise_keep(text) == "我在国联运输上班"
    assert len(normalise_keep(text)) == len(text)
