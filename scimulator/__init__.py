"""scimulator: will this SCIM endpoint work when a customer connects Okta or Microsoft Entra ID?

Its version is written once, in pyproject.toml: ``scimulator.simulator.version.tool_version()`` reads it.
"""
