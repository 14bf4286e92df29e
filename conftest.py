"""Loads the scimulator plugin, so that plain `pytest` in a checkout runs the conformance suite."""

pytest_plugins = ["steps.plugin", "steps.okta_steps", "steps.entra_steps", "steps.target_steps", "steps.protocol_steps"]
