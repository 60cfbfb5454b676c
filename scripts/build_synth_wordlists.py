"""Build the synthetic city's brand-character list from real organisation names (CLUENER2020).

Reads the "company" spans of CLUENER2020 `train.json` (JSON lines), strips legal forms, industry
words and place names, and counts in how many distinct names each remaining character
appears: what is left of a real company name once those are gone is its brand (字号).
Characters that make implausible brands (function words, ill-omened characters, industry and
administrative words, transliterations, rare characters outside GB 2312 level 1) are dropped.
The result is a commit-ready data file the generator ships with; the generator itself never
reads the corpus.

    .venv/bin/python scripts/build_synth_wordlists.py \
        [--source /work/shared/data/cluener2020/train.json] \
        [--out src/laborwatch/synth/data/brand_chars.txt]
"""

from __future__ import annotations

import argparse
import collections
import json
import re
import sys
from pathlib import Path

DEFAULT_SOURCE = Path("/work/shared/data/cluener2020/train.json")
DEFAULT_OUT = Path(__file__).resolve().parents[1] / "src/laborwatch/synth/data/brand_chars.txt"

# Whole words removed before counting: legal forms, branch words, industry words.
NON_BRAND_WORDS = [
    "有限责任公司",
    "股份有限公司",
    "集团有限公司",
    "有限公司",
    "集团公司",
    "总公司",
    "分公司",
    "公司",
    "集团",
    "控股",
    "股份",
    "银行",
    "分行",
    "支行",
    "总行",
    "总部",
    "营业部",
    "信用卡",
    "信用社",
    "农商行",
    "中心",
    "证券",
    "保险",
    "财险",
    "寿险",
    "期货",
    "基金",
    "信托",
    "地产",
    "置业",
    "房地产",
    "物业",
    "科技",
    "网络",
    "传媒",
    "影业",
    "娱乐",
    "工作室",
    "事务所",
    "律师",
    "研究院",
    "研究所",
    "设计院",
    "商业",
    "农村",
    "合作",
    "商务",
    "国际",
    "电子",
    "汽车",
    "航空",
    "钢铁",
    "能源",
    "石油",
    "化工",
    "实业",
    "投资",
    "发展",
    "管理",
    "咨询",
    "顾问",
    "贸易",
    "电视台",
    "出版社",
    "报社",
    "文化",
    "体育",
    "足球",
    "俱乐部",
    "小额贷款",
    "彩票",
    "拍卖行",
    "食品",
    "制作",
    "互动",
    "软件",
    "游戏",
    "酒店",
    "工业",
    "建筑",
    "设计",
    "工程",
    "分社",
    "经纪",
    "代理",
    "服务",
    "电影",
    "影视",
    "动画",
    "工厂",
    "兵工厂",
    "医院",
    "学校",
    "大学",
    "学院",
    "照相馆",
    "事业部",
    "养殖",
    "留学",
    "项目",
    "团队",
    "商行",
    "储蓄",
    "邮政",
    "农业",
    "工商",
    "建设",
    "交通",
    "招商",
    "民生",
    "光大",
    "浦发",
    "兴业",
    "华夏",
    "平安",
    "人保",
    "联通",
    "移动",
    "电信",
    "网站",
    "频道",
    "新闻",
    "日报",
    "晚报",
]

# Place words: a brand is what remains once the administrative division is removed.
PLACE_WORDS = [
    "中华人民共和国",
    "中华",
    "中国",
    "全国",
    "国内",
    "海外",
    "亚洲",
    "欧洲",
    "美洲",
    "北京",
    "上海",
    "天津",
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
    "山东",
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
    "南京",
    "杭州",
    "武汉",
    "成都",
    "西安",
    "沈阳",
    "大连",
    "青岛",
    "济南",
    "厦门",
    "宁波",
    "苏州",
    "长沙",
    "郑州",
    "南宁",
    "昆明",
    "哈尔滨",
    "长春",
    "石家庄",
    "太原",
    "合肥",
    "南昌",
    "福州",
    "贵阳",
    "兰州",
    "西宁",
    "银川",
    "乌鲁木齐",
    "拉萨",
    "呼和浩特",
    "蒙城",
    "美国",
    "日本",
    "韩国",
    "英国",
    "法国",
    "德国",
    "意大利",
    "西班牙",
    "俄罗斯",
    "加拿大",
    "澳大利亚",
    "新加坡",
    "泰国",
    "印度",
    "巴西",
    "荷兰",
    "瑞士",
    "瑞典",
    "纽约",
    "伦敦",
    "东京",
    "巴黎",
    "首尔",
    "华尔街",
    "省",
    "市",
    "县",
    "区",
]

