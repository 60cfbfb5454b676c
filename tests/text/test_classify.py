"""Demand classification: rules on long messages with passing mentions, the trained model,
its storage, and the blend."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from laborwatch.text.classifier_training import curated_messages, read_labelled, retrain
from laborwatch.text.classify import DemandClassifier, classify
from laborwatch.text.demand_model import DemandModel, LabelledText, fit, held_out_split, k_fold
from laborwatch.text.jsonl import InputError
from laborwatch.text.lexicon import score
from laborwatch.text.taxonomy import NON_LABOR

RULES = DemandClassifier(None)

PENSION_QUESTION = (
    "我今年五十九了，以前在纺织厂干了二十年，厂子改制的时候还欠着我们半年工资，这个事过去"
    "这么多年了我也不想追究了。我现在主要想问一下，我的养老保险中间断了八年，现在补缴要交"
    "多少钱，明年到了年龄能不能按时领养老金？"
)
RENT_DISPUTE = (
    "我在城阳一家电子厂上班，平时三班倒挺累的。厂子附近租了个单间，住了一年，现在不想租了，"
    "房东说我提前退租，押金两千块一分不退，还说屋里墙面弄脏了要我赔。请问房东这样扣押金合理吗？"
)
MIGRANT_ARREARS = (
    "我们是在平度一个工地上干活的，十几个人，包工头欠我们工资快半年了，项目部说钱早就给了，"
    "现在谁也不管，快过年了，希望帮我们要回工钱。"
)


def test_pension_question_that_mentions_old_wage_arrears_is_a_pension_question():
    prediction = RULES.classify(PENSION_QUESTION)
    assert prediction.category == "INSURANCE.PENSION"
    assert prediction.is_labor is True


def test_rent_dispute_that_mentions_a_job_is_not_labour():
    prediction = RULES.classify(RENT_DISPUTE)
    assert prediction.category == NON_LABOR
    assert prediction.is_labor is False
    assert prediction.category_label == "非劳动类诉求"


def test_wage_arrears_on_a_building_site_is_a_migrant_workers_case():
    prediction = RULES.classify(MIGRANT_ARREARS)
    assert prediction.category == "WAGE.ARREARS.MIGRANT"
    assert prediction.category_label == "工资报酬 / 拖欠工资 / 农民工工资拖欠"
    assert 0.5 < prediction.confidence <= 1.0


def test_office_wage_arrears_is_an_employees_case():
    prediction = RULES.classify("公司已经三个月不发工资了，我是做会计的，请问怎么办？")
    assert prediction.category == "WAGE.ARREARS.STAFF"


def test_title_counts_more_than_a_passing_word():
    text = "我想问问这件事怎么处理，之前也加过班。"
    assert RULES.classify(text, title="产假被拒").category == "WOMEN.MATERNITY"


def test_text_with_no_labour_matter_is_non_labour_with_modest_confidence():
    prediction = RULES.classify("今天天气不错，谢谢你们。")
    assert prediction.category == NON_LABOR
    assert prediction.confidence == 0.5


def test_request_sentence_outweighs_background():
    rule = score("我以前在厂里受伤住过院。现在想问一下公积金怎么提取？")
    assert rule.scores["HOUSING_FUND"] > rule.scores["SAFETY.INJURY"]


def test_longer_term_swallows_the_shorter_inside_it():
    rule = score("公司没有签劳动合同")
    assert rule.hits == {"CONTRACT.UNSIGNED": ["没有签劳动合同"]}


def test_rules_on_the_curated_development_messages():
    examples = curated_messages("dev")
    predictions = RULES.classify_many([(e.text, e.title) for e in examples])
    correct = sum(p.category == e.category for p, e in zip(predictions, examples, strict=True))
    assert len(examples) == 50
    assert correct / len(examples) >= 0.9


def test_module_level_classify_uses_the_default_classifier():
    prediction = classify(MIGRANT_ARREARS)
    assert prediction.category == "WAGE.ARREARS.MIGRANT"
    assert prediction.source == "rules+model+triage"


def _toy_cases() -> list[LabelledText]:
    phrases = {
        "HOUSING_FUND": ["公积金没交", "住房公积金提取不了", "公积金基数太低"],
        "HOURS.LEAVE": ["年假不让休", "病假被扣钱", "婚假只给三天"],
        "NON_LABOR": ["房东不退押金", "邻居噪音太大", "网购退货难"],
    }
    return [
        LabelledText(text=f"{phrase}，第{number}次反映，请帮忙处理。", category=code)
        for code, items in phrases.items()
        for phrase in items
        for number in range(4)
    ]


def test_model_learns_its_training_cases_and_survives_a_save(tmp_path: Path):
    cases = _toy_cases()
    model = fit(cases)
    assert model.classes == ["HOURS.LEAVE", "HOUSING_FUND", "NON_LABOR"]
    classifier = DemandClassifier(model, model_weight=1.0)
    predicted = [p.category for p in classifier.classify_many([(c.text, None) for c in cases])]
    assert predicted == [c.category for c in cases]

    path = tmp_path / "model.npz"
    model.save(path)
    loaded = DemandModel.load(path)
    texts = ["公积金的事", "年假", "房东"]
    assert loaded.classes == model.classes
    assert loaded.trained_on == len(cases)
    np.testing.assert_allclose(loaded.probabilities(texts), model.probabilities(texts), rtol=1e-5)


def test_model_weight_grows_with_cases():
    model = fit(_toy_cases())
    model.trained_on = 500
    assert DemandClassifier(model).model_weight == 0.5
    model.trained_on = 100_000
    assert DemandClassifier(model).model_weight == 0.85


def test_retrain_reports_held_out_accuracy_and_writes_the_model(tmp_path: Path):
    out = tmp_path / "site" / "demand_classifier.npz"
    _, report = retrain(_toy_cases(), out)
    assert out.exists()
    assert report.trained_on + report.held_out == 36
    assert report.held_out == 6  # a fifth of each category's twelve cases, rounded: 2
    assert 0.0 <= report.model_accuracy <= 1.0
    assert DemandModel.load(out).info["held_out"] == report.as_dict()


def test_held_out_split_keeps_rare_categories_in_training():
    cases = [*_toy_cases(), LabelledText(text="入会", category="UNION.MEMBERSHIP")]
    training, held_out = held_out_split(cases)
    assert any(c.category == "UNION.MEMBERSHIP" for c in training)
    assert all(c.category != "UNION.MEMBERSHIP" for c in held_out)


def test_k_fold_uses_every_case_once():
    cases = _toy_cases()
    held = [case for _, testing in k_fold(cases, 5) for case in testing]
    assert sorted(h.text for h in held) == sorted(c.text for c in cases)


def test_labelled_input_with_unknown_category_is_refused():
    with pytest.raises(InputError, match=r"^line 2: unknown category \(WAGES\)$") as caught:
        read_labelled(["", '{"text": "欠薪", "category": "WAGES"}'])
    assert (caught.value.line, caught.value.problem, caught.value.detail) == (
        2,
        "unknown_category",
        "WAGES",
    )


def test_fast_features_equal_the_vectorizers():
    model = fit(curated_messages("dev"))
    texts = [e.text for e in curated_messages("test")]
    texts += ["", "欠", "  空格  和\tTAB  ", "ABC abc", "😀工资😀没发"]
    fast = model.features(texts).toarray()
    reference = model.vectorizer.transform(texts).toarray()
    np.testing.assert_allclose(fast, reference, rtol=1e-5, atol=1e-6)

    assert model.features([]).shape == (0, len(model.vectorizer.idf_))


def test_one_text_gets_the_probabilities_it_gets_in_a_batch():
    """A pushed work order is classified alone, by its own path: the same numbers."""
    model = fit(curated_messages("dev"))
    texts = [*(e.text for e in curated_messages("test")[:40]), "", "😀"]
    batch = model.probabilities(texts)
    alone = np.vstack([model.probabilities([text]) for text in texts])
    np.testing.assert_allclose(alone, batch, rtol=1e-5, atol=1e-7)
    assert alone.shape == (len(texts), len(model.classes))


def test_words_apart_are_caught_by_patterns():
    assert RULES.classify("公司自2025年1月起未给本人缴纳社会保险，要求补缴。").category == (
        "INSURANCE.ARREARS"
    )
    assert RULES.classify("我们从5月开始就没发过工资，希望工会介入。").category == (
        "WAGE.ARREARS.STAFF"
    )


def test_a_term_inside_a_firms_name_barely_counts():
    text = "青岛恒达劳务派遣有限公司拖欠本人3个月工资，请求帮助。"
    assert RULES.classify(text).category == "WAGE.ARREARS.STAFF"
    rule = score(text)
    assert rule.scores["CONTRACT.DISPATCH"] == pytest.approx(3 * 0.2 * 2.0)


def test_pattern_and_term_saying_the_same_count_once():
    rule = score("公司一直拖欠工资。")
    assert rule.scores["WAGE.ARREARS"] == 3.0


def test_the_demand_model_reads_each_text_the_triage_keeps_once_and_no_other(monkeypatch):
    from laborwatch.text.demand_model import SEED_MODEL_FILE
    from laborwatch.text.triage import TRIAGE_MODEL_FILE, LaborTriage

    classifier = DemandClassifier(
        DemandModel.load(SEED_MODEL_FILE), triage=LaborTriage.load(TRIAGE_MODEL_FILE)
    )
    assert classifier.model is not None
    model_read: list[int] = []
    probabilities_of_counts = classifier.model.probabilities_of_counts

    def counted(counts, texts):
        model_read.append(texts)
        return probabilities_of_counts(counts, texts)

    monkeypatch.setattr(classifier.model, "probabilities_of_counts", counted)
    weather = "今天天气很好，适合去海边散步。"
    items = [(MIGRANT_ARREARS, None), (weather, None), (MIGRANT_ARREARS, None)]
    predictions = classifier.classify_many(items)
    assert model_read == [1]
    assert [(p.category, p.confidence, p.labor_probability) for p in predictions] == [
        ("WAGE.ARREARS.MIGRANT", 0.789, 0.928),
        (NON_LABOR, 0.998, 0.002),
        ("WAGE.ARREARS.MIGRANT", 0.789, 0.928),
    ]


def test_a_term_or_pattern_across_two_sentences_counts_in_neither():
    assert score("说到工资。没发就算了").scores == {}
    assert score("工资没发。").scores == {"WAGE.ARREARS": 3.0}
    assert score("我们的工资。拖欠了").hits == {"WAGE.ARREARS": ["拖欠"]}
    assert score("欠薪\n欠薪").scores == {"WAGE.ARREARS": 6.0}
