"""Labour triage: refusals on texts in the form of real public messages and consultations,
calibration, the splits and the check that no test text was trained on.

The messages below are written here, in the form of the real ones the triage learnt from
(board messages with a title, one-paragraph legal consultations); they are not real messages.
"""

from __future__ import annotations

import io
import json
import sys
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from laborwatch.cli import main
from laborwatch.text.classifier_training import curated_messages
from laborwatch.text.classify import DemandClassifier, classify
from laborwatch.text.demand_model import SEED_MODEL_FILE, DemandModel
from laborwatch.text.taxonomy import NON_LABOR
from laborwatch.text.triage import (
    TRIAGE_MODEL_FILE,
    Calibration,
    LaborTriage,
    binary_scores,
    default_triage_file,
    expected_calibration_error,
    reliability_table,
    site_triage_file,
)
from laborwatch.text.triage_corpus import (
    RealText,
    assign_splits,
    duplicate_groups,
    government_labels,
    judgment_speaks_of_labour,
    normalised,
    read_board_full,
    read_lawbench,
    read_manifest,
    text_hash,
)
from laborwatch.text.triage_training import (
    best_threshold,
    board_taxonomy_examples,
    overlap_with_training,
    platt_calibration,
)

NOT_LABOUR = {
    "traffic accident": (
        "交通事故赔偿",
        "我开车在国道上正常行驶，被一辆逆行的货车撞了，交警出具的事故认定书是对方全责，车辆"
        "维修花了两万多，对方保险公司拖着不理赔，请问我可以直接起诉吗？",
    ),
    "medical dispute": (
        "医院手术失误",
        "我母亲在县人民医院做胆囊切除手术，术后出现胆漏又做了第二次手术，医院说是并发症，"
        "我们认为是医疗事故，请问医疗事故鉴定怎么申请？医院该不该赔偿？",
    ),
    "housing complaint": (
        "小区物业不作为",
        "A3区某小区交房三年了，物业公司每年涨物业费，电梯经常坏，地下车库漏水也没人管，"
        "业委会成立不起来，请相关部门管一管。",
    ),
    "school complaint": (
        "学校违规补课收费",
        "B7县第二中学暑假组织学生补课，每人收费一千二，不参加的学生班主任就打电话给家长施压，"
        "请教育局严查。",
    ),
    "contract question": (
        None,
        "我和朋友合伙开了一家奶茶店，签了合伙协议，现在朋友要退出，要求我退还他投资的八万块钱，"
        "合同里没写退出怎么算，请问我应该怎么处理？",
    ),
    "adoption": (
        None,
        "我和爱人结婚八年没有孩子，想收养亲戚家的一个孩子，需要办理哪些手续，收养登记去哪里办？",
    ),
}
LABOUR = {
    "wage arrears": (
        "农民工讨薪",
        "我们在C4市一个安置房工地干活，包工头从去年十月开始就没发过工资，十几个工友一共被拖欠"
        "二十多万，快过年了，请政府帮帮我们。",
        "WAGE.ARREARS.MIGRANT",
    ),
    "work injury": (
        None,
        "我在一家机械厂上班，上个月操作冲床时右手被压伤，住院花了三万多，厂里说我没买社保不算"
        "工伤，请问工伤认定怎么申请？",
        "SAFETY.INJURY",
    ),
    "dismissal": (
        None,
        "我在公司做了五年销售，上周人事突然通知我明天不用来了，没有任何书面通知也不给补偿，"
        "请问公司这样辞退我合法吗？能要多少经济补偿？",
        "SEPARATION.DISMISSAL",
    ),
    "short hotline description": (None, "老板欠薪两个月", "WAGE.ARREARS.STAFF"),
}


@cache
def triaged() -> DemandClassifier:
    return DemandClassifier.from_model_file(SEED_MODEL_FILE, TRIAGE_MODEL_FILE)


@pytest.mark.parametrize("kind", sorted(NOT_LABOUR))
def test_triage_refuses_what_is_not_labour(kind):
    title, text = NOT_LABOUR[kind]
    prediction = triaged().classify(text, title)
    assert prediction.category == NON_LABOR
    assert prediction.is_labor is False
    assert prediction.labor_probability is not None
    assert prediction.labor_probability < default_triage().threshold
    assert prediction.confidence == round(1.0 - prediction.labor_probability, 3)


