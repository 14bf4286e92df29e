"""scimulator: will this SCIM endpoint work when a customer connects Okta or Microsoft Entra ID?"""

__version__ = "0.1.0"
