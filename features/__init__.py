"""The Gherkin scenarios of the conformance suite (a package only so that they ship inside the wheel)."""