@pytest.mark.parametrize("kind", sorted(LABOUR))
def test_triage_keeps_what_is_labour(kind):
    title, text, category = LABOUR[kind]
    prediction = triaged().classify(text, title)
    assert prediction.category == category
    assert prediction.is_labor is True
    assert prediction.labor_probability is not None
    assert prediction.labor_probability >= default_triage().threshold
    assert 0.0 < prediction.confidence <= prediction.labor_probability
    assert prediction.source == "rules+model+triage"
    assert prediction.as_dict()["labor_probability"] == prediction.labor_probability


@cache
def default_triage() -> LaborTriage:
    return LaborTriage.load(TRIAGE_MODEL_FILE)


def test_without_a_triage_the_classifier_answers_as_before():
    title, text = NOT_LABOUR["housing complaint"]
    plain = DemandClassifier(DemandModel.load(SEED_MODEL_FILE)).classify(text, title)
    assert plain.source == "rules+model"
    assert plain.labor_probability is None
    assert "labor_probability" not in plain.as_dict()


def test_shipped_calibration_is_increasing_and_within_zero_and_one():
    calibration = default_triage().calibration
    raw = np.linspace(-40.0, 40.0, 2001)
    probabilities = calibration(raw)
    assert np.all(np.diff(probabilities) >= 0.0)
    assert np.all(np.diff(calibration.probabilities) > 0.0)
    assert 0.0 <= probabilities[0] < 0.01
    assert 0.99 < probabilities[-1] <= 1.0


def test_platt_calibration_follows_the_observed_rate_and_keeps_the_order():
    raw = np.array([-3.0, -2.0, -1.0, 0.0, 0.0, 1.0, 2.0, 3.0] * 25)
    outcomes = np.array([0, 0, 0, 0, 1, 1, 1, 1] * 25, dtype=float)
    calibration = platt_calibration(raw, outcomes)
    probabilities = calibration(np.array([-3.0, 0.0, 3.0]))
    assert probabilities[0] < 0.05
    assert probabilities[1] == pytest.approx(0.5, abs=1e-3)
    assert probabilities[2] > 0.95
    assert np.all(np.diff(calibration(np.sort(raw))) >= 0.0)


def test_calibration_between_points_is_linear_and_clipped_outside():
    calibration = Calibration(np.array([0.0, 1.0, 3.0]), np.array([0.1, 0.5, 0.9]))
    np.testing.assert_allclose(calibration(np.array([-5.0, 0.5, 2.0, 9.0])), [0.1, 0.3, 0.7, 0.9])


def test_reliability_table_and_expected_calibration_error():
    probabilities = np.array([0.05, 0.05, 0.15, 0.95, 0.95, 0.85])
    outcomes = np.array([0.0, 0.0, 1.0, 1.0, 1.0, 0.0])
    table = reliability_table(probabilities, outcomes, bins=10)
    assert [row.count for row in table] == [2, 1, 0, 0, 0, 0, 0, 0, 1, 2]
    assert table[0].mean_predicted == pytest.approx(0.05)
    assert table[0].observed == 0.0
    assert table[9].observed == 1.0
    # |0.05-0|*2 + |0.15-1|*1 + |0.85-0|*1 + |0.95-1|*2, over 6 texts
    assert expected_calibration_error(probabilities, outcomes) == pytest.approx(1.9 / 6)


def test_binary_scores_and_threshold_choice():
    probabilities = np.array([0.1, 0.2, 0.4, 0.6, 0.7, 0.9])
    outcomes = np.array([False, False, True, False, True, True])
    assert best_threshold(probabilities, outcomes) == 0.4
    scores = binary_scores(probabilities >= 0.4, outcomes)
    assert (scores.positives, scores.predicted_positives) == (3, 4)
    assert scores.precision == 0.75
    assert scores.recall == 1.0
    assert scores.f1 == pytest.approx(6 / 7)


