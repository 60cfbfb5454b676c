"""Real public text for labour triage (劳动类识别): readers for each source, labour / not-labour
labels mapped from the source's own labels, and train / dev / test splits that keep a text and
its near-duplicates on one side.

The texts are not shipped: each source is read from a local copy (see data/README.md for where
each comes from and at which commit); only hashes of their normalised texts are kept, in
data/triage_manifest.csv, so that anyone can check that no test text was trained on.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
MANIFEST_FILE = DATA_DIR / "triage_manifest.csv"
GOV_LABELS_FILE = DATA_DIR / "triage_gov_labels.csv"
SPLITS = ("train", "dev", "test")
# Shares of the near-duplicate groups given to train and dev; the rest is test.
TRAIN_SHARE = 0.70
DEV_SHARE = 0.15
SHINGLE = 5
# Two texts sharing this share of their 5-character shingles are one text for splitting.
NEAR_DUPLICATE_JACCARD = 0.5
# Shingles found in more texts than this are boilerplate (您好，我想咨询一下), not evidence.
COMMON_SHINGLE_TEXTS = 50

_PUNCTUATION_AND_SPACE = re.compile(r"[\W_]+", re.UNICODE)
_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True)
class RealText:
    """One real public text with its labour label, mapped from the source's own label."""

    source: str
    key: str  # the record's identity inside its source
    text: str
    is_labor: bool
    source_label: str


def normalised(text: str) -> str:
    """What stays of a text once width, case, punctuation, spaces and numbers are set aside."""
    folded = unicodedata.normalize("NFKC", text).lower()
    return _DIGITS.sub("0", _PUNCTUATION_AND_SPACE.sub("", folded))


def text_hash(text: str) -> str:
    return hashlib.sha1(normalised(text).encode("utf-8")).hexdigest()[:16]


def shingles(text: str) -> set[str]:
    core = normalised(text)
    if len(core) <= SHINGLE:
        return {core}
    return {core[i : i + SHINGLE] for i in range(len(core) - SHINGLE + 1)}


def near_duplicate_pairs(
    texts: Sequence[str], others: Sequence[str] | None = None, threshold: float = 0.5
) -> list[tuple[int, int, float]]:
    """(i, j, Jaccard) for texts[i] and others[j] (or texts[j], i < j) sharing at least
    `threshold` of their shingles; shingles common to many texts are not used to find pairs."""
    left = [shingles(text) for text in texts]
    right = left if others is None else [shingles(text) for text in others]
    postings: dict[str, list[int]] = defaultdict(list)
    for index, grams in enumerate(right):
        for gram in grams:
            postings[gram].append(index)
    pairs = []
    for i, grams in enumerate(left):
        shared: dict[int, int] = defaultdict(int)
        for gram in grams:
            holders = postings.get(gram, ())
            if len(holders) > COMMON_SHINGLE_TEXTS:
                continue
            for j in holders:
                if others is not None or j > i:
                    shared[j] += 1
        for j, count in shared.items():
            union = len(grams) + len(right[j]) - count
            jaccard = count / union if union else 1.0
            if jaccard >= threshold:
                pairs.append((i, j, jaccard))
    return pairs


def duplicate_groups(texts: Sequence[str]) -> list[int]:
    """A group number for each text: texts with the same normalised form or near-duplicates
    (directly or through others) share one."""
    parent = list(range(len(texts)))

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    def join(a: int, b: int) -> None:
        parent[root(a)] = root(b)

    first_of: dict[str, int] = {}
    for index, text in enumerate(texts):
        join(index, first_of.setdefault(text_hash(text), index))
    for i, j, _ in near_duplicate_pairs(texts, threshold=NEAR_DUPLICATE_JACCARD):
        join(i, j)
    return [root(index) for index in range(len(texts))]


def split_of(group_key: str) -> str:
    """A stable split from a hash, so adding a source never moves another's texts."""
    fraction = int(hashlib.sha1(group_key.encode("utf-8")).hexdigest()[:8], 16) / 0xFFFFFFFF
    if fraction < TRAIN_SHARE:
        return "train"
    return "dev" if fraction < TRAIN_SHARE + DEV_SHARE else "test"


