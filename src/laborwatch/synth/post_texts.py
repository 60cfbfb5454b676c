"""Words of the synthetic post stream: how people tell a labour incident (several ways each),
how they repost and quote, and the noise around it (ads, local news, other complaints)."""

from __future__ import annotations

# --- labour incidents: several tellings per kind, in different words -------------------------
# Slots: {firm} the employer as the author names it, {place} where, {workers} how many,
# {months} how long, {amount} how much, {cue} what the workers did, {plea} the call for help.

TELLINGS = {
    "wage_arrears": (
        "{firm}拖欠{workers}工人{months}工资，{place}的工地上大家{cue}，{plea}",
        "在{place}干活的{workers}农民工被{firm}欠了{months}的工钱，总共{amount}，老板一直躲着不见人。{plea}",
        "#青岛身边事# {place}，{firm}的项目已经{months}没发工资了，{workers}工友{cue}。{plea}",
        "实名反映：本人及{workers}工友在{firm}务工，工资拖欠{months}，合计约{amount}，多次讨要无果。地点：{place}。",
        "快过年了，{firm}还欠着我们{months}的血汗钱，{workers}工友的工资都没着落，{place}这边{cue}",
        "{place}一个工地{cue}，听说是{firm}欠薪{months}，涉及{workers}工人，有没有人管管",
        "有人知道{firm}怎么回事吗？我爸在{place}给他们干活，{months}没拿到一分钱，一起的{workers}工友都一样",
        "【讨薪】{firm}拖欠工资{amount}，{workers}工人{cue}，地址{place}。{plea}",
    ),
    "collective_dispute": (
        "{firm}{workers}职工因为工资和加班费问题集体停工，{place}厂门口{cue}。{plea}",
        "今天{place}{firm}的工人都没上班，{workers}员工{cue}，说是公司单方面降薪还不给说法",
        "#劳动维权# {firm}降薪又扣绩效，{workers}员工{cue}，现场在{place}。{plea}",
        "路过{place}看到{firm}门口聚了{workers}工人，{cue}，好像是工资的事",
        "{firm}的员工们坚持不下去了，{months}被克扣工资，{workers}员工一起{cue}，地点{place}",
        "反映{firm}（{place}）违法降薪、拖欠加班费，涉及{workers}职工，大家已经{cue}，请工会介入。",
    ),
    "mass_layoff": (
        "{firm}突然宣布裁员，{workers}员工被辞退，一分钱补偿都没有，{place}。{plea}",
        "{place}的{firm}要关厂了，{workers}工人说被逼签自愿离职，不给经济补偿，大家{cue}",
        "在{firm}干了好几年，说裁就裁，我们{workers}同事都被通知明天不用来了，补偿金一分没有。{plea}",
        "#裁员# {firm}{place}工厂大规模裁员，涉及{workers}员工，公司拒绝支付N+1，工人{cue}",
        "听说{firm}把{place}的车间整个撤了，{workers}工人失业，社保也断缴了{months}",
        "{firm}变相裁员，调岗降薪逼人走，{workers}职工不服，{place}。{plea}",
    ),
    "injury": (
        "{place}{firm}的车间出事了，一名工人被机器轧伤，公司不给报工伤还让他自己掏医药费。{plea}",
        "我哥在{firm}上班时从脚手架摔下来，腿骨折了，公司不认工伤，{place}。{plea}",
        "{firm}安全措施太差，{place}工地今天又有工人受伤，上个月也出过事，工友们都很害怕",
        "工伤了公司不管！{firm}拒绝给受伤职工申报工伤，拖了{months}，地址{place}",
        "#安全生产# {place}{firm}发生事故，工人受伤送医，家属说公司没给交工伤保险",
    ),
    "social_insurance": (
        "{firm}{months}没给员工交社保了，{workers}职工的医保都断了，{place}。{plea}",
        "查了一下社保记录，{firm}从去年开始就没交，我们{workers}职工都被蒙在鼓里，{place}",
        "反映{firm}（{place}）长期拖欠职工社会保险费，涉及{workers}职工，{months}未缴纳。",
        "在{firm}上班的注意了，公司欠缴社保{months}，{workers}同事都受影响，{plea}",
    ),
}

