"""The registry linker's index of former and short names."""

from __future__ import annotations

from laborwatch.enterprises.linker import enterprises_known_as, forget_registry
from tests.factories import make_enterprise


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
