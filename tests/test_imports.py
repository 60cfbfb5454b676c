"""The package's import graph has no cycles, and the pure engines never import Django."""

from __future__ import annotations

import graphlib

import grimp
import pytest

PURE_ENGINES = (
    "laborwatch.risk",
    "laborwatch.text",
    "laborwatch.synth",
    "laborwatch.opinion.engine",
)


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    # Imports under `if TYPE_CHECKING:` are for the type checker only and never run.
    return grimp.build_graph("laborwatch", "django", exclude_type_checking_imports=True)


def test_no_module_imports_itself_through_others(graph: grimp.ImportGraph) -> None:
    imports = {
        module: graph.find_modules_directly_imported_by(module)
        for module in graph.modules
        if module.startswith("laborwatch")
    }
    try:
        graphlib.TopologicalSorter(imports).prepare()
    except graphlib.CycleError as error:
        pytest.fail(f"import cycle: {' -> '.join(error.args[1])}")


@pytest.mark.parametrize("engine", PURE_ENGINES)
def test_pure_engines_never_import_django(graph: grimp.ImportGraph, engine: str) -> None:
    chain = graph.find_shortest_chain(importer=engine, imported="django", as_packages=True)
    assert chain is None, " -> ".join(chain or ())
