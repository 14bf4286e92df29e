"""The simulated identity provider: Okta and Microsoft Entra ID engines that send what the real ones send.

A plain library (no pytest): a vendor can embed it in its own tests. The pieces:

- ``directory``: people and groups (Faker, deterministic from a seed) and an app's assignments;
- ``clock``: virtual time that moves only when told;
- ``transport``: HTTP with an IdP's headers and timeout, recording every exchange, secrets redacted;
- ``okta`` and ``entra``: one provisioning engine per IdP, reading like the sequences in
  idp-behaviour.md (the shared IdP fact sheet), section by section.
"""

from .clock import VirtualClock
from .directory import Directory, Group, Person
from .entra import EntraEngine
from .okta import OktaEngine
from .transport import ENTRA, OKTA, VERIFY, ClientProfile, Exchange, Transport

__all__ = ["VirtualClock", "Directory", "Group", "Person", "EntraEngine", "OktaEngine", "ENTRA", "OKTA", "VERIFY",
           "ClientProfile", "Exchange", "Transport"]