def assign_splits(texts: Sequence[RealText]) -> list[str]:
    """Each text's split; a near-duplicate group goes whole to the split of its smallest hash."""
    groups = duplicate_groups([item.text for item in texts])
    members: dict[int, list[int]] = defaultdict(list)
    for index, group in enumerate(groups):
        members[group].append(index)
    splits = [""] * len(texts)
    for indices in members.values():
        split = split_of(min(text_hash(texts[index].text) for index in indices))
        for index in indices:
            splits[index] = split
    return splits


# --- sources -------------------------------------------------------------------------------

# A lawyer's answer citing one of these is an answer about labour law.
_LABOUR_STATUTES = re.compile(
    r"劳动合同法|《劳动法》|中华人民共和国劳动法|劳动争议调解仲裁法|工伤保险条例|社会保险法|"
    r"工资支付|带薪年休假|女职工劳动保护|农民工工资|住房公积金管理条例|失业保险条例|"
    r"劳动保障监察条例|最低工资规定|劳务派遣暂行规定|职工患病或非因工负伤"
)
# Criminal law articles on labour matters: refusing to pay wages (276-1), workplace safety.
_LABOUR_CRIME_ARTICLES = re.compile(r"刑法第(276|134|135|136|137|139)条")
# News and reviews are not requests; those that speak of labour matters are left out rather
# than taught as "not labour".
_LABOUR_NEWS_WORDS = re.compile(
    r"工资|薪|社保|养老|退休|公积金|工伤|劳动|就业|失业|招聘|裁员|加班|农民工|员工|职工|"
    r"辞退|离职|打工|上班|骑手|快递员|外卖小哥"
)
# A consultation naming one of these statutes (or the words of a labour dispute, in an answer
# that names no statute) is about labour.
_LABOUR_ANSWER_WORDS = re.compile(r"劳动仲裁|劳动争议|劳动合同|用人单位|劳动关系|工伤")
# A judgment speaking of an employment (hired labour, a labour service) is a labour matter.
_EMPLOYMENT_WORDS = re.compile(r"劳务|雇佣|雇主|雇员|欠薪|拖欠工资|加班费|经济补偿金")
# Civil judgments reckon an injured person's lost income from wages (误工费 at the average
# wage): there the wage is a measure of damages, not a labour matter.
_INCOME_AS_DAMAGES = re.compile(r"误工|护理费|残疾赔偿金|死亡赔偿金|伤残|交通事故|机动车|人身损害")
LAWBENCH_FILES = {
    # task: what its texts are
    "3-8": "consultation",
    "3-2": "scenario",
    "2-7": "local news",
    "2-2": "judgment sentence",
    "2-3": "judgment sentence",
    "2-5": "judgment facts",
    "3-1": "criminal facts",
}
JUDGMENTS = ("2-2", "2-3", "2-5")


def _json_records(path: Path) -> Iterator[dict]:
    """A JSON array file, or JSON lines."""
    content = path.read_text(encoding="utf-8")
    if content.lstrip().startswith("["):
        yield from json.loads(content)
        return
    for line in content.splitlines():
        if line.strip():
            yield json.loads(line)


def _question_of(record: dict) -> str:
    question = str(record["question"])
    for prefix in ("句子:", "句子：", "事实:", "事实：", "场景:", "场景：", "段落:", "段落："):
        if question.startswith(prefix):
            question = question[len(prefix) :]
    # 3-1 appends the charges after the facts, 2-5 a question on the paragraph: keep only
    # the text itself.
    question = question.split("\n罪名:")[0].split("\n罪名：")[0]
    return re.split(r"问题[:：]", question)[0].strip()


def judgment_speaks_of_labour(text: str) -> bool:
    """A judgment's text about an employment, or about wages otherwise than as a measure of
    an injured person's lost income (误工费 reckoned at the average wage)."""
    if _LABOUR_ANSWER_WORDS.search(text) or _EMPLOYMENT_WORDS.search(text):
        return True
    return bool(_LABOUR_NEWS_WORDS.search(text)) and not _INCOME_AS_DAMAGES.search(text)


