"""Collects every scenario under features/ (the suite itself lives in the .feature files).

The run's settings (``--features DIR``, repeatable, or the RunSettings `scimulator run` hands pytest)
name other feature directories to collect instead.
"""

from pytest_bdd import scenarios

from scimulator.steps.settings import active_settings

FEATURE_DIRECTORIES = active_settings().feature_directories

__import__("scimulator.steps.language").steps.language.check_features(FEATURE_DIRECTORIES)  # fails collection
scenarios(*FEATURE_DIRECTORIES)
