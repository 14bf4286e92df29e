"""The part of pytest-bdd's own plugin (``pytest_bdd.plugin``) that `scimulator run` needs, loaded in its place.

pytest-bdd's plugin also brings its Cucumber JSON report, its Gherkin terminal reporter, its step-skeleton
generator (which imports Mako, and with it Pygments: about 30 ms at every start) and its own per-step records
for those reports, none of which a run uses: the run writes its reports from steps/reporting.py. What a scenario
needs of it is kept: pytest-bdd's hook specifications, the ``_pytest_bdd_example`` fixture that scenario outlines
fill, the ``bdd_features_base_dir`` setting, the configuration stack pytest-bdd reads while it collects, and tags
applied as pytest marks. tests/suite/test_bdd_core.py checks, against the installed pytest-bdd, that nothing else
of its plugin is missing. `pytest steps` (and an Allure run) loads pytest-bdd's own plugin.
"""

from __future__ import annotations

from typing import Callable

import pytest
from pytest_bdd import hooks
from pytest_bdd.utils import CONFIG_STACK


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    pluginmanager.add_hookspecs(hooks)


@pytest.fixture
def _pytest_bdd_example() -> dict:
    """The current scenario outline's row; pytest-bdd parametrizes it, and a plain scenario gets no row."""
    return {}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini("bdd_features_base_dir", "Base features directory.")


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    CONFIG_STACK.append(config)


def pytest_unconfigure(config: pytest.Config) -> None:
    if CONFIG_STACK:
        CONFIG_STACK.pop()


def pytest_bdd_apply_tag(tag: str, function: Callable) -> Callable:
    """A scenario's tag becomes a pytest mark of the same name (``-m`` and the run's tag selection read them)."""
    return getattr(pytest.mark, tag)(function)