def read_lawbench(root: Path) -> Iterator[RealText]:
    """LawBench zero-shot tasks: legal consultations (3-8), scenarios asking which article
    applies (3-2), local news of legal matters (2-7, public-opinion summarisation), sentences
    of civil judgments (2-2 disputes, 2-3 marriage), facts found in civil judgments (2-5:
    loans, traffic accidents, sales, leases) and criminal facts (3-1). Task 2-4
    (consultation topics) is never read: it is the independent check's held-out set."""
    for task, kind in LAWBENCH_FILES.items():
        path = root / "data" / "zero_shot" / f"{task}.json"
        if not path.exists():
            continue
        records = _json_records(path)
        for number, record in enumerate(records):
            answer = str(record.get("answer", ""))
            text = _question_of(record)
            if task in ("3-8", "3-2"):
                is_labor = bool(_LABOUR_STATUTES.search(answer))
                source_label = "劳动法律依据" if is_labor else "其他法律依据"
            elif task == "3-1":
                if _LABOUR_CRIME_ARTICLES.search(answer):
                    continue
                is_labor, source_label = False, "刑事"
            elif task in JUDGMENTS:
                if judgment_speaks_of_labour(text):
                    # Labour-dispute judgments: labour, but not as anyone writes to the
                    # centre; left out rather than taught as not labour.
                    continue
                is_labor, source_label = False, kind
            elif _LABOUR_NEWS_WORDS.search(text) or _LABOUR_ANSWER_WORDS.search(text):
                # Local news of labour matters: left out rather than taught as not labour.
                continue
            else:
                is_labor, source_label = False, kind
            yield RealText(
                source=f"lawbench/{task}",
                key=str(number),
                text=text,
                is_labor=is_labor,
                source_label=source_label,
            )


def read_fewclue(root: Path) -> Iterator[RealText]:
    """FewCLUE: TNEWS news headlines (15 sections) and EPRSTMT shop reviews; all not labour,
    except the few that speak of labour matters, which are left out."""
    files = {
        "tnews": ["train_few_all.json", "dev_few_all.json", "test_public.json"],
        "eprstmt": ["train_few_all.json", "dev_few_all.json", "test_public.json"],
    }
    for dataset, names in files.items():
        seen: set[str] = set()
        for name in names:
            path = root / "datasets" / dataset / name
            if not path.exists():
                continue
            for record in _json_records(path):
                text = str(record.get("sentence", "")).strip()
                key = f"{name.removesuffix('.json')}:{record.get('id', text)}"
                if not text or text in seen or _LABOUR_NEWS_WORDS.search(text):
                    continue
                seen.add(text)
                label_name = str(record.get("label_desc", record.get("label", "")))
                yield RealText(f"fewclue/{dataset}", key, text, False, label_name)


def read_government_board(root: Path) -> Iterator[RealText]:
    """Messages to a city's online board (附件3 and 附件4 of the 2020 TipDM contest as copied in
    a public repository): labour or not assigned here, message by message, following the board's
    own taxonomy (附件1: what it files under 劳动和社会保障 is labour); see
    data/triage_gov_labels.csv. 附件2, the labelled set, is never read: it is the independent
    check's held-out set."""
    labels = government_labels(("附件3", "附件4"))
    import openpyxl

    for name in ("附件3.xlsx", "附件4.xlsx"):
        if not (root / name).exists():
            continue
        workbook = openpyxl.load_workbook(root / name, read_only=True)
        rows = workbook.active.iter_rows(values_only=True)
        header = [str(cell) for cell in next(rows)]
        number, title, detail = (header.index(c) for c in ("留言编号", "留言主题", "留言详情"))
        for row in rows:
            if row[number] is None:
                continue
            key = str(row[number])
            label_of = labels.get(key)
            if label_of is None:  # left unlabelled: the board's taxonomy does not settle it
                continue
            body = " ".join(str(row[detail] or "").split())
            text = f"{str(row[title] or '').strip()}\n{body}"
            yield RealText("gov/tipdm-a", key, text, label_of == "labour", label_of)


