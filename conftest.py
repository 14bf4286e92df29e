"""Loads the scimulator plugin, so that plain `pytest` in a checkout runs the conformance suite."""

pytest_plugins = ["scimulator.steps.plugin"]
