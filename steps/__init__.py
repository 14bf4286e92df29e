"""pytest-bdd step definitions of the conformance suite, and its pytest plugin."""