# What the board files under 劳动和社会保障 (附件1: wages and welfare, social insurance of
# workers and residents, medical insurance, pensions and retirement, employment and training,
# labour relations and protection), and the words of a job or an employer's staff.
_BOARD_LABOUR_WORDS = re.compile(
    r"工资|薪|社保|社会保险|养老|退休|公积金|工伤|劳动|劳务|就业|失业|招聘|裁员|加班|农民工|"
    r"员工|职工|辞退|辞职|离职|打工|医保|医疗保险|合作医疗|新农合|生育保险|人社|人力资源|"
    r"用工|聘|编制|工龄|待遇|合同工|临时工|下岗|买断|雇|欠薪|培训|技能|女工|上班|骑手|"
    r"快递员|外卖员|保安|辅警|协警|环卫工"
)
# A reply from (or naming) the labour and social security bureau: the board's labour desk.
_BOARD_LABOUR_REPLY = re.compile(r"人力资源和社会保障|人社|劳动保障|劳动监察|社保")
BOARD_FULL_FILES = {
    # file: (what it holds, the column of the board's reply, if any)
    "full_dataset_sheet_3.xlsx": ("附件3", None),
    "full_dataset_sheet_4.xlsx": ("附件4", "答复意见"),
}


def read_board_full(root: Path) -> Iterator[RealText]:
    """The same city board's messages as released whole after the 2020 TipDM contest (附件3:
    4,326 messages with their likes; 附件4: 2,816 messages with the answering department's
    reply), copied in a public repository; unlabelled by the board. A message is taught as
    not labour when neither it nor the reply to it speaks of any matter the board files under
    劳动和社会保障 (a wage, social or medical insurance, a pension, a job, an employer's staff,
    the labour bureau): roads, housing, schools, property management, noise, water. Of the
    rest, the messages of 附件4 whose reply names the labour bureau were labelled here one by
    one (triage_gov_labels.csv, file 附件4-full; source gov/board-labelled); the others are
    left out rather than guessed. Messages of the public sample labelled here are read as
    gov/tipdm-a, not again here."""
    labelled = government_labels()
    labelled_here = government_labels(("附件4-full",))
    seen: set[str] = set()
    import openpyxl

    for name, (sheet, reply_column) in BOARD_FULL_FILES.items():
        if not (root / name).exists():
            continue
        rows = openpyxl.load_workbook(root / name, read_only=True).active.iter_rows(
            values_only=True
        )
        header = [str(cell) for cell in next(rows)]
        number, title, detail = (header.index(c) for c in ("留言编号", "留言主题", "留言详情"))
        reply = None if reply_column is None else header.index(reply_column)
        for row in rows:
            key = str(row[number])
            if row[number] is None or key in seen or (key in labelled and key not in labelled_here):
                continue
            seen.add(key)
            body = " ".join(str(row[detail] or "").split())
            text = f"{str(row[title] or '').strip()}\n{body}"
            if key in labelled_here:
                label = labelled_here[key]
                yield RealText("gov/board-labelled", key, text, label == "labour", label)
                continue
            answer = "" if reply is None else str(row[reply] or "")
            if _BOARD_LABOUR_WORDS.search(text) or _BOARD_LABOUR_REPLY.search(answer):
                continue
            yield RealText("gov/board-full", f"{sheet}:{key}", text, False, "无劳动事项")


LAWYER_LLAMA_FILES = {
    # file: the name of its question field, and whether the statutes come as a list
    "legal_advice.json": "instruction",
    "zixun_gpt4.json": "query",
    "legal_counsel_with_article_v2.json": "query",
    "legal_counsel_multi_turn_with_article_v2.json": "query",
}


def read_lawyer_llama(root: Path) -> Iterator[RealText]:
    """Lawyer LLaMA's legal consultations: real questions people asked online (collected by the
    project from a public PKU open dataset), with answers and, in three files, the statutes that
    apply. Evaluation only (EVALUATION_ONLY_READERS): its README limits its content to academic
    research, so nothing shipped is derived from it. Labour if a statute named is a labour
    statute (or, where none is listed, the answer speaks of a labour dispute); the rest is not
    labour, except questions that speak of labour matters while their answer does not, which
    are left out rather than taught either way.
    """
    for name, field in LAWYER_LLAMA_FILES.items():
        path = root / "data" / name
        if not path.exists():
            continue
        for number, record in enumerate(_json_records(path)):
            if isinstance(record, list):  # legal_advice.json holds one-element lists
                record = record[0]
            question = " ".join(str(record.get(field, "")).split())
            if not question:
                continue
            laws = record.get("laws")
            answer = " ".join(laws) if laws is not None else str(record.get("output", ""))
            is_labor = bool(_LABOUR_STATUTES.search(answer)) or (
                laws is None and bool(_LABOUR_ANSWER_WORDS.search(answer))
            )
            if not is_labor and _LABOUR_NEWS_WORDS.search(question):
                continue
            yield RealText(
                source="lawyer-llama/consultation",
                key=f"{name.removesuffix('.json')}:{number}",
                text=question,
                is_labor=is_labor,
                source_label="劳动法律依据" if is_labor else "其他法律依据",
            )


