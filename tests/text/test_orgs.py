"""Organisation extraction: CLUENER reading, BIO tags, chunking, scoring, and the shipped
tagger on sentences of the kind it was trained on and on a long message."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from laborwatch.text.org_features import char_features
from laborwatch.text.org_training import (
    Example,
    Scores,
    bio_tags,
    cross_validate,
    fold_indices,
    read_cluener,
    read_weibo_ner,
    read_weibo_ner_training,
    train,
    weibo_org_kind,
)
from laborwatch.text.orgs import (
    MODEL_FILE,
    OrgTagger,
    chunk_offsets,
    extract_orgs,
    spans_from_tags,
    tagging_text,
)

CLUENER_LINES = [
    {
        "text": "浙商银行企业信贷部叶老桂博士则从另一个角度进行了解读。",
        "label": {"name": {"叶老桂": [[9, 11]]}, "company": {"浙商银行": [[0, 3]]}},
    },
    {
        "text": "据深圳市人大常委会消息，新规将于明年实施。",
        "label": {"government": {"深圳市人大常委会": [[1, 8]]}},
    },
    {
        "text": "布鲁京斯研究所的专家表示，东亚局势趋稳。",
        "label": {"organization": {"布鲁京斯研究所": [[0, 6]]}, "address": {"东亚": [[13, 14]]}},
    },
]


@pytest.fixture
def cluener_file(tmp_path: Path) -> Path:
    path = tmp_path / "train.json"
    path.write_text(
        "\n".join(json.dumps(line, ensure_ascii=False) for line in CLUENER_LINES) + "\n",
        encoding="utf-8",
    )
    return path


def test_cluener_inclusive_ends_become_exclusive(cluener_file: Path):
    examples = read_cluener(cluener_file)
    first = examples[0]
    assert first.spans == ((0, 4, "company"), (9, 12, "name"))
    assert first.text[0:4] == "浙商银行"


def test_cluener_span_that_does_not_match_its_text_is_refused(tmp_path: Path):
    path = tmp_path / "bad.json"
    path.write_text('{"text": "浙商银行", "label": {"company": {"浙商": [[0, 3]]}}}\n', "utf-8")
    with pytest.raises(ValueError, match="is not '浙商'"):
        read_cluener(path)


def test_bio_tags_and_back():
    example = Example(text="去浙商银行办事", spans=((1, 5, "company"),))
    tags = bio_tags(example)
    assert tags == ["O", "B-company", "I-company", "I-company", "I-company", "O", "O"]
    assert spans_from_tags(example.text, tags) == [(1, 5, "company")]


def test_overlapping_gold_spans_keep_the_earlier_longer_one():
    example = Example(text="青岛海澜集团", spans=((0, 6, "company"), (2, 4, "company")))
    assert bio_tags(example)[2] == "I-company"


def test_stray_inside_tag_opens_a_span():
    assert spans_from_tags("abc", ["O", "I-government", "I-government"]) == [(1, 3, "government")]


def test_chunks_cover_the_text_in_order_and_stay_short():
    text = "我在青岛海澜服饰有限公司上班。" * 3 + "，".join(["工资一直没有发"] * 30)
    chunks = chunk_offsets(text, size=40)
    assert chunks[0] == (0, 15)
    assert all(end - start <= 40 for start, end in chunks)
    assert "".join(text[start:end] for start, end in chunks) == text


def test_scores_count_exact_matches_by_label():
    scores = Scores()
    scores.add_sentence(
        gold=[(0, 4, "company"), (5, 8, "government")],
        predicted=[(0, 4, "company"), (5, 7, "government")],
    )
    report = scores.report()
    assert report["company"]["f1"] == 1.0
    assert report["government"]["precision"] == 0.0
    assert report["company+government+organization"]["true_positive"] == 1
    assert report["company+government+organization"]["gold"] == 2


def test_folds_partition_the_examples():
    folds = fold_indices(23, 5)
    assert sorted(i for fold in folds for i in fold) == list(range(23))
    assert [len(fold) for fold in folds] == [5, 5, 5, 4, 4]


def test_training_and_cross_validation_run_end_to_end(cluener_file: Path, tmp_path: Path):
    examples = read_cluener(cluener_file) * 4
    model = tmp_path / "tiny.crfsuite"
    train(examples, model, params={"max_iterations": 30})
    tagger = OrgTagger(model)
    assert tagger.extract("浙商银行企业信贷部叶老桂博士则从另一个角度进行了解读。")[0].text == (
        "浙商银行"
    )
    pooled, per_fold = cross_validate(examples, folds=2, params={"max_iterations": 10})
    assert len(per_fold) == 2
    assert pooled.report()["all_labels"]["gold"] == 20


def test_missing_model_file_says_how_to_train(tmp_path: Path):
    with pytest.raises(FileNotFoundError, match="train-orgs"):
        OrgTagger(tmp_path / "none.crfsuite")


def test_the_model_ships_with_the_package():
    assert MODEL_FILE.exists()
    assert MODEL_FILE.stat().st_size < 30 * 1024 * 1024


def test_shipped_model_finds_a_company_and_a_government_body():
    text = "我在青岛海澜服饰有限公司上班，上个月去李沧区人力资源和社会保障局投诉过。"
    spans = extract_orgs(text)
    kinds = {(span.text, span.kind) for span in spans}
    assert ("青岛海澜服饰有限公司", "company") in kinds
    assert any(kind == "government" and "人力资源和社会保障局" in name for name, kind in kinds)
    assert all(text[span.start : span.end] == span.text for span in spans)


def test_shipped_model_offsets_hold_in_a_long_message():
    prefix = "老师您好，我想反映一个情况，" * 20
    text = prefix + "我在青岛顺达建筑工程有限公司的工地干活，工资拖了半年。"
    spans = extract_orgs(text)
    companies = [span for span in spans if span.kind == "company"]
    assert [span.text for span in companies] == ["青岛顺达建筑工程有限公司"]
    assert companies[0].start == len(prefix) + 2


def test_the_tagger_reads_posts_with_links_blanked_and_traditional_folded():
    post = "謝謝瀋陽皇朝萬鑫酒店的感動http://t.cn/zQnHBKD"
    read = tagging_text(post)
    assert read == "谢谢沈阳皇朝万鑫酒店的感动" + " " * len("http://t.cn/zQnHBKD")
    assert len(read) == len(post)


def test_spans_found_in_traditional_text_quote_the_text_as_written():
    post = "我在瀋陽皇朝萬鑫酒店打工，老闆拖欠工資三個月了"
    for span in extract_orgs(post):
        assert post[span.start : span.end] == span.text
    assert "zQnHBKD" not in [span.text for span in extract_orgs("快来看http://t.cn/zQnHBKD")]


WEIBO_LINES = (
    "我\tO\n在\tO\n@\tO\n聚\tB-ORG.NAM\n美\tI-ORG.NAM\n优\tI-ORG.NAM\n品\tI-ORG.NAM\n"
    "买\tO\n李\tB-PER.NAM\n开\tI-PER.NAM\n复\tI-PER.NAM\n\n"
    "公\tB-ORG.NOM\n司\tI-ORG.NOM\n好\tO\n"
)


def test_weibo_ner_posts_keep_named_organisations_only(tmp_path: Path):
    path = tmp_path / "weiboNER.conll.train"
    path.write_text(WEIBO_LINES, encoding="utf-8")
    examples = read_weibo_ner(path)
    assert [(e.text, e.spans) for e in examples] == [
        ("我在@聚美优品买李开复", ((3, 7, "organization"),)),
        ("公司好", ()),
    ]


def test_weibo_ner_for_training_labels_as_cluener(tmp_path: Path):
    path = tmp_path / "weiboNER_2nd_conll.train"
    tags = ["O", *["B-ORG.NAM"] + ["I-ORG.NAM"] * 3, "O", "B-ORG.NAM", "I-ORG.NAM", "I-ORG.NAM"]
    lines = (
        WEIBO_LINES
        + "\n"
        + "".join(f"{char}\t{tag}\n" for char, tag in zip("去浙大医院和卫生部", tags, strict=True))
    )
    path.write_text(lines, encoding="utf-8")
    examples = read_weibo_ner_training(path)
    assert [e.spans for e in examples] == [
        ((3, 7, "company"), (8, 11, "name")),
        (),
        ((1, 5, "organization"), (6, 9, "government")),
    ]


def test_organisation_kind_read_from_the_ending():
    assert weibo_org_kind("聚美优品") == "company"
    assert weibo_org_kind("兰卡斯特大学") == "organization"
    assert weibo_org_kind("安大略省旅游局") == "government"


def test_the_tagger_blanks_emoticon_codes_and_emoji_offsets_kept():
    post = "转发[哈哈][good]去@新浪 看看😀#京东厨卫节#"
    read = tagging_text(post)
    assert read == "转发" + " " * 10 + "去@新浪 看看 #京东厨卫节#"
    assert len(read) == len(post)


def test_features_mark_handles_and_topics():
    rows = char_features("//@石码老板电器专卖店:遇上#京东厨卫节#了")
    marks = [[f for f in row if f.startswith(("handle=", "topic="))] for row in rows]
    assert marks[3] == ["handle=B"] and marks[11] == ["handle=E"]
    assert marks[12] == [] and marks[16] == ["topic=B"] and marks[20] == ["topic=E"]
    assert marks[21] == [] and marks[22] == []


def test_features_carry_the_dictionary_part_of_speech():
    rows = char_features("卫生部发布指南")
    assert "wtag=nt" in rows[0] and "wtag_pos=ntE" in rows[2]


def test_the_post_model_ships_and_adds_what_the_news_model_misses_in_posts():
    from laborwatch.text.orgs import SOCIAL_MODEL_FILE, is_common_word

    assert SOCIAL_MODEL_FILE.exists()
    assert SOCIAL_MODEL_FILE.stat().st_size < 10 * 1024 * 1024
    news_only = OrgTagger()
    both = OrgTagger(social_model_path=SOCIAL_MODEL_FILE)
    post = "//@新浪科技:#双十一#京东和淘宝今天又崩了[怒]http://t.cn/zQnHBKD"
    found = {span.text for span in both.extract(post)}
    assert {span.text for span in news_only.extract(post)} <= found
    assert all(post[span.start : span.end] == span.text for span in both.extract(post))
    assert "zQnHBKD" not in found and "[怒]" not in found
    assert is_common_word("商业银行") and is_common_word("加工厂")
    assert not is_common_word("聚美优品") and not is_common_word("光大银行")


def test_the_post_model_leaves_a_news_sentence_as_the_news_model_reads_it():
    from laborwatch.text.orgs import SOCIAL_MODEL_FILE

    sentence = "浙商银行企业信贷部叶老桂博士则从另一个角度进行了解读。"
    both = OrgTagger(social_model_path=SOCIAL_MODEL_FILE)
    assert both.extract(sentence) == OrgTagger().extract(sentence)


def test_work_orders_are_read_by_the_news_tagger_and_posts_by_both():
    from laborwatch.text.orgs import extract_post_orgs

    # A work-order description (synthetic) where the post tagger would add a shop's name.
    description = (
        "本人在黄岛区胜阁烟酒店工作，自2025年5月起工资一直未发放，共计4900元，老板一直推脱。"
    )
    assert [span.text for span in extract_orgs(description)] == []
    assert [span.text for span in extract_post_orgs(description)] == ["胜阁烟酒店"]
    post = "//@新浪科技:#双十一#京东和淘宝今天又崩了[怒]"
    assert extract_orgs(post) == OrgTagger().extract(post)