def test_normalised_text_sets_aside_width_case_punctuation_and_numbers():
    assert normalised("工资拖欠３个月！ＡＢＣ abc") == normalised("工资拖欠12个月。abc，ABC")
    assert text_hash("公司拖欠工资。") == text_hash("公司拖欠工资")
    assert text_hash("公司拖欠工资") != text_hash("公司拖欠奖金")


MESSAGE = (
    "尊敬的领导：我们小区门口的道路从去年开始修，到现在都快一年了，路挖得稀烂用围栏围起，"
    "一直不怎么动工，下雨天到处是积水，老人小孩出门很不方便，请问什么时候能修好？"
)


def test_near_duplicates_share_a_group_and_a_split():
    reposted = MESSAGE.replace("尊敬的领导：", "领导您好，") + "谢谢！"
    other = "请问在本市办理护照需要哪些材料？在哪里办理？"
    assert duplicate_groups([MESSAGE, reposted, other]) == [1, 1, 2]
    texts = [
        RealText("gov", str(number), text, False, "城乡建设")
        for number, text in enumerate([MESSAGE, reposted, other])
    ]
    splits = assign_splits(texts)
    assert splits[0] == splits[1]


def test_overlap_check_finds_exact_and_near_duplicates():
    tested = [MESSAGE, MESSAGE.replace("，", " ") + "急！", "我想咨询一下异地医保怎么报销。"]
    trained = [MESSAGE.replace("，", "、"), "完全不同的一段话，讲的是公交线路调整的建议。"]
    assert overlap_with_training(tested, trained) == {"exact": 1, "near_duplicate": 2}
    assert overlap_with_training(tested[2:], trained) == {"exact": 0, "near_duplicate": 0}


def test_shipped_manifest_keeps_test_texts_out_of_training():
    rows = read_manifest()
    trained = {row.text_hash for row in rows if row.split in ("train", "dev")}
    tested = {row.text_hash for row in rows if row.split == "test"}
    assert {row.split for row in rows} == {"train", "dev", "test"}
    assert len({(row.source, row.key) for row in rows}) == len(rows)
    assert trained.isdisjoint(tested)
    assert not any(row.source == "lawbench/2-4" for row in rows)
    # Research-only terms: measured with, never trained on, not even listed.
    assert not any(row.source.startswith("lawyer-llama") for row in rows)


def _write_json(path: Path, records: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")


PEOPLE = ["我", "我爸", "我妈", "我哥", "我姐", "我弟", "我妹", "我朋友", "我同学", "我邻居"]
LABOUR_MATTERS = ["被拖欠工资半年", "被公司无故辞退", "上班受伤工伤认定被拒", "加班费一直不给"]
OTHER_MATTERS = ["二手车有质量问题", "和邻居因宅基地吵架", "网购衣服退货被拒", "离婚后抚养费不给"]
PLACES = ["城阳", "黄岛", "即墨", "胶州", "平度"]
CHECKED = "母亲突然离家出走不管孩子，孩子的抚养问题应该由谁来起诉？"
REPEATED = next(m.text for m in curated_messages("dev"))


def _toy_corpus(root: Path) -> None:
    """A corpus in the sources' formats, with texts written here for the test."""
    consultations = []
    for index, person in enumerate(PEOPLE):
        for matter_index, matter in enumerate(LABOUR_MATTERS + OTHER_MATTERS):
            place = PLACES[(index + matter_index) % len(PLACES)]
            is_labour = matter in LABOUR_MATTERS
            consultations.append(
                {
                    "question": f"{person}在{place}{matter}，已经{index + 2}个月了，该怎么办？",
                    "answer": "依据《劳动合同法》第三十条" if is_labour else "依据《民法典》",
                }
            )
    # The independent check's set: a corpus text that repeats one of its texts is dropped.
    consultations.append({"question": CHECKED, "answer": "依据《民法典》"})
    zero_shot = root / "lawbench" / "data" / "zero_shot"
    _write_json(zero_shot / "3-8.json", consultations)
    _write_json(zero_shot / "2-4.json", [{"question": CHECKED + "谢谢", "answer": "婚姻家庭"}])
    for task in ("2-2", "2-3", "3-1", "3-2", "2-7"):
        _write_json(zero_shot / f"{task}.json", [])
    headlines = [
        {"sentence": f"{place}{sport}比赛第{n}轮战罢", "label_desc": "news_sports", "id": n}
        for n, (place, sport) in enumerate(
            (place, sport) for place in PLACES for sport in ("足球", "篮球", "排球", "乒乓球")
        )
    ]
    _write_json(root / "fewclue" / "datasets" / "tnews" / "test_public.json", headlines)
    # An evaluation-only source (its terms allow research only): one of its texts repeats a
    # training text (a curated message of the dev half) and is not counted as held out.
    _write_json(
        root / "lawyer_llama" / "data" / "zixun_gpt4.json",
        [
            {"query": REPEATED, "output": "申请劳动仲裁"},
            {"query": "公司欠我两个月工资不发，我能去哪里投诉？", "output": "申请劳动仲裁"},
            {"query": "邻居家的狗咬伤了我的孩子，邻居要赔偿吗？", "output": "依据《民法典》"},
        ],
    )
    # The board's taxonomy (附件1): its category names become one-phrase examples.
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["一级分类", "二级分类", "三级分类"])
    sheet.append(["劳动和社会保障", "工资福利", "工资发放"])
    sheet.append(["劳动和社会保障", "其他", "其他"])
    sheet.append(["城乡建设", "物业管理", "物业收费"])
    (root / "gov").mkdir(parents=True)
    workbook.save(root / "gov" / "附件1.xlsx")


