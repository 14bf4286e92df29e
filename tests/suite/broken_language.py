"""Broken targets for the attribute table's target-side check: each fails the scenarios that read an
attribute where SCIM puts it, and passes those about attributes it leaves alone.
"""

from __future__ import annotations

import json
import re

from scimulator.simulator.scim import ENTERPRISE
from tests.suite.broken_targets import Broken, Call, _json_response, breaker

USER_BY_ID = re.compile(r".*/Users/[^/]+")


@breaker
def department_at_the_top_level(call: Call):
    """A user read by id shows the enterprise department as a top-level `department`, not in the extension."""
    status, headers, data = call.forward()
    if call.method != "GET" or not USER_BY_ID.fullmatch(call.path) or not status.startswith("200"):
        return status, headers, data
    user = json.loads(data)
    extension = user.get(ENTERPRISE) if isinstance(user.get(ENTERPRISE), dict) else {}
    if "department" in extension:
        user["department"] = extension.pop("department")
    return _json_response(status, headers, user)


BREAKERS = {
    "department_at_the_top_level": Broken(department_at_the_top_level, must_fail=(
        "test_a_department_okta_pushes_is_read_back_from_the_enterprise_extension",
        "test_a_department_changed_in_entra_is_read_back_from_the_enterprise_extension",
    ), must_pass=("test_add_on_a_filtered_path_whose_element_does_not_exist_yet_creates_it",)),
}