def weibo_posts(root: Path) -> Iterator[tuple[str, str]]:
    """(split:number, text) of each Weibo post of the Weibo NER corpus (one character a line,
    a blank line between posts; a few emoji are stored as broken UTF-8 and read as U+FFFD)."""
    for split in ("train", "dev", "test"):
        path = root / "data" / f"weiboNER.conll.{split}"
        if not path.exists():
            continue
        characters: list[str] = []
        number = 0
        with path.open(encoding="utf-8", errors="replace") as handle:
            for line in [*handle, "\n"]:
                token = line.rstrip("\n").split("\t")[0]
                if token:
                    characters.append(token[0])
                    continue
                if characters:
                    yield f"{split}:{number}", "".join(characters)
                    number += 1
                    characters = []


def read_weibo_ner(root: Path) -> Iterator[RealText]:
    """Weibo posts (1,890, sampled 2013–2014 by the Weibo NER corpus's authors): none raises a
    labour matter. The 65 that mention work, pay, bosses or jobs were read here one by one (the
    overworked, a joke about bosses, a poll on pay rises, an advert): all are not labour, and
    are kept as such, being what a social feed says of work in passing."""
    for key, text in weibo_posts(root):
        yield RealText("weibo-ner/post", key, text, False, "微博")


BOARD_LABOUR_DEPARTMENT = "劳动和社会保障"


def government_labels(files: Iterable[str] | None = None) -> dict[str, str]:
    """Labour or other for the board messages labelled here, by message number; only those
    read from `files` (附件3, 附件4: the public sample; 附件4-full: the whole release) if given."""
    wanted = None if files is None else set(files)
    with GOV_LABELS_FILE.open(encoding="utf-8", newline="") as handle:
        return {
            row["message"]: row["label"]
            for row in csv.DictReader(handle)
            if wanted is None or row["file"] in wanted
        }


# Where each corpus folder comes from: the public repository, the commit read, its licence.
SOURCES: dict[str, dict[str, str]] = {
    "lawbench": {
        "url": "https://github.com/open-compass/LawBench",
        "commit": "e30981bb3ff54c41571f222e0b23e92d27375388",
        "licence": "Apache-2.0",
        "read": "data/zero_shot/3-8.json, 3-2.json, 2-7.json, 2-2.json, 2-3.json, 2-5.json, "
        "3-1.json",
    },
    "fewclue": {
        "url": "https://github.com/CLUEbenchmark/FewCLUE",
        "commit": "62a02c6f31cf32814cfe522f78ef088228840f8d",
        "licence": "none stated (README: 正在添加中); only derived weights are kept",
        "read": "datasets/{tnews,eprstmt}/{train_few_all,dev_few_all,test_public}.json",
    },
    "lawyer_llama": {
        "url": "https://github.com/AndrewZhe/lawyer-llama",
        "commit": "abaa09586081b82ceb7b0a9f41d05a68897b24ee",
        "licence": "Apache-2.0, but its README restricts the project's content to academic "
        "research: evaluation only, never trained on, nothing derived from it is kept",
        "read": "data/legal_advice.json, zixun_gpt4.json, legal_counsel_with_article_v2.json, "
        "legal_counsel_multi_turn_with_article_v2.json (the questions)",
    },
    "weibo_ner": {
        "url": "https://github.com/hltcoe/golden-horse",
        "commit": "7a73c08e45ed94312af4ef2d97cc35a47d029e99",
        "licence": "none stated; only derived weights are kept",
        "read": "data/weiboNER.conll.{train,dev,test} (the posts' characters)",
    },
    "gov": {
        "url": "https://github.com/694035434/Natural-language-processing-and-text-mining",
        "commit": "b55669f6add2117eac7c924bb6652e215c4516eb",
        "licence": "none stated; only derived weights and labels assigned here are kept",
        "read": "附件3.xlsx, 附件4.xlsx; 附件1.xlsx (the board's taxonomy: its category names "
        "as one-phrase examples, and for labelling)",
    },
    "gov_full": {
        "url": "https://github.com/Rollbear-bot/HelloNLP-TopicC-in-TipDMCup2020",
        "commit": "505edf120966fe65039395e3a7f5fa9848359274",
        "licence": "none stated; only derived weights are kept",
        "read": "resources/full_dataset/full_dataset_sheet_3.xlsx, full_dataset_sheet_4.xlsx "
        "(the board's whole 附件3 and 附件4: title, text and, in 附件4, the reply)",
    },
}

