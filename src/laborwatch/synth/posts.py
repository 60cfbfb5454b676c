"""The synthetic post stream of the opinion list (舆情): about six months of posts about the
city, as a monitoring vendor would export them, with the truth kept apart.

Grain: one line per post push. A labour incident (the city's risk episodes that break out in
the period, plus work injuries and unpaid social insurance at other employers) is told by
several authors in their own words, then reposted, lightly edited, quoted and copied to other
platforms; noise (ads, local news and accidents, complaints about housing, schools, roads,
property management and hospitals) surrounds it. A post seen again later is pushed again with
its grown engagement (a saturating curve), so that the intake can measure growth.

Files: posts.jsonl (the export, API field names, in push order), posts_labels.jsonl (one line
per post key: its story, the labour incident or null, whether it is about labour) and
posts_week.csv (a week of the export with Chinese headers, for trying an ingest by hand).
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from laborwatch.opinion.engine.records import LOCAL_TIME, normalise_url, post_key
from laborwatch.synth import post_texts as words
from laborwatch.synth.districts import NAMES
from laborwatch.synth.enterprises import Enterprises
from laborwatch.synth.episodes import (
    COLLECTIVE_DISPUTE,
    MASS_LAYOFF,
    NEVER,
    WAGE_ARREARS,
    Episodes,
)
from laborwatch.synth.months import Window
from laborwatch.synth.store import Store

EPISODE_KINDS = {
    WAGE_ARREARS: "wage_arrears",
    COLLECTIVE_DISPUTE: "collective_dispute",
    MASS_LAYOFF: "mass_layoff",
}
PLATFORMS = ("weibo", "douyin", "wechat", "toutiao", "forum", "news", "message_board")
PLATFORM_NAMES = ("微博", "抖音", "微信公众号", "今日头条", "论坛", "新闻网站", "留言板")
TELLING_PLATFORMS = np.array([0.42, 0.16, 0.1, 0.12, 0.1, 0.04, 0.06])
NOISE_PLATFORMS = np.array([0.45, 0.2, 0.08, 0.15, 0.07, 0.05, 0.0])
CSV_HEADERS = (
    "平台", "帖子ID", "链接", "作者", "发布时间", "标题", "正文", "转发数", "评论数", "点赞数",
    "阅读数", "IP属地",
)  # fmt: skip
FIELDS = (
    "platform", "post_id", "url", "author", "published_at", "title", "text", "reposts",
    "comments", "likes", "views", "ip_region",
)  # fmt: skip
WEEK_FILE_DAYS = 7
POSTS_FILE, LABELS_FILE, WEEK_FILE = "posts.jsonl", "posts_labels.jsonl", "posts_week.csv"
NOISE_ROADS = (
    "香港中路", "长江中路", "重庆路", "黑龙江路", "正阳路", "银河路", "海尔路", "辽阳西路",
    "延安三路", "福州路", "南京路", "山东路", "滨海大道", "金水路", "书院路", "青威路",
)  # fmt: skip
# A post's engagement reaches 1 − e^(−t/τ) of its final counts t hours after it appears.
ENGAGEMENT_HOURS = 8.0
# Pushes of a post after the first, by how popular it ends up: (final reposts, extra pushes).
REPUSH_STEPS = ((3, 1), (30, 2), (300, 3))
_LETTERS = list("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz23456789")
_ROAD = re.compile(r"(?:区|市)([^区市\d]{2,6}?(?:路|街|道|大道))")


@dataclass(frozen=True)
class PostPlan:
    months: int  # the stream covers the last `months` months of the city's window
    extra_incidents_per_month: float  # injuries and social-insurance arrears besides episodes
    noise_stories_per_day: float
    tellings_mean: float  # authors telling one incident besides the first
    reposts_mean: float  # reposts of a telling (times the incident's virality)


PLANS = {
    "demo": PostPlan(6, 6.0, 30.0, 2.0, 6.0),
    "city": PostPlan(6, 40.0, 400.0, 2.5, 10.0),
}


@dataclass
class Line:
    published: datetime
    pushed: datetime
    record: dict[str, object]
    key: str


@dataclass
class Story:
    identity: str  # L0001 for a labour incident, N0001 for noise
    kind: str
    labour: bool


class PostStream:
    """Posts and their labels, built story by story with one random generator."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.lines: list[Line] = []
        self.labels: dict[str, dict[str, object]] = {}
        self._serial = 0

    # -- one post -----------------------------------------------------------------------------

    def post(
        self, story: Story, published: datetime, text: str, platform: int, reach: float, title=""
    ) -> tuple[str, str]:
        """Add a post (and its later pushes); return its author and text."""
        rng = self.rng
        self._serial += 1
        code = PLATFORMS[platform]
        post_id, url = self._identity(code, published)
        author = str(rng.choice(words.NICK_HEADS)) + str(rng.choice(words.NICK_TAILS))
        if code in ("news", "wechat"):
            author = f"岛城{['快报', '生活圈', '资讯', '身边事'][self._serial % 4]}"
        final = self._final_counts(reach)
        key = post_key(code, post_id, normalise_url(url))
        region = str(rng.choice(words.PROVINCES))
        extra = next((pushes for limit, pushes in reversed(REPUSH_STEPS) if final[0] >= limit), 0)
        delays = [float(rng.uniform(0.3, 3.0))]
        delays += sorted(float(rng.uniform(4, 72)) for _ in range(extra))
        for delay in delays:
            share = 1.0 - math.exp(-delay / ENGAGEMENT_HOURS)
            counts = [int(value * share) for value in final]
            record: dict[str, object] = {
                "platform": PLATFORM_NAMES[platform],
                "post_id": post_id,
                "url": url,
                "author": author,
                "published_at": published.astimezone(LOCAL_TIME).isoformat(timespec="seconds"),
                "title": title,
                "text": text,
                "reposts": counts[0],
                "comments": counts[1],
                "likes": counts[2],
                "views": counts[3],
                "ip_region": region,
            }
            self.lines.append(Line(published, published + timedelta(hours=delay), record, key))
        self.labels[key] = {
            "key": key,
            "story": story.identity,
            "incident_id": story.identity if story.labour else None,
            "labour": story.labour,
            "kind": story.kind,
        }
        return author, text

    def _identity(self, code: str, published: datetime) -> tuple[str | None, str | None]:
        rng, serial = self.rng, self._serial
        number = f"{int(rng.integers(10**9, 10**10))}{serial:07d}"
        if code == "weibo":
            user = int(rng.integers(10**9, 10**10))
            return number[:16], f"https://weibo.com/{user}/{number[:16]}"
        if code == "douyin":
            return number + "00", f"https://www.douyin.com/video/{number}00"
        if code == "toutiao":
            return number + "11", f"https://www.toutiao.com/article/{number}11/"
        if code == "wechat":
            letters = "".join(rng.choice(_LETTERS, 16))
            return None, f"https://mp.weixin.qq.com/s/{letters}{serial}"
        if code == "forum":
            return None, f"https://tieba.baidu.com/p/{number}"
        if code == "news":
            return None, f"https://news.qingdao.example.cn/{published:%Y%m%d}/{serial}.html"
        return f"LY{published:%Y%m%d}{serial:07d}", None

    def _final_counts(self, reach: float) -> list[int]:
        rng = self.rng
        reposts = int(rng.poisson(reach))
        return [
            reposts,
            int(rng.poisson(reach * 0.6 + 0.5)),
            int(rng.poisson(reach * 3 + 1)),
            int(rng.poisson(reach * 80 + 30)),
        ]

    # -- spreading ----------------------------------------------------------------------------

    def spread(
        self, story: Story, published: datetime, author: str, text: str, platform: int, reach: float
    ) -> None:
        """Reposts (same platform), cross-posted edited copies and quotes of one post."""
        rng = self.rng
        for _ in range(int(rng.poisson(reach))):
            comment = str(rng.choice(words.REPOST_COMMENTS))
            when = published + timedelta(hours=float(rng.exponential(8.0)))
            self.post(story, when, f"{comment}//@{author}: {text}", platform, reach * 0.05)
        if rng.random() < 0.35:
            for _ in range(int(rng.integers(1, 3))):
                other = int(rng.choice(len(PLATFORMS), p=TELLING_PLATFORMS))
                when = published + timedelta(hours=float(rng.exponential(12.0)))
                self.post(story, when, self._edited(text), other, reach * 0.4)
        if rng.random() < 0.2:
            quoted = text.split("。")[0]
            form = str(rng.choice(words.QUOTE_FORMS))
            when = published + timedelta(hours=float(rng.exponential(18.0)))
            self.post(story, when, form.format(text=quoted), int(rng.choice(4)), reach * 0.3)

    def _edited(self, text: str) -> str:
        rng = self.rng
        old, new = words.EDITS[int(rng.integers(len(words.EDITS)))]
        edited = text.replace(old, new, 1)
        for plea in words.PLEAS:
            if plea and edited.endswith(plea) and rng.random() < 0.5:
                edited = edited[: -len(plea)]
        return str(rng.choice(["", "【扩散】", "转自朋友圈：", "#青岛# "])) + edited