def _run(argv: list[str], monkeypatch, capsys) -> dict:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_train_and_evaluate_triage_on_a_corpus_folder(tmp_path: Path, monkeypatch, capsys):
    _toy_corpus(tmp_path / "corpus")
    model, manifest = tmp_path / "triage.npz", tmp_path / "manifest.csv"
    common = ["--corpus", str(tmp_path / "corpus"), "--manifest", str(manifest)]
    trained = _run(["text", "train-triage", *common, "--out", str(model)], monkeypatch, capsys)
    rows = read_manifest(manifest)
    assert trained["model"] == str(model)
    assert trained["dropped_as_check_texts"] == 1
    assert len(rows) == 100
    assert text_hash(CHECKED) not in {row.text_hash for row in rows}
    assert trained["dev"] == sum(row.split == "dev" for row in rows)
    assert 0.0 < trained["threshold"] < 1.0

    report = _run(["text", "evaluate-triage", *common, "--model", str(model)], monkeypatch, capsys)
    held_out = report["real_public_text_held_out"]
    assert held_out["test_texts_found_in_training"] == {"exact": 0, "near_duplicate": 0}
    assert held_out["texts_whose_split_differs_from_the_manifest"] == 0
    assert held_out["test_is_labor"]["all"]["texts"] == sum(row.split == "test" for row in rows)
    assert report["written_here_development_aid_only"]["test_is_labor"]["texts"] == 50
    assert not any(row.source.startswith("lawyer-llama") for row in rows)
    evaluation_only = report["evaluation_only_sources_never_trained_on"]
    assert evaluation_only["dropped_as_found_in_training"] == 1
    assert evaluation_only["is_labor"]["all"]["texts"] == 2
    assert evaluation_only["is_labor"]["all"]["labour"] == 1


def test_the_boards_taxonomy_gives_labour_and_other_category_names(tmp_path: Path):
    _toy_corpus(tmp_path)
    examples = board_taxonomy_examples(tmp_path)
    assert sorted((e.text, e.is_labor) for e in examples) == [
        ("工资发放", True),
        ("工资福利", True),
        ("物业收费", False),
        ("物业管理", False),
    ]
    assert board_taxonomy_examples(tmp_path / "nowhere") == []


def test_the_default_classifier_decides_labour_with_the_triage():
    """A plain wage-arrears message (the triage refused it before it learnt from real
    consultations and posts) is read as wage arrears, the triage saying labour; a complaint
    about a neighbourhood's property management is refused."""
    text = "自2026年8月起工资一直未发放，共计15700元"
    prediction = classify(text)
    assert (prediction.category, prediction.is_labor) == ("WAGE.ARREARS.STAFF", True)
    assert prediction.source == "rules+model+triage"
    assert prediction.labor_probability is not None
    assert prediction.labor_probability >= default_triage().threshold
    title, text = NOT_LABOUR["housing complaint"]
    refused = classify(text, title)
    assert (refused.category, refused.is_labor) == (NON_LABOR, False)
    assert refused.source == "rules+model+triage"