WORKERS_SAID = ("{n}余名", "{n}多名", "近{n}名", "{n}多位", "{cn}多名", "{n}名")
SMALL_WORKERS_SAID = ("{n}名", "{n}个", "{cn}个", "{cn}名")
VAGUE_WORKERS = {10: "十几名", 20: "几十名", 30: "数十名", 100: "上百名", 200: "几百名"}
MONTHS_SAID = ("{n}个月", "{cn}个月", "快{n}个月", "{n}个多月", "大半年")
CUES = (
    "拉横幅讨薪", "集体讨薪", "堵在门口", "聚集在项目部", "举牌维权", "去区政府反映",
    "到劳动监察投诉", "围堵老板的车", "在楼顶说要跳楼", "静坐", "停工讨说法", "报了警",
)  # fmt: skip
PLEAS = (
    "求扩散！", "希望有关部门管一管。", "@青岛市总工会 请帮帮这些工人", "求转发，让更多人看到。",
    "希望媒体关注。", "大家帮帮忙转一下吧🙏", "工人们太难了😭", "有没有懂法的朋友给出出主意？",
    "", "", "",
)  # fmt: skip
FIRM_VAGUE = ("某建筑公司", "一家工厂", "这家公司", "某企业", "他们公司")

# --- spreading a post ------------------------------------------------------------------------

REPOST_COMMENTS = (
    "", "", "", "", "转发微博", "转发微博", "扩散", "求扩散", "太过分了", "支持工人维权",
    "无良老板", "真是没天理", "希望早日解决", "关注", "😡", "😡😡😡", "顶", "帮转",
    "已举报给劳动监察", "这种公司就该曝光", "青岛的朋友帮帮忙", "心疼工人", "转",
)  # fmt: skip
QUOTE_FORMS = (
    "看到有网友说：“{text}” 真的假的？",
    "{text}（转自网络，希望是假的）",
    "网传：{text}",
    "【扩散】{text}",
    "有网友爆料，{text}",
)
EDITS = (("，", "，"), ("工人", "工友"), ("工资", "工钱"), ("公司", "单位"), ("！", "。"))

# --- noise -----------------------------------------------------------------------------------