READERS: dict[str, Callable[[Path], Iterable[RealText]]] = {
    "lawbench": read_lawbench,
    "fewclue": read_fewclue,
    "gov": read_government_board,
    "gov_full": read_board_full,
    "weibo_ner": read_weibo_ner,
}
# Sources whose terms allow no more than research: read only to measure the shipped triage,
# never trained on, tuned on or kept (not even as hashes in the manifest).
EVALUATION_ONLY_READERS: dict[str, Callable[[Path], Iterable[RealText]]] = {
    "lawyer_llama": read_lawyer_llama,
}


def _read_folders(
    corpus: Path, readers: Mapping[str, Callable[[Path], Iterable[RealText]]]
) -> list[RealText]:
    texts: list[RealText] = []
    for folder, reader in readers.items():
        if (corpus / folder).is_dir():
            texts.extend(reader(corpus / folder))
    return texts


def read_corpus(corpus: Path) -> list[RealText]:
    """Every training source found under `corpus` (a folder per reader: lawbench/, fewclue/,
    gov/, weibo_ner/)."""
    texts = _read_folders(corpus, READERS)
    if not texts:
        raise FileNotFoundError(f"{corpus}: none of {sorted(READERS)} found")
    return texts


def read_evaluation_only(corpus: Path) -> list[RealText]:
    """The evaluation-only sources found under `corpus` (lawyer_llama/)."""
    return _read_folders(corpus, EVALUATION_ONLY_READERS)


def read_board_taxonomy(root: Path) -> list[tuple[str, bool]]:
    """The board's own taxonomy (附件1: 一级, 二级, 三级分类) as (category name, labour):
    the names under 劳动和社会保障 are labour (职工养老保险, 工资发放, 辞职辞退), the other
    departments' names are not (物业管理, 校园安全); 其他 is left out. Empty without 附件1."""
    import openpyxl

    path = root / "附件1.xlsx"
    if not path.exists():
        return []
    rows = openpyxl.load_workbook(path, read_only=True).active.iter_rows(values_only=True)
    next(rows)
    names: dict[str, bool] = {}
    for row in rows:
        department = str(row[0] or "").strip()
        for cell in row[1:3]:
            name = str(cell or "").strip()
            if department and name and name != "其他" and "其他" not in name:
                names.setdefault(name, department == BOARD_LABOUR_DEPARTMENT)
    return sorted(names.items())


# --- manifest ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ManifestRow:
    source: str
    key: str
    split: str
    is_labor: bool
    text_hash: str


def write_manifest(rows: Iterable[ManifestRow], path: Path = MANIFEST_FILE) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["source", "key", "split", "is_labor", "text_hash"])
        for row in rows:
            writer.writerow([row.source, row.key, row.split, int(row.is_labor), row.text_hash])


def read_manifest(path: Path = MANIFEST_FILE) -> list[ManifestRow]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            ManifestRow(
                source=row["source"],
                key=row["key"],
                split=row["split"],
                is_labor=row["is_labor"] == "1",
                text_hash=row["text_hash"],
            )
            for row in csv.DictReader(handle)
        ]


def trained_hashes(path: Path = MANIFEST_FILE) -> set[str]:
    """Normalised-text hashes of every text the shipped triage model was fitted or tuned on:
    an outside evaluation drops its texts found here."""
    return {row.text_hash for row in read_manifest(path) if row.split in ("train", "dev")}
