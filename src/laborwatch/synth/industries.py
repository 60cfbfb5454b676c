"""GB/T 4754-2017 industry sections and how a Qingdao-like city's enterprises differ by section."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class SizeThresholds:
    """MIIT 2011 中小企业划型标准: a band needs at least this many staff AND this revenue (万元)."""

    large: tuple[int, int]
    medium: tuple[int, int]
    small: tuple[int, int]


INDUSTRIAL = SizeThresholds(large=(1000, 40000), medium=(300, 2000), small=(20, 300))
CONSTRUCTION = SizeThresholds(large=(0, 80000), medium=(0, 6000), small=(0, 300))
WHOLESALE = SizeThresholds(large=(200, 40000), medium=(20, 5000), small=(5, 1000))
TRANSPORT = SizeThresholds(large=(1000, 30000), medium=(300, 3000), small=(20, 200))
CATERING = SizeThresholds(large=(300, 10000), medium=(100, 2000), small=(10, 100))
SOFTWARE = SizeThresholds(large=(300, 10000), medium=(100, 1000), small=(10, 50))
FARMING = SizeThresholds(large=(0, 20000), medium=(0, 500), small=(0, 50))
OTHER = SizeThresholds(large=(300, 0), medium=(100, 0), small=(10, 0))

SIZE_BANDS = ("micro", "small", "medium", "large")


@dataclass(frozen=True)
class Industry:
    section: str
    name: str
    share: float  # % of enterprises by count
    median_staff: float  # median head count of its companies before scaling to the city total
    staff_spread: float  # sigma of log head count: larger means a heavier tail of big employers
    revenue_per_worker: float  # yuan a year
    wage: float  # average monthly wage, yuan
    kwh_per_worker: float  # electricity a month
    water_per_worker: float  # m³ a month
    male_share: float
    migrant_share: float  # workers with an identity number from outside Shandong
    episode_weight: float  # relative chance of a labour-relations risk episode
    injury_rate: float  # 工伤保险 employer rate
    tax_rate: float  # taxes paid over revenue for a general taxpayer
    thresholds: SizeThresholds
    company_words: tuple[str, ...]  # 行业表述 in company names
    shop_words: tuple[str, ...]  # for 个体工商户


# One line per section; the numeric columns are Industry's fields in order, `bands` names the
# MIIT thresholds. S and T register with other authorities (credit codes 1… or 5…), so the
# city has none of them.
PROFILES = """
section share staff spread revenue  wage  kwh  water male migrant episode injury tax   bands
A       2.5   4     1.2    100000   4200  600  15    0.55 0.15    1.0     0.004  0.005 farming
B       0.1   25    1.1    800000   7000  3000 20    0.9  0.3     1.0     0.019  0.06  industrial
C       10.5  10    1.9    600000   6200  2000 6     0.62 0.33    3.0     0.008  0.045 industrial
D       0.5   15    1.4    2000000  9500  8000 30    0.75 0.1     0.5     0.004  0.05  industrial
E       7.0   8     1.7    400000   6500  300  3     0.88 0.55    5.0     0.016  0.035 construction
F       31.0  2.4   1.35   1200000  5200  350  1.5   0.48 0.2     0.6     0.003  0.02  wholesale
G       4.5   5     1.6    400000   6500  500  1.5   0.8  0.35    2.5     0.008  0.03  transport
H       5.0   5     1.3    150000   4300  900  9     0.45 0.3     2.5     0.004  0.035 catering
I       5.0   4     1.4    500000   11000 300  1.2   0.6  0.15    0.4     0.002  0.05  software
J       1.2   6     1.3    1500000  13000 250  1.2   0.45 0.1     0.3     0.002  0.08  other
K       2.8   5     1.4    1500000  6800  300  1.5   0.55 0.2     1.0     0.003  0.07  other
L       13.5  2.4   1.45   300000   5500  200  1.2   0.55 0.25    1.2     0.003  0.04  other
M       7.0   3.5   1.3    350000   8500  400  1.5   0.6  0.15    0.4     0.003  0.04  other
N       0.8   6     1.3    250000   5000  600  5     0.6  0.3     1.5     0.004  0.03  other
O       4.5   3     1.2    120000   4200  400  4     0.4  0.25    1.2     0.003  0.03  other
P       1.0   5     1.2    150000   6800  250  2.5   0.3  0.1     0.4     0.002  0.02  other
Q       0.6   8     1.3    250000   7500  600  5     0.3  0.1     0.5     0.003  0.01  other
R       2.5   3     1.2    200000   6000  400  3     0.5  0.15    0.6     0.003  0.04  other
S       0.0   5     1.0    150000   6000  200  1.2   0.5  0.1     0.0     0.002  0.02  other
T       0.0   5     1.0    150000   6000  200  1.2   0.5  0.1     0.0     0.002  0.02  other
"""

NAMES = {
    "A": "农、林、牧、渔业", "B": "采矿业", "C": "制造业",
    "D": "电力、热力、燃气及水生产和供应业", "E": "建筑业", "F": "批发和零售业",
    "G": "交通运输、仓储和邮政业", "H": "住宿和餐饮业", "I": "信息传输、软件和信息技术服务业",
    "J": "金融业", "K": "房地产业", "L": "租赁和商务服务业", "M": "科学研究和技术服务业",
    "N": "水利、环境和公共设施管理业", "O": "居民服务、修理和其他服务业", "P": "教育",
    "Q": "卫生和社会工作", "R": "文化、体育和娱乐业", "S": "公共管理、社会保障和社会组织",
    "T": "国际组织",
}  # fmt: skip

# 行业表述 in company names.
COMPANY_WORDS = {
    "A": "农业科技 农业发展 生态农业 果蔬种植 养殖 农牧 水产养殖 苗木",
    "B": "矿业 石材 矿产开发",
    "C": "机械制造 机械 电子科技 食品 纺织服装 服饰 橡胶 橡胶制品 塑料制品 化工 精密机械 "
    "金属制品 汽车零部件 家具 包装制品 模具 新材料 电器 制衣 工艺品 海洋生物 印刷 船舶配件 "
    "轮胎 针织",
    "D": "电力 热力 燃气 新能源 能源 供水 热电 光伏",
    "E": "建筑工程 建设工程 市政工程 装饰工程 建筑安装工程 建筑劳务 路桥工程 钢结构工程 "
    "园林绿化工程 防水工程 水电安装工程 幕墙工程 建工 土石方工程",
    "F": "商贸 贸易 超市 国际贸易 进出口 五金 建材 医药 食品销售 供应链管理 电子商务 汽车销售 "
    "日用品 海产品 百货",
    "G": "物流 运输 快递服务 货运代理 国际物流 冷链物流 仓储 客运 集装箱运输 海运 汽车运输 供应链",
    "H": "餐饮管理 酒店管理 餐饮 酒店 快餐 饮食服务 海鲜酒家",
    "I": "信息技术 网络科技 软件 数据科技 通信技术 智能科技 信息科技",
    "J": "投资 融资租赁 金融信息服务 资产管理 小额贷款 保险代理",
    "K": "房地产开发 置业 物业管理 房地产经纪 地产 物业服务",
    "L": "企业管理咨询 人力资源 商务服务 广告 劳务服务 会展服务 企业管理 文化传媒 旅行社 "
    "保安服务 租赁 劳务派遣 商务信息咨询",
    "M": "检测技术 工程设计 环保科技 生物科技 工程技术 科技 工程咨询 测绘 技术服务",
    "N": "环境工程 园林 环卫服务 水务 市政设施管理 生态环境",
    "O": "家政服务 汽车维修 美容美发 洗衣服务 家电维修 保洁服务",
    "P": "教育咨询 职业培训 培训学校 教育科技",
    "Q": "医疗管理 健康管理 养老服务 护理院 医院管理",
    "R": "文化传播 体育 娱乐 影视 文化艺术 健身",
    "S": "社区服务",
    "T": "国际交流",
}
# What 个体工商户 call their shops; sections not listed use DEFAULT_SHOP_WORDS.
SHOP_WORDS = {
    "A": "养殖场 种植园 家庭农场",
    "F": "便利店 超市 五金店 水果店 副食店 日用品店 蔬菜店 水产品经营部 烟酒店 建材经营部 服装店",
    "G": "货运部 运输经营部",
    "H": "餐馆 饭店 小吃部 烧烤店 快餐店 海鲜酒家 面馆 水饺馆",
    "O": "理发店 修车铺 洗衣店 家电维修部 美容店 开锁店",
}
DEFAULT_SHOP_WORDS = "经营部 服务部"
BANDS = {
    "industrial": INDUSTRIAL, "construction": CONSTRUCTION, "wholesale": WHOLESALE,
    "transport": TRANSPORT, "catering": CATERING, "software": SOFTWARE, "farming": FARMING,
    "other": OTHER,
}  # fmt: skip


# PROFILES column → Industry field.
PROFILE_FIELDS = {
    "share": "share", "staff": "median_staff", "spread": "staff_spread",
    "revenue": "revenue_per_worker", "wage": "wage", "kwh": "kwh_per_worker",
    "water": "water_per_worker", "male": "male_share", "migrant": "migrant_share",
    "episode": "episode_weight", "injury": "injury_rate", "tax": "tax_rate",
}  # fmt: skip


def parse_profiles() -> tuple[Industry, ...]:
    header, *lines = PROFILES.strip().splitlines()
    columns = header.split()
    industries = []
    for line in lines:
        row = dict(zip(columns, line.split(), strict=True))
        numbers = {field: float(row[column]) for column, field in PROFILE_FIELDS.items()}
        section = row["section"]
        industries.append(
            Industry(
                section=section,
                name=NAMES[section],
                thresholds=BANDS[row["bands"]],
                company_words=tuple(COMPANY_WORDS[section].split()),
                shop_words=tuple(SHOP_WORDS.get(section, DEFAULT_SHOP_WORDS).split()),
                **numbers,
            )
        )
    return tuple(industries)


INDUSTRIES = parse_profiles()
SECTIONS = tuple(industry.section for industry in INDUSTRIES)
SECTION_INDEX = {section: index for index, section in enumerate(SECTIONS)}

# 个体工商户 (92…) and 农民专业合作社 (93…) by section; the rest are companies (91…).
INDIVIDUAL_BUSINESS_SHARE = {"A": 0.05, "F": 0.2, "G": 0.05, "H": 0.3, "O": 0.35, "R": 0.05}
COOPERATIVE_SHARE = {"A": 0.45}

# Industries whose firms hold construction-style projects with a 农民工工资专用账户.
PROJECT_SHARE = {"E": 1.0, "N": 0.12, "D": 0.05, "C": 0.02}


def column(attribute: str) -> np.ndarray:
    """One attribute of every section, indexable by section number."""
    return np.array([getattr(industry, attribute) for industry in INDUSTRIES])


def by_section(shares: dict[str, float]) -> np.ndarray:
    """A per-section array from a {section: value} dict, zero elsewhere."""
    return np.array([shares.get(section, 0.0) for section in SECTIONS])


def threshold_columns() -> dict[str, np.ndarray]:
    """MIIT thresholds as arrays by section: {'large_staff': …, 'large_revenue': … (yuan)}."""
    columns: dict[str, np.ndarray] = {}
    for band in ("large", "medium", "small"):
        pairs = [getattr(industry.thresholds, band) for industry in INDUSTRIES]
        columns[f"{band}_staff"] = np.array([staff for staff, _ in pairs])
        columns[f"{band}_revenue"] = np.array([revenue * 10_000.0 for _, revenue in pairs])
    return columns
