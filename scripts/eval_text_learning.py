"""How the demand model learns as a centre's labelled cases accumulate (a simulation).

No real labelled hotline cases are available to the developers, so this script simulates a
centre: a seeded generator writes chatty case texts from per-category fact and request
templates, padded with greetings, background and passing mentions of other matters (the
background sentences name other categories' words on purpose). The templates were written
separately from the curated messages in src/laborwatch/text/data/worker_messages.jsonl.

For N = 50 … 4,000 simulated cases it trains the model (as `laborwatch text train-classifier`
does) and reports accuracy of rules, model and blend on
  (a) 1,000 held-out simulated cases (the centre's own held-out cases), and
  (b) the 100 curated handwritten messages (a different writer's style),
and repeats (a) with a house convention the rules do not know: this centre files platform
workers' (couriers', riders', drivers') wage arrears under PLATFORM.*, not WAGE.ARREARS.

    .venv/bin/python scripts/eval_text_learning.py [--sizes 50,200,1000,4000]
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Sequence

from laborwatch.text.classifier_training import curated_messages
from laborwatch.text.classify import DemandClassifier
from laborwatch.text.demand_model import LabelledText, fit

SEED = 4242
SLOTS = {
    "district": [
        "市南区",
        "市北区",
        "李沧区",
        "崂山区",
        "黄岛区",
        "城阳区",
        "即墨区",
        "胶州",
        "平度",
        "莱西",
    ],
    "months": ["两", "三", "四", "五", "六", "七", "八"],
    "people": ["五", "八", "十来", "十几", "二十多", "三十多"],
    "amount": ["八千", "一万二", "两万", "三万多", "四万五", "六万"],
    "firm": [
        "一家电子厂",
        "一家物流公司",
        "一家食品厂",
        "一家酒店",
        "一家装修公司",
        "一家汽配厂",
        "一家超市",
        "一家科技公司",
        "一家服装厂",
        "一家物业公司",
    ],
    "site": [
        "安置房项目",
        "商业综合体工地",
        "地铁站工地",
        "厂房项目",
        "道路改造工程",
        "学校扩建工程",
    ],
    "relative": ["我爱人", "我儿子", "我女儿", "我弟弟", "我父亲", "我表哥"],
    "years": ["两年", "三年多", "五年", "八年", "十多年"],
}
OPENINGS = [
    "您好，",
    "老师您好，",
    "你好工会同志，",
    "麻烦问一下，",
    "打扰了，",
    "领导好，",
    "",
    "",
]
BACKGROUND = [
    "我是外地来青岛打工的，在{district}住了{years}了。",
    "家里上有老下有小，全靠我一个人挣钱。",
    "之前也打过别的电话，一直没人给个准话。",
    "我文化水平不高，说得不清楚的地方请见谅。",
    "这事我跟家里人商量了好几天才决定打这个电话。",
    "我们这些人平时都很老实，从来不惹事。",
]
# Passing mentions: another matter named in the background, not the request.
PASSING = [
    "以前在别的单位也被欠过工资，那次后来给了，这个不说了。",
    "社保的事我以前问过，这次不是问这个。",
    "之前加班多点我也没说什么。",
    "前年在工地摔过一次，那次早就处理完了。",
    "合同的事情之前公司已经补签了。",
    "我租的房子离单位挺远，每天坐公交上班。",
    "孩子今年刚上小学，开销也大。",
]
CLOSINGS = ["谢谢！", "麻烦你们了。", "盼回复。", "实在没办法了，谢谢。", "", ""]
FACTS: dict[str, list[str]] = {
    "WAGE.ARREARS.MIGRANT": [
        "我们{people}个人在{district}的{site}干活，包工头欠了我们{months}个月的工钱。",
        "{site}完工好几个月了，班组的工资一共{amount}到现在还没结。",
        "项目部说钱拨给了劳务公司，劳务公司说没收到，我们的工资就这么拖着。",
        "干了大半年钢筋活，只拿了点生活费，剩下的工钱老板一直不给。",
    ],
    "WAGE.ARREARS.STAFF": [
        "我在{district}{firm}上班，公司已经{months}个月没发工资了。",
        "老板说资金周转困难，工资每月只发一半，欠我们的一共{amount}。",
        "公司工资拖了{months}个月，人事只说等通知。",
        "{relative}在{firm}做文员，单位拖欠工资{months}个月了。",
    ],
    "WAGE.DISPUTE": [
        "这个月工资条上莫名其妙扣了八百，问了也说不清楚。",
        "说好的提成比例公司单方面改了，少发了我{amount}。",
        "计件工资算得不对，我做的件数和他们记的差了一大截。",
        "公司没跟我们商量就全员降薪，每人少了一千。",
    ],
    "WAGE.OVERTIME": [
        "国庆七天都在上班，加班费一分没有。",
        "每天干到晚上十点，加班工资从来不算。",
        "春节值班按说应该三倍工资，公司只给了平时的钱。",
        "周末经常叫我们加班，说是调休，可从来调不了，加班费也没有。",
    ],
    "WAGE.MINIMUM": [
        "一个月上二十六天班，工资才一千五，连最低工资都不到。",
        "老板说包吃住，所以工资可以低于最低工资标准。",
        "学徒期每月只给一千，每天干十个小时，这比最低工资低多了。",
    ],
    "CONTRACT.UNSIGNED": [
        "我在{firm}干了快一年，一直没签劳动合同。",
        "入职半年了公司说试用期不用签合同，到现在也没签。",
        "听说不签合同可以要二倍工资，我想问问怎么主张。",
        "公司让我们签了个空白的合同，一份都没给我们。",
    ],
    "CONTRACT.PERFORMANCE": [
        "公司把我从{district}调到平度的分厂，工资还降了，不去就算我自动离职。",
        "合同还没到期，公司让我签补充协议改岗位，不签就不给安排活。",
        "离职时签了竞业限制，可公司一分补偿都没给，现在说我违约。",
        "合同到期公司说要续签，但工资要按新标准降。",
    ],
    "CONTRACT.ILLEGAL": [
        "村边的小作坊里有好几个十四五岁的孩子在干活。",
        "入职时交了五百押金，身份证也被扣着不还。",
        "这个厂没有营业执照，晚上把工人锁在车间里不让出去。",
    ],
    "CONTRACT.MIGRANT": [
        "我们是进城务工的，孩子在这边上学要务工证明，工地不给开。",
        "工地搞实名制，可我们的工资卡都在班组长手里。",
        "工地宿舍一间住十几个人，夏天热得没法睡，也没人管我们农民工。",
    ],
    "CONTRACT.DISPATCH": [
        "我是派遣公司派到{firm}的，干了{years}，跟正式工同样的活工资差一半。",
        "用工单位要把我们这批派遣工退回派遣公司，派遣公司让我们自己辞职。",
        "出了事用工单位让我找派遣公司，派遣公司又推给用工单位。",
    ],
    "SEPARATION.RESIGNATION": [
        "我提前三十天交了辞职信，公司到现在不给办离职手续。",
        "离职一个多月了，公司不给开离职证明，新单位没法入职。",
        "我想辞职，公司说要扣一个月工资才放人。",
    ],
    "SEPARATION.DISMISSAL": [
        "经理突然让我明天别来上班了，也没有书面通知。",
        "公司逼我签自愿离职申请，不签就开除，一分补偿都不给。",
        "干了{years}被无故辞退，公司说不给经济补偿。",
        "公司以考核不合格为由解除合同，可从来没告诉过我考核标准。",
    ],
    "SEPARATION.LAYOFF": [
        "厂里要搬到外地，车间三百多人要裁掉一半。",
        "企业停产，让我们全体放假待岗，只发生活费。",
        "公司宣布破产，几百个员工的补偿方案一直没公布。",
    ],
    "HOURS.OVERTIME": [
        "每天早七点干到晚十点，一个月只休两天。",
        "长期九九六，项目上线时天天加班到凌晨。",
        "组长说不加班就走人，身体实在吃不消。",
    ],
    "HOURS.LEAVE": [
        "工作五年从没休过年假，每次申请都不批。",
        "做完手术开了病假条，公司说病假只发八百还要我去打卡。",
        "请婚假只给三天，还要扣全勤奖。",
    ],
    "SAFETY.INJURY": [
        "{relative}在工地上从脚手架摔下来骨折了，老板不给报工伤。",
        "下班路上出了车祸，公司说上下班途中的事跟单位无关，不给认定工伤。",
        "操作冲床时手指被压伤了，公司只想私了赔一点钱。",
        "工伤认定已经做了，伤残鉴定以后该拿什么待遇不清楚。",
    ],
    "SAFETY.DISEASE": [
        "在石材厂干了{years}切割，医生怀疑是尘肺，厂里不给开职业史证明。",
        "车间胶水味道很大，好几个工友头晕恶心，查出来可能是苯中毒。",
        "工厂从不组织职业健康体检，我耳朵已经听不清了。",
    ],
    "SAFETY.HAZARD": [
        "车间消防通道被货堵死了，灭火器都过期了。",
        "工地高空作业不给发安全带，安全网也不全。",
        "厂里电线乱拉，前几天还冒过烟，随时可能出事。",
    ],
    "WOMEN.MATERNITY": [
        "我怀孕以后公司就给我调岗降薪，产检也不让请假。",
        "休完产假回来，原岗位没了，哺乳时间也不给。",
        "公司知道我怀孕就想让我自己辞职。",
    ],
    "WOMEN.DISCRIMINATION": [
        "面试都通过了，最后说领导只招男的。",
        "部门经理经常对女同事动手动脚，我拒绝后就被穿小鞋。",
        "招聘时问我婚育情况，说已婚未育的不要。",
    ],
    "INSURANCE.PENSION": [
        "{relative}快六十了，养老保险缴费年限不够，想问怎么补缴。",
        "以前在国企的工龄不算视同缴费，退休金少了很多。",
        "特殊工种想提前退休，档案里找不到记录。",
    ],
    "INSURANCE.MEDICAL": [
        "单位每月扣医保的钱，看病时却说我的医保停保了。",
        "出差在外地住院，回来报销说没做异地就医备案。",
        "职工医保个人账户的钱能不能给家里人用？",
    ],
    "INSURANCE.UNEMPLOYMENT": [
        "被裁员以后想领失业金，社保局说要单位出证明。",
        "合同到期不续签能不能领失业保险金？",
        "交了六年失业保险，想知道能领几个月。",
    ],
    "INSURANCE.INJURY": [
        "工伤保险交了，可一次性伤残补助金到现在没从基金拨下来。",
        "小公司能不能只给工人单独交工伤保险？",
        "工伤保险待遇申请材料交了三个月还没批。",
    ],
    "INSURANCE.MATERNITY": [
        "生完孩子四个月了，生育津贴还被公司压着没给我。",
        "我没工作，能用老公的生育保险报销吗？",
        "生育险交着，可住院的钱报不了。",
    ],
    "INSURANCE.ARREARS": [
        "干了{years}才发现公司一直没给交社保。",
        "入职时让签了放弃社保声明，现在想让公司补缴。",
        "公司按最低基数给交社保，我工资八千多。",
        "社保断缴了半年，公司说资金紧张先停缴。",
    ],
    "INSURANCE.RESIDENT": [
        "我是灵活就业的，城乡居民医保什么时候交？",
        "母亲在农村，居民养老保险一个月才一百多。",
        "孩子户口在老家，能不能在青岛交居民医保？",
    ],
    "HOUSING_FUND": [
        "公司说给交五险一金，买房时才发现公积金一分没交。",
        "离职回老家，公司不给办公积金封存，提取不了。",
        "公积金缴存基数比工资低一大截。",
    ],
    "PLATFORM.COURIER": [
        "我是快递员，网点派件超时扣钱，客户投诉罚两百。",
        "快递网点老板要转让，我们的派费和押金不知道找谁要。",
        "送快递没签合同也没保险，出了事故没人管。",
    ],
    "PLATFORM.DELIVERY": [
        "我是外卖骑手，送餐路上被撞了，平台说众包骑手跟它没劳动关系。",
        "配送站规定每天跑够四十单，超时一单罚二十。",
        "下雨天送外卖不加钱，差评一个罚五十。",
    ],
    "PLATFORM.RIDE_HAILING": [
        "跑网约车，平台抽成越来越高，一单抽两成多。",
        "乘客一投诉平台就把我封号了，申诉没人理，车租还得照交。",
        "网约车司机每天跑十几个小时挣不到两百块。",
    ],
    "PLATFORM.OTHER": [
        "跟直播公司签了合作协议当主播，说好的底薪不给。",
        "在平台接代驾单，每单要交信息费，还要求每天在线八小时。",
        "跑腿平台的算法一直改，单价越来越低。",
    ],
    "UNION.MEMBERSHIP": [
        "我们公司两百多人一直没有工会，想问问怎么成立。",
        "骑手现在能入会吗？入会要交会费吗？",
        "公司每年都扣工会会费，可我们连会员卡都没见过。",
    ],
    "UNION.HARDSHIP": [
        "{relative}查出尿毒症，家里借了十几万，想申请困难职工帮扶。",
        "孩子考上大学学费拿不出来，听说工会有金秋助学。",
        "家庭困难，想问工会送温暖怎么申请。",
    ],
    "UNION.LEGAL_AID": [
        "仲裁赢了公司又起诉到法院，我请不起律师，想申请法律援助。",
        "判决生效两个月公司还不给钱，想请工会的律师帮我申请强制执行。",
        "想找工会的律师帮忙写诉状。",
    ],
    "UNION.EMPLOYMENT": [
        "厂子倒闭在家半年了，四十五岁找工作很难，想参加技能培训。",
        "刚退伍回来，想问工会有没有推荐工作的渠道。",
        "想学个电工证，工会有没有免费的培训班？",
    ],
    "NON_LABOR": [
        "房东把门锁换了，押金两千不退。",
        "楼上邻居每天半夜跺脚，噪音特别大。",
        "网上买的洗衣机漏水，商家不给退货。",
        "健身房办了卡老板跑了，预付卡的钱退不回来。",
        "小区暖气不热，交了供暖费也没人修。",
        "借给朋友的五万块钱一直不还。",
        "开发商逾期一年还没交房。",
        "在理财平台投的钱提现不了。",
    ],
}
ASKS: dict[str, list[str]] = {
    "default": [
        "请问这种情况该怎么办？",
        "希望工会能帮忙协调一下。",
        "想问问我们该找哪个部门？",
        "这样合法吗？",
        "能不能帮我们维权？",
    ],
    "NON_LABOR": ["这事该找谁管？", "请问怎么处理？", "希望有人管一管。"],
}
# Categories whose wage-arrears cases this simulated centre files under the platform instead.
PLATFORM_ARREARS_FACTS = {
    "PLATFORM.COURIER": "我是快递员，网点已经{months}个月没给我们结派费了，欠了{amount}。",
    "PLATFORM.DELIVERY": "我是外卖骑手，配送站{months}个月的工资一直没发，站长不接电话。",
    "PLATFORM.RIDE_HAILING": "我跑网约车，租车公司扣着我{months}个月的流水钱不给结。",
}


def _fill(template: str, rng: random.Random) -> str:
    return template.format(**{slot: rng.choice(values) for slot, values in SLOTS.items()})


def simulate(count: int, seed: int, *, platform_convention: bool = False) -> list[LabelledText]:
    rng = random.Random(seed)
    codes = sorted(FACTS)
    cases = []
    for _ in range(count):
        code = rng.choice(codes)
        facts = FACTS[code]
        if platform_convention and code in PLATFORM_ARREARS_FACTS and rng.random() < 0.6:
            facts = [PLATFORM_ARREARS_FACTS[code]]
        sentences = [_fill(rng.choice(facts), rng)]
        if rng.random() < 0.5:
            sentences.append(_fill(rng.choice(FACTS[code]), rng))
        background = [_fill(s, rng) for s in rng.sample(BACKGROUND, rng.randint(0, 2))]
        if rng.random() < 0.5:
            background.append(rng.choice(PASSING))
        ask = rng.choice(ASKS.get(code, ASKS["default"]))
        text = rng.choice(OPENINGS) + "".join(background + sentences) + ask
        cases.append(LabelledText(text=text + rng.choice(CLOSINGS), category=code))
    return cases


def _accuracy(classifier: DemandClassifier, cases: Sequence[LabelledText]) -> float:
    predictions = classifier.classify_many([(c.text, c.title) for c in cases])
    correct = sum(p.category == c.category for p, c in zip(predictions, cases, strict=True))
    return round(correct / len(cases), 4)


def learning_curve(sizes: list[int], *, platform_convention: bool) -> list[dict[str, object]]:
    held_out = simulate(1000, SEED + 1, platform_convention=platform_convention)
    curated = curated_messages()
    rules = DemandClassifier(None)
    rows: list[dict[str, object]] = []
    for size in sizes:
        training = simulate(size, SEED, platform_convention=platform_convention)
        model = fit(training)
        blended = DemandClassifier(model)
        row: dict[str, object] = {
            "cases": size,
            "model_weight": round(blended.model_weight, 3),
            "held_out_rules": _accuracy(rules, held_out),
            "held_out_model": _accuracy(DemandClassifier(model, 1.0), held_out),
            "held_out_blend": _accuracy(blended, held_out),
        }
        if not platform_convention:
            row["curated_rules"] = _accuracy(rules, curated)
            row["curated_model"] = _accuracy(DemandClassifier(model, 1.0), curated)
            row["curated_blend"] = _accuracy(blended, curated)
        rows.append(row)
        print(json.dumps(row, ensure_ascii=False), flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="50,200,1000,4000")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    print("simulated centre, same conventions as the rules:")
    learning_curve(sizes, platform_convention=False)
    print("simulated centre that files platform workers' arrears under PLATFORM.*:")
    learning_curve(sizes, platform_convention=True)


if __name__ == "__main__":
    main()
