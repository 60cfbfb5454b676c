"""Demo code stays in laborwatch.demo, and the clock-travelling tool stays with the tests."""

from __future__ import annotations

import tomllib
from pathlib import Path

import grimp
import pytest

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("laborwatch", "time_machine", exclude_type_checking_imports=True)


def test_nothing_under_src_imports_time_machine(graph: grimp.ImportGraph) -> None:
    assert graph.find_modules_that_directly_import("time_machine") == set()


def test_time_machine_is_a_test_extra_only() -> None:
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    assert not [d for d in project["dependencies"] if d.startswith("time-machine")]
    assert [d for d in project["optional-dependencies"]["dev"] if d.startswith("time-machine")]


def test_only_the_demo_command_uses_the_demo_package(graph: grimp.ImportGraph) -> None:
    importers = {
        module
        for module in graph.find_downstream_modules("laborwatch.demo", as_package=True)
        if not module.startswith("laborwatch.demo")
    }
    assert all(
        module == "laborwatch.cli" or ".management.commands." in module for module in importers
    ), importers
