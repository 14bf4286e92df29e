"""Collects every scenario under features/ (the suite itself lives in the .feature files).

The run's settings (``--features DIR``, repeatable, or the RunSettings `scimulator run` hands pytest)
name other feature directories to collect instead.
"""

from pathlib import Path

from pytest_bdd import scenarios

from scimulator.steps.language_cache import ParsedFeatures
from scimulator.steps.settings import active_settings

FEATURE_DIRECTORIES = active_settings().feature_directories
FEATURE_FILES = sorted(path for directory in FEATURE_DIRECTORIES for path in Path(directory).rglob("*.feature"))

__import__("scimulator.steps.language").steps.language.check_features(FEATURE_DIRECTORIES)  # fails collection
PARSED = ParsedFeatures(FEATURE_FILES)
PARSED.lend()  # parsed by an earlier run: pytest-bdd does not parse them again
scenarios(*FEATURE_DIRECTORIES)
PARSED.keep()