# A noise story is a lead sentence, one or two details and perhaps a closing line, each drawn
# from its kind's pools, so that two stories of one kind rarely share more than a phrase.
NOISE = {
    "ad": (
        (
            "{place}新开一家{shop}，开业大酬宾全场{n}折。",
            "招聘：{place}{estate}附近物流园招分拣员，月薪{pay}。",
            "青岛本地装修公司，{n}年口碑，{estate}业主专享优惠。",
            "{place}{estate}二手房急售，{n}楼南北通透。",
            "少儿编程暑期班开始报名啦，{road}校区名额有限。",
            "{place}码头直发海鲜，皮皮虾、海蛎子新鲜到货。",
            "考驾照找{road}驾校，一人一车，{n}天拿证。",
            "{estate}楼下{shop}转让，月租{pay}，接手即可营业。",
            "家政服务上门，{place}全区可约，{n}小时起订。",
            "健身房周年庆，{road}店年卡只要{pay}。",
        ),
        (
            "地址就在{road}{num}号，欢迎品尝！",
            "包吃住，有意者私信。",
            "免费上门量房，电话咨询。",
            "拎包入住，近{road}地铁站，价格可谈。",
            "前{n}名报名享优惠！",
            "量大从优，支持同城配送。",
            "报名送体检，周末也能练车。",
            "诚心转让，非诚勿扰。",
            "老客户介绍新客户各送{n}元券。",
        ),
        ("", "", "详情私信。", "欢迎转发！", "📞", "先到先得～"),
    ),
    "news": (
        (
            "{place}{road}今天{h}点左右发生一起交通事故，一辆{vehicle}与电动车相撞。",
            "{place}{road}改造工程完工，{h}号起恢复通车。",
            "气象台预报明天有雨，{place}一带最高气温{n}度。",
            "{place}{estate}今天{h}点发生火情。",
            "{place}周末在{road}举办啤酒节分会场活动。",
            "{place}{road}地铁施工，{estate}附近部分路段封闭{n}天。",
            "市民在{place}{road}海边拍到日落美景。",
            "{place}{road}一辆{vehicle}侧翻。",
            "{place}图书馆新馆{h}号开放，藏书{n}万册。",
            "{place}{road}新开通一条公交线路，途经{estate}。",
        ),
        (
            "骑车人受轻伤，交警已到场处置。",
            "出门记得带伞，{road}一带注意积水。",
            "消防迅速扑灭，无人员伤亡。",
            "现场有{n}个美食摊位和乐队演出。",
            "请市民绕行，注意安全。",
            "晚霞染红了半边天，很多人驻足拍照。",
            "{h}点多已清理完毕，道路恢复通行。",
            "附近居民表示出行方便多了。",
            "事故原因正在进一步调查中。",
        ),
        ("", "", "（记者 {author}）", "来源：岛城资讯", "编辑：{author}"),
    ),
    "complaint": (
        (
            "{place}{estate}物业不作为，{n}号楼电梯坏了{h}天没人修。",
            "{road}靠近{estate}这段路坑坑洼洼好几个月了。",
            "{place}{road}小学周边天天堵车，接孩子要排{n}分钟。",
            "买的{place}{estate}到现在还没交房，开发商一拖再拖{n}个月。",
            "{place}{road}一家医院看病排队太久，挂号要等{h}个小时。",
            "家里老人在{place}一家医院做手术后出现并发症，医院拒绝承担责任。",
            "{road}{shop}油烟太大，晚上噪音吵得睡不着。",
            "{estate}的供暖不热，室温才{n}度。",
            "{place}{estate}小区门口的垃圾好几天没人清运了。",
            "{road}的路灯坏了{n}盏，晚上黑灯瞎火。",
        ),
        (
            "老人上下楼太难了。",
            "晚上骑车太危险，希望有关部门尽快修一下。",
            "能不能设个临时停车点？",
            "业主们都急了，去售楼处也没人管。",
            "医生态度也不好，问两句就不耐烦。",
            "我们想讨个说法，不知道该找哪个部门。",
            "{estate}的住户投诉{n}次没用。",
            "热力公司一直说在排查，也没个准信。",
            "打了12345也没人回复。",
        ),
        ("", "", "有一样情况的吗？", "求助！", "希望能解决。", "🙄", "实在没办法了。"),
    ),
}
NOISE_KINDS = tuple(NOISE)
# How an author opens a noise post: who says it and when.
NOISE_OPENINGS = (
    "", "", "", "刚刚，", "今天早上，", "昨晚{h}点多，", "听邻居说，", "据网友反映，", "转个消息：",
    "有没有人知道？", "{author}发来消息：", "本周{n}号，", "小区群里都在说，", "重要提醒：",
    "#青岛生活# ", "#{place}# ", "周末快乐～", "打卡：",
)  # fmt: skip
NOISE_ASIDES = (
    "", "", "我家就在附近。", "这已经是第{n}次了。", "上周{h}号也是这样。", "朋友圈都传遍了。",
    "孩子放学路过看见的。", "天气还挺热的。", "希望大家注意。", "排了{n}分钟队才轮到。",
    "现场人挺多的。", "有图有真相。", "{author}也在现场。", "心情复杂。", "大家怎么看？",
)  # fmt: skip
ESTATE_HEADS = (
    "海景", "阳光", "金色", "绿城", "万科", "中海", "鲁商", "青特", "海信", "融创", "世纪", "颐和",
    "海尔", "东方", "宝龙", "凯悦", "锦绣", "翡翠", "银盛泰", "和达",
)  # fmt: skip
ESTATE_TAILS = ("花园", "小区", "家园", "城", "公馆", "名苑", "新村", "华府", "湾", "山庄")
SHOPS = ("火锅店", "烧烤店", "海鲜馆", "奶茶店", "面馆", "超市", "健身房", "理发店", "饺子馆")
VEHICLES = ("货车", "出租车", "公交车", "渣土车", "私家车", "快递三轮车")

NICK_HEADS = (
    "青岛", "岛城", "黄岛", "城阳", "即墨", "崂山", "打工人", "路人", "热心市民", "老王", "小李",
    "海边", "胶州", "平度", "啤酒", "蛤蜊", "追风", "西海岸", "小透明", "吃瓜",
)  # fmt: skip
NICK_TAILS = (
    "小哥", "大姐", "老哥", "的日常", "生活", "在线", "观察", "爱说话", "2026", "888", "_",
    "君", "酱", "同学", "师傅", "",
)  # fmt: skip
PROVINCES = ("山东", "山东", "山东", "山东", "山东", "河南", "江苏", "河北", "安徽", "北京")
