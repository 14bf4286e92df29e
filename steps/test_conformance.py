"""Collects every scenario under features/ (the suite itself lives in the .feature files).

``SCIMULATOR_FEATURES`` (directories separated by the path separator; set by ``scimulator run --features``)
collects other feature directories instead.
"""

import os

from pytest_bdd import scenarios

from scimulator.reports.model import BUNDLED_FEATURES

FEATURE_DIRECTORIES = [d for d in os.environ.get("SCIMULATOR_FEATURES", "").split(os.pathsep) if d] or [BUNDLED_FEATURES]

scenarios(*FEATURE_DIRECTORIES)
