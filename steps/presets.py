"""Presets: the IdP setups the seed vendors document, and the scenarios that apply to each.

A preset chooses the Okta flavour, the Entra flag and the directory's shape for steps that do not
name them ("Given an Okta app connected to the target"), and skips, with the reason, the scenarios
whose setup the vendor does not support.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Preset:
    name: str
    source: str
    okta_flavours: tuple[str, ...] = ("oin", "aiw")  # the flavours the vendor supports; the first is the default
    entra: bool = True
    entra_flag: bool | None = None  # None: both dialects apply
    email_is_login: bool = False  # the primary email is the unique identifier (and the userName)
    skip_tags: dict[str, str] = field(default_factory=dict)  # tag -> reason
    skip_steps: dict[str, str] = field(default_factory=dict)  # text a step contains -> reason
    max_users: int | None = None
    max_groups: int | None = None

    @property
    def okta_flavour(self) -> str:
        return self.okta_flavours[0]


PRESETS = {
    "singlestore": Preset(
        name="singlestore",
        source="SingleStore: scim-user-provisioning, idp-configuration-okta, idp-configuration-azure [V1][V2][V3]",
        okta_flavours=("aiw",),
        entra_flag=True,
        email_is_login=True,
        max_users=1000,
        max_groups=500,
    ),
    "cockroachdb": Preset(
        name="cockroachdb",
        source="CockroachDB Cloud: configure-scim-provisioning [V4] (written for Okta)",
        okta_flavours=("oin", "aiw"),
        entra=False,
        skip_steps={"resets the password": "CockroachDB's Okta setup enables Create and Deactivate Users only, "
                                           "not password sync [V4]"},
    ),
    "cloudthinker": Preset(
        name="cloudthinker",
        source="CloudThinker: set-up-scim-provisioning [V5]",
        skip_tags={"filter_beyond_eq": "CloudThinker filters on userName (users) and displayName (groups) only [V5]",
                   "bulk": "CloudThinker does not support bulk operations [V5]"},
    ),
}


VENDOR_TAGS = {"singlestore": "SingleStore", "cockroachdb": "CockroachDB Cloud", "cloudthinker": "CloudThinker"}
# Clients none of the preset vendors documents a setup for: their scenarios do not apply under a preset.
UNDOCUMENTED_IDPS = {"authentik": "authentik", "keycloak": "Keycloak", "jumpcloud": "JumpCloud", "onelogin": "OneLogin",
                     "ping": "Ping", "google": "Google Workspace"}


def skip_reason(preset: Preset, tags: set[str], step_texts: list[str]) -> str | None:
    """Why a scenario does not apply under a preset, or None when it does."""
    other_vendor = next((VENDOR_TAGS[t] for t in tags if t in VENDOR_TAGS and t != preset.name), None)
    if other_vendor:
        return f"{preset.name}: a promise of {other_vendor}, not of this vendor"
    for tag, reason in preset.skip_tags.items():
        if tag in tags:
            return f"{preset.name}: {reason}"
    if "entra" in tags and not preset.entra:
        return f"{preset.name}: the vendor documents Okta only"
    undocumented = next((idp for idp in UNDOCUMENTED_IDPS if idp in tags), None)
    if undocumented:
        return f"{preset.name}: the vendor documents no {UNDOCUMENTED_IDPS[undocumented]} setup"
    text = " ".join(step_texts)
    for fragment, reason in preset.skip_steps.items():
        if fragment in text:
            return f"{preset.name}: {reason}"
    for flavour in ("OIN", "AIW"):
        if f"an Okta {flavour} app" in text and flavour.lower() not in preset.okta_flavours:
            return f"{preset.name}: the vendor documents {' and '.join(f.upper() for f in preset.okta_flavours)} apps only"
    if preset.entra_flag is True and "without the aadOptscim062020 flag" in text:
        return f"{preset.name}: the vendor's Tenant URL carries ?aadOptscim062020"
    if preset.entra_flag is False and "with the aadOptscim062020 flag" in text:
        return f"{preset.name}: the vendor's setup does not use aadOptscim062020"
    return None
