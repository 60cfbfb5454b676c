"""The registry linker: its index of former and short names, built once on disk and opened by
every process, with the changes since on top."""

from __future__ import annotations

import json

from laborwatch.cli import main
from laborwatch.enterprises.linker import (
    employer_mentions,
    enterprises_known_as,
    forget_registry,
)
from laborwatch.enterprises.services import enterprise_update, enterprises_bulk_load
from laborwatch.lib.process_cache import forget_all
from laborwatch.text.link import Linker
from tests.factories import make_enterprise, valid_credit_code


def test_former_and_short_names_lead_to_their_enterprises(org_units):
    haier = make_enterprise(
        org_units["laoshan"],
        name="海尔集团公司",
        short_names=["海尔"],
        former_names=["青岛电冰箱总厂"],
    )
    hisense = make_enterprise(
        org_units["shinan"], name="海信集团有限公司", short_names=["海信", "海尔"]
    )
    assert enterprises_known_as("青岛电冰箱总厂") == [haier.credit_code]
    assert sorted(enterprises_known_as("海尔")) == sorted([haier.credit_code, hisense.credit_code])
    assert enterprises_known_as("海尔集团公司") == []  # the registered name is not an alias
    assert enterprises_known_as("海") == []  # exact names only


def test_the_index_follows_the_registry_once_forgotten(org_units):
    assert enterprises_known_as("鑫瑞泰") == []
    firm = make_enterprise(
        org_units["shinan"], name="青岛鑫瑞泰建筑工程有限公司", short_names=["鑫瑞泰"]
    )
    forget_registry()  # what enterprise_create does once its transaction commits
    assert enterprises_known_as("鑫瑞泰") == [firm.credit_code]


def test_switched_off_with_text_linking(org_units, settings):
    settings.LABORWATCH_TEXT_LINKING = False
    make_enterprise(org_units["shinan"], name="青岛鑫瑞泰建筑工程有限公司", short_names=["鑫瑞泰"])
    assert enterprises_known_as("鑫瑞泰") is None


def test_the_index_is_built_once_into_the_data_dir_and_opened_by_every_process(org_units, settings):
    firm = make_enterprise(org_units["shinan"], name="柳州国联运输集团有限公司")
    assert [c.credit_code for c in employer_mentions("国联运输拖欠运费")] == [firm.credit_code]
    meta = settings.LINK_INDEX_DIR / "meta.json"
    built = meta.stat().st_mtime_ns
    assert json.loads(meta.read_text(encoding="utf-8"))["entries"] == 1
    forget_all()  # another process: it opens the index on disk, it does not build one
    assert [c.credit_code for c in employer_mentions("国联运输拖欠运费")] == [firm.credit_code]
    assert meta.stat().st_mtime_ns == built


def test_changes_after_the_build_are_seen_without_a_rebuild(org_units, settings):
    firm = make_enterprise(org_units["shinan"], name="青岛鑫瑞泰建筑工程有限公司")
    assert employer_mentions("鑫瑞泰建筑欠薪")[0].credit_code == firm.credit_code
    built = (settings.LINK_INDEX_DIR / "meta.json").stat().st_mtime_ns
    enterprise_update(actor=None, enterprise=firm, name="青岛恒通达建筑工程有限公司")
    newcomer = make_enterprise(org_units["laoshan"], name="青岛海纳百川物流有限公司")
    forget_registry()
    assert employer_mentions("恒通达建筑欠薪")[0].credit_code == firm.credit_code
    assert employer_mentions("海纳百川物流欠薪")[0].credit_code == newcomer.credit_code
    # The old name is a former name now: still the same firm, found by the changed index.
    assert enterprises_known_as("青岛鑫瑞泰建筑工程有限公司") == [firm.credit_code]
    assert (settings.LINK_INDEX_DIR / "meta.json").stat().st_mtime_ns == built


def test_an_index_of_another_registry_is_rebuilt(org_units, settings, tmp_path):
    other = Linker.from_rows([{"credit_code": "91370200MA3XXXXX1A", "name": "青岛旧厂有限公司"}])
    other.save(settings.LINK_INDEX_DIR, registry_as_of="2020-01-01T00:00:00+00:00")
    firm = make_enterprise(org_units["shinan"], name="青岛鑫瑞泰建筑工程有限公司")
    assert employer_mentions("旧厂有限公司欠薪") == []
    assert employer_mentions("鑫瑞泰建筑欠薪")[0].credit_code == firm.credit_code
    assert json.loads((settings.LINK_INDEX_DIR / "meta.json").read_text())["entries"] == 1


def test_a_registry_load_builds_the_index(org_units, settings, django_capture_on_commit_callbacks):
    code = valid_credit_code(9001)
    rows = [
        {
            "credit_code": code,
            "name": "青岛海澜服饰有限公司",
            "district_code": "370202",
            "industry": "C",
            "size_band": "small",
        }
    ]
    with django_capture_on_commit_callbacks(execute=True):
        enterprises_bulk_load(actor=None, rows=rows)
    meta = json.loads((settings.LINK_INDEX_DIR / "meta.json").read_text(encoding="utf-8"))
    assert meta["entries"] == 1
    opened = Linker.open(settings.LINK_INDEX_DIR)
    assert [c.credit_code for c in opened.link("海澜服饰有限公司欠薪")] == [code]


def test_the_text_command_builds_the_index(org_units, settings, capsys):
    firm = make_enterprise(org_units["shinan"], name="青岛鑫瑞泰建筑工程有限公司")
    assert main(["text", "link-index"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["folder"], report["enterprises"]) == (str(settings.LINK_INDEX_DIR), 1)
    opened = Linker.open(settings.LINK_INDEX_DIR)
    assert [c.credit_code for c in opened.link("鑫瑞泰建筑欠薪")] == [firm.credit_code]