# Characters that read wrong in a company's brand, by why they are out.
IMPLAUSIBLE_CHARS = set(
    # grammar words, pronouns, measure words, time words
    "的了是在和与及之其某该这那个们为对于从向把被就都也又还而且或但如若即乃所以因此"
    "你我他她它吗呢吧啊哦嗯么只件些次年月日时分秒上下有自主每第总属间里后出"
    # ill omens and unpleasant things
    "死亡病丧灾祸贫穷毒杀凶恶哭残败亏欠贱骗假鬼魔尸坟墓葬狱罪囚奴妓赌淫屎尿屁蛆"
    "渣烂懒猪蛇炮破赔险暴战舰刀冲炒捞孩皮屈窖碑堆避四二两"
    # the industry slot and the legal form carry these, not the brand
    "公司行业局部院厅处社会委办店厂网报台站馆校室队组科团限责任股份省市县区乡镇村路街"
    "号楼层工农交商贸产品制造运输装饰设计技术软电机汽油钢铁矿粮邮储资财贷款券票币"
    "售销卖购货零收支付用算研究训教育题试论证警监督媒视播影游彩房屋地库场空旅餐饮"
    "经营企事务外介私专体具动化物理数法派构策略划备编辑链线织衣材标灯画盘气像书修"
    "能置素寿度想型培字控探掌摇擎杂流测淘淡湃玩现界番硅硬脂棉片户手本权政族"
    "军官臣皇打携完拍保人子小口直谱酷横照率纵藏连锡鱼鹅封密寄少岗征念息"
    # transliterations of foreign brands
    "斯尼索曼摩玛哥伊孜坎塞逊菲蒂肯庞巴拉卡洛盖瑰玫茄堡廊塔坛廉克根阿佛哈"
    # other provinces' and cities' abbreviations (a Qingdao brand would not use them)
    "沪湘粤皖陕陇浙荆邯邵邹邑烟州"
    # odd leftovers of foreign or institutional names
    "兄弟必球"
    # words of service and process rather than names
    "招际投活传住关助历客什代伞供准功劳勘娱据服概氏积竞简纺结绘综缔考解预驻验鲜锁观跨"
    "草咸壁定门快"
)

CJK = re.compile(r"[\u4e00-\u9fff]")


def company_names(source: Path) -> set[str]:
    """The distinct company spans of the corpus."""
    names: set[str] = set()
    with source.open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            names.update(record["label"].get("company", {}))
    return names


def brand_part(name: str) -> str:
    """What is left of a company name once non-CJK text, place and industry words are gone."""
    text = "".join(CJK.findall(name))
    for word in sorted(PLACE_WORDS + NON_BRAND_WORDS, key=len, reverse=True):
        text = text.replace(word, " ")
    return text.replace(" ", "")


def is_common_character(char: str) -> bool:
    """True for GB 2312 level-1 characters (the 3,755 most common hanzi)."""
    try:
        encoded = char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return len(encoded) == 2 and 0xB0 <= encoded[0] <= 0xD7


def brand_character_weights(names: set[str]) -> list[tuple[str, int]]:
    """(character, number of distinct company names whose brand uses it), heaviest first.

    Distinct names rather than mentions, so that a bank in the news every day does not
    dominate; ties are broken by code point so the file is the same on every run.
    """
    weights: collections.Counter[str] = collections.Counter()
    for name in names:
        for char in set(brand_part(name)):
            if is_common_character(char) and char not in IMPLAUSIBLE_CHARS:
                weights[char] += 1
    return sorted(weights.items(), key=lambda pair: (-pair[1], pair[0]))


def write_weights(pairs: list[tuple[str, int]], out: Path, source: Path) -> None:
    header = (
        f"# Brand (字号) characters learnt from the company spans of {source.name} (CLUENER2020)\n"
        "# by scripts/build_synth_wordlists.py; one `character<TAB>weight` per line.\n"
    )
    body = "".join(f"{char}\t{weight}\n" for char, weight in pairs)
    out.write_text(header + body, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    if not args.source.is_file():
        print(f"source not found / 找不到语料文件: {args.source}", file=sys.stderr)
        return 2
    names = company_names(args.source)
    pairs = brand_character_weights(names)
    write_weights(pairs, args.out, args.source)
    print(f"{len(names)} company names -> {len(pairs)} brand characters -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