# --- labour incidents ------------------------------------------------------------------------


@dataclass(frozen=True)
class Incident:
    kind: str
    firm: int
    day: datetime  # the outbreak, local midnight
    workers: int
    months: int
    amount: int  # yuan


def _number_words(number: int) -> str:
    digits = "零一二三四五六七八九"
    if number < 10:
        return digits[number]
    if number < 20:
        return "十" + (digits[number % 10] if number % 10 else "")
    if number < 100:
        return digits[number // 10] + "十" + (digits[number % 10] if number % 10 else "")
    if number < 1000 and number % 100 == 0:
        return ("两" if number // 100 == 2 else digits[number // 100]) + "百"
    return str(number)


def _workers_said(rng: np.random.Generator, workers: int) -> str:
    if workers <= 2:
        return ""
    if rng.random() < 0.25:
        vague = [said for floor, said in words.VAGUE_WORKERS.items() if floor <= workers]
        if vague:
            return vague[-1]
    if workers < 20:
        form = str(rng.choice(words.SMALL_WORKERS_SAID))
        return form.format(n=workers, cn=_number_words(workers))
    rounded = round(workers, -1 if workers < 200 else -2)
    form = str(rng.choice(words.WORKERS_SAID))
    return form.format(n=rounded, cn=_number_words(rounded))


def _firm_said(rng: np.random.Generator, firms: Enterprises, firm: int) -> str:
    name = str(firms.name[firm])
    short = firms.short_name[firm].as_py()
    draw = rng.random()
    if draw < 0.1:
        return str(rng.choice(words.FIRM_VAGUE))
    if draw < 0.35 and short:
        return str(short)
    if draw < 0.5 and name.startswith("青岛"):
        return name[2:]
    return name


def _place_said(rng: np.random.Generator, firms: Enterprises, firm: int) -> str:
    district = NAMES[int(firms.district[firm])]
    match = _ROAD.search(str(firms.address[firm]))
    road = match.group(1) if match else ""
    forms = [district, f"{district}{road}", road or district, f"{district}{road}附近"]
    return forms[int(rng.integers(len(forms)))]


def _telling(rng: np.random.Generator, firms: Enterprises, incident: Incident, template: str):
    amount = incident.amount
    amount_said = f"{amount // 10000}万元" if amount >= 10000 else f"{amount}元"
    months_form = str(rng.choice(words.MONTHS_SAID))
    return template.format(
        firm=_firm_said(rng, firms, incident.firm),
        place=_place_said(rng, firms, incident.firm),
        workers=_workers_said(rng, incident.workers),
        months=months_form.format(n=incident.months, cn=_number_words(incident.months)),
        amount=amount_said,
        cue=str(rng.choice(words.CUES)),
        plea=str(rng.choice(words.PLEAS)),
    )


def plan_incidents(
    rng: np.random.Generator,
    firms: Enterprises,
    episodes: Episodes,
    first: datetime,
    last: datetime,
    extra_per_month: float,
) -> list[Incident]:
    """The city's episodes breaking out between `first` and `last`, and extra injuries and
    social-insurance arrears at other employers, in time order."""
    incidents = []
    for index in range(episodes.count):
        day = _local_day(episodes.onset_day[index])
        if first <= day < last:
            incidents.append(
                Incident(
                    EPISODE_KINDS[int(episodes.kind[index])],
                    int(episodes.enterprise[index]),
                    day,
                    int(episodes.workers_involved[index]),
                    _unpaid_months(episodes, index) or int(rng.integers(2, 7)),
                    int(episodes.amount_involved[index]),
                )
            )
    months = (last - first).days / 30.4
    employers = np.flatnonzero(firms.active & (firms.employees >= 10))
    for _ in range(int(rng.poisson(extra_per_month * months))):
        kind = "injury" if rng.random() < 0.55 else "social_insurance"
        firm = int(rng.choice(employers))
        day = first + timedelta(days=float(rng.uniform(0, (last - first).days)))
        workers = 1 if kind == "injury" else int(min(firms.employees[firm], rng.integers(10, 300)))
        amount = int(workers * rng.integers(2000, 9000))
        incidents.append(
            Incident(kind, firm, _midnight(day), workers, int(rng.integers(2, 13)), amount)
        )
    incidents.sort(key=lambda incident: (incident.day, incident.firm, incident.kind))
    return incidents


def _midnight(moment: datetime) -> datetime:
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def _local_day(day: np.datetime64) -> datetime:
    return datetime.fromisoformat(str(day)).replace(tzinfo=LOCAL_TIME)


def tell_incident(
    stream: PostStream, firms: Enterprises, incident: Incident, story: Story, plan: PostPlan
) -> None:
    rng = stream.rng
    templates = words.TELLINGS[incident.kind]
    count = min(len(templates), 1 + int(rng.poisson(plan.tellings_mean)))
    chosen = rng.choice(len(templates), size=count, replace=False)
    virality = float(rng.lognormal(0.0, 1.0)) * (1.5 if incident.workers >= 30 else 1.0)
    first = incident.day + timedelta(hours=float(rng.uniform(7, 22)))
    for number, template in enumerate(chosen):
        when = first if number == 0 else first + timedelta(hours=float(rng.exponential(20.0)))
        platform = int(rng.choice(len(PLATFORMS), p=TELLING_PLATFORMS))
        text = _telling(rng, firms, incident, templates[int(template)])
        title = text[:18] if PLATFORMS[platform] in ("wechat", "news", "toutiao") else ""
        reach = plan.reposts_mean * virality
        author, said = stream.post(story, when, text, platform, reach, title)
        stream.spread(story, when, author, said, platform, reach)


# --- noise -----------------------------------------------------------------------------------


def tell_noise(stream: PostStream, story: Story, day: datetime, plan: PostPlan) -> None:
    rng = stream.rng
    leads, details, closings = words.NOISE[story.kind]
    slots = {
        "place": str(rng.choice(NAMES)),
        "road": str(rng.choice(NOISE_ROADS)),
        "estate": str(rng.choice(words.ESTATE_HEADS)) + str(rng.choice(words.ESTATE_TAILS)),
        "shop": str(rng.choice(words.SHOPS)),
        "vehicle": str(rng.choice(words.VEHICLES)),
        "author": str(rng.choice(words.NICK_HEADS)),
        "n": int(rng.integers(2, 30)),
        "h": int(rng.integers(1, 24)),
        "num": int(rng.integers(1, 600)),
        "pay": f"{int(rng.integers(3, 12)) * 1000}元",
    }
    pieces = [str(rng.choice(words.NOISE_OPENINGS)), str(rng.choice(leads))]
    pieces += [str(piece) for piece in rng.choice(details, int(rng.integers(1, 3)), replace=False)]
    pieces += [str(rng.choice(words.NOISE_ASIDES)), str(rng.choice(closings))]
    text = "".join(pieces).format(**slots)
    when = day + timedelta(hours=float(rng.uniform(6, 23)))
    if story.kind == "ad":
        # An ad is posted again and again by many accounts, a little changed at times.
        for _ in range(1 + int(rng.poisson(3))):
            posted = when + timedelta(days=float(rng.uniform(0, 20)))
            variant = text if rng.random() < 0.7 else text + str(rng.choice(["！", "～", "📞"]))
            platform = int(rng.choice(len(PLATFORMS), p=NOISE_PLATFORMS))
            stream.post(story, posted, variant, platform, 0.5)
        return
    reach = float(rng.lognormal(0.0, 1.0)) * (plan.reposts_mean * 0.4)
    tellings = 1 + (int(rng.poisson(0.7)) if story.kind == "news" else 0)
    for number in range(tellings):
        platform = int(rng.choice(len(PLATFORMS), p=NOISE_PLATFORMS))
        said = text if number == 0 else stream._edited(text)
        posted = when if number == 0 else when + timedelta(hours=float(rng.exponential(6.0)))
        author, said = stream.post(story, posted, said, platform, reach)
        stream.spread(story, posted, author, said, platform, reach * 0.5)


# --- the whole stream ------------------------------------------------------------------------


def generate_posts(
    rng: np.random.Generator,
    firms: Enterprises,
    episodes: Episodes,
    first: datetime,
    last: datetime,
    plan: PostPlan,
) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """(records in push order, labels by post key) for posts published in [first, last)."""
    stream = PostStream(rng)
    stories: list[tuple[datetime, Story, Incident | None]] = []
    for number, incident in enumerate(
        plan_incidents(rng, firms, episodes, first, last, plan.extra_incidents_per_month), start=1
    ):
        stories.append((incident.day, Story(f"L{number:05d}", incident.kind, True), incident))
    kinds = list(words.NOISE_KINDS)
    noise = 0
    day = first
    while day < last:
        for _ in range(int(rng.poisson(plan.noise_stories_per_day))):
            noise += 1
            kind = str(rng.choice(kinds, p=[0.3, 0.35, 0.35]))
            stories.append((day, Story(f"N{noise:06d}", kind, False), None))
        day += timedelta(days=1)
    for day, story, told in stories:
        if told is not None:
            tell_incident(stream, firms, told, story, plan)
        else:
            tell_noise(stream, story, day, plan)
    lines = [line for line in stream.lines if first <= line.published < last]
    kept_keys = {line.key for line in lines}
    lines.sort(key=lambda line: (line.pushed, line.key))
    labels = [stream.labels[key] for key in sorted(kept_keys)]
    return [line.record for line in lines], labels


def stream_period(window: Window, months: int) -> tuple[datetime, datetime]:
    """The last `months` months of the city's window, as local times [first, last)."""
    starts = window.month_starts
    return _local_day(starts[-1 - months]), _local_day(starts[-1])


def write_posts(
    store: Store,
    rng: np.random.Generator,
    firms: Enterprises,
    episodes: Episodes,
    window: Window,
    plan: PostPlan,
) -> None:
    first, last = stream_period(window, plan.months)
    records, labels = generate_posts(rng, firms, episodes, first, last, plan)
    store.write_text(POSTS_FILE, jsonl_text(records), len(records))
    store.write_text(LABELS_FILE, jsonl_text(labels), len(labels))
    week = max(first, last - timedelta(days=WEEK_FILE_DAYS * 2))
    text, rows = week_csv_text(records, week)
    store.write_text(WEEK_FILE, text, rows)


def jsonl_text(records: Sequence[dict[str, object]]) -> str:
    return "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records)


def week_csv_text(records: Sequence[dict[str, object]], first: datetime) -> tuple[str, int]:
    """The posts pushed in the week starting `first`, as a vendor's CSV with Chinese headers
    (UTF-8 with a BOM, so that Excel opens it) — first pushes only, as one export would."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADERS)
    end = first + timedelta(days=WEEK_FILE_DAYS)
    seen: set[tuple[object, object]] = set()
    rows = 0
    for record in records:
        published = datetime.fromisoformat(str(record["published_at"]))
        identity = (record["post_id"], record["url"])
        if not first <= published < end or identity in seen:
            continue
        seen.add(identity)
        writer.writerow(["" if record[field] is None else record[field] for field in FIELDS])
        rows += 1
    return "\ufeff" + buffer.getvalue(), rows


def _unpaid_months(episodes: Episodes, index: int) -> int:
    """Months of wages unpaid by the onset (0 when the episode leaves wages paid)."""
    unpaid_from = int(episodes.unpaid_from[index])
    if unpaid_from == NEVER:
        return 0
    return max(1, int(episodes.onset[index]) - unpaid_from + 1)