def test_a_site_triage_in_the_data_dir_takes_precedence(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("LABORWATCH_DATA_DIR", str(tmp_path))
    assert default_triage_file() == TRIAGE_MODEL_FILE
    site = site_triage_file()
    site.parent.mkdir(parents=True)
    site.write_bytes(TRIAGE_MODEL_FILE.read_bytes())
    assert default_triage_file() == site == tmp_path / "text" / "labor_triage.npz"


def _board_sheet(path: Path, header: list[str], rows: list[list[object]]) -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.append(header)
    for row in rows:
        workbook.active.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)


BOARD_HEADER = ["留言编号", "留言用户", "留言主题", "留言时间", "留言详情"]
NOISE = "工人每天晚上十一点还在施工，噪音太大。"


def test_the_whole_board_release_teaches_only_what_speaks_of_no_labour_matter(tmp_path: Path):
    """Messages in the board's format (written here): a road complaint is taught as not labour,
    even where it mentions workers in passing; a message about wages, or one the labour bureau
    answered, is left out; a message labelled here one by one keeps its label."""
    labelled_here = next(
        key for key, label in government_labels(("附件4-full",)).items() if label == "labour"
    )
    sample = next(iter(government_labels(("附件3",))))
    _board_sheet(
        tmp_path / "full_dataset_sheet_3.xlsx",
        [*BOARD_HEADER, "反对数", "点赞数"],
        [
            [1, "U1", "A3区道路施工扰民", "2019/1/1", f"\n\t{NOISE}\n", 0, 3],
            [2, "U2", "公司拖欠工资", "2019/1/2", "老板欠我们三个月工资不发。", 0, 1],
            [int(sample), "U3", "样本里已标注的留言", "2019/1/3", "小区停车位被占。", 0, 0],
        ],
    )
    _board_sheet(
        tmp_path / "full_dataset_sheet_4.xlsx",
        [*BOARD_HEADER, "答复意见", "答复时间"],
        [
            [3, "U4", "小区路灯不亮", "2/1", "路灯坏了半年。", "经城管局调查，已修复。", "2/9"],
            [4, "U5", "咨询落户", "2019/2/2", "外地户口如何落户？", "经市人社局答复……", "2/9"],
            [int(labelled_here), "U6", "请求解决", "2/3", "请帮忙。", "经人社局核实……", "2/9"],
        ],
    )
    texts = list(read_board_full(tmp_path))
    assert [(t.source, t.key, t.is_labor) for t in texts] == [
        ("gov/board-full", "附件3:1", False),
        ("gov/board-full", "附件4:3", False),
        ("gov/board-labelled", labelled_here, True),
    ]
    assert texts[0].text == f"A3区道路施工扰民\n{NOISE}"


def test_judgment_facts_speak_of_labour_unless_the_wage_measures_lost_income(tmp_path: Path):
    facts = [
        # a traffic accident: the wage measures lost income (written here)
        "原告驾驶电动车被被告驾驶的轿车撞伤，误工费按照本地职工平均工资计算为8000元。",
        # an unpaid wage: a labour matter, left out
        "原告在被告处工作，被告尚欠原告工资12000元未付。",
        # a loan
        "被告向原告借款5万元，约定一年内归还，至今未还。",
    ]
    _write_json(
        tmp_path / "data" / "zero_shot" / "2-5.json",
        [{"question": f"段落:{fact}问题:原告支出了哪些款项？", "answer": "略"} for fact in facts],
    )
    texts = list(read_lawbench(tmp_path))
    assert [(t.source, t.key, t.text, t.is_labor) for t in texts] == [
        ("lawbench/2-5", "0", facts[0], False),
        ("lawbench/2-5", "2", facts[2], False),
    ]
    assert judgment_speaks_of_labour(facts[1])
    assert judgment_speaks_of_labour("原告与被告之间存在劳务关系，原告在工地受伤。")
    assert not judgment_speaks_of_labour(facts[0])
