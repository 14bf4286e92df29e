"""The resource schemas of RFC 7643 section 8.7.1 (User, Group, EnterpriseUser) as data.

One ``Attribute`` tree drives everything that depends on an attribute's characteristics: the
``/Schemas`` endpoint, input coercion (``"False"`` for a boolean), case-exactness in filters and
sorting, mutability in PATCH and PUT, and what ``returned`` means for projections.
"""

from __future__ import annotations

from dataclasses import dataclass, field

USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
ENTERPRISE_SCHEMA = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
SCHEMA_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Schema"


@dataclass
class Attribute:
    name: str
    type: str = "string"
    multi_valued: bool = False
    description: str = ""
    required: bool = False
    case_exact: bool = False
    mutability: str = "readWrite"
    returned: str = "default"
    uniqueness: str = "none"
    canonical_values: list[str] | None = None
    reference_types: list[str] | None = None
    sub_attributes: dict[str, "Attribute"] = field(default_factory=dict)

    def sub(self, name: str) -> "Attribute | None":
        return self.sub_attributes.get(name.lower())

    def to_dict(self) -> dict:
        """The attribute as RFC 7643 section 7 represents it."""
        out = {
            "name": self.name,
            "type": self.type,
            "multiValued": self.multi_valued,
            "description": self.description,
            "required": self.required,
        }
        if self.canonical_values is not None:
            out["canonicalValues"] = list(self.canonical_values)
        if self.type in ("string", "reference", "binary"):
            out["caseExact"] = self.case_exact
        out["mutability"] = self.mutability
        out["returned"] = self.returned
        if self.type != "complex":
            out["uniqueness"] = self.uniqueness
        if self.reference_types is not None:
            out["referenceTypes"] = list(self.reference_types)
        if self.sub_attributes:
            out["subAttributes"] = [a.to_dict() for a in self.sub_attributes.values()]
        return out


def _attrs(*attributes: Attribute) -> dict[str, Attribute]:
    return {a.name.lower(): a for a in attributes}


def _complex(name: str, description: str, *subs: Attribute, **kw) -> Attribute:
    return Attribute(name, "complex", description=description, sub_attributes=_attrs(*subs), **kw)


def _type_description(types: list[str]) -> str:
    if not types:
        return "A label indicating the attribute's function; no value is declared for it."
    return f"A label indicating the attribute's function, e.g., {', '.join(repr(t) for t in types)}."


def _plural(name: str, description: str, value: Attribute, types: list[str], *, primary: bool = True,
            **kw) -> Attribute:
    """A multi-valued complex attribute of the usual value/display/type/primary shape.

    ``types`` are the canonicalValues of its ``type``, declared for every such attribute (the SCIM interop
    profile, draft-zollner-scim-interop-profile-01 section 5.4); an empty list declares none.
    """
    subs = [
        value,
        Attribute("display", description="A human-readable name, primarily used for display purposes.  READ-ONLY."),
        Attribute("type", description=_type_description(types), canonical_values=types),
    ]
    if primary:
        subs.append(Attribute("primary", "boolean",
                              description="A Boolean value indicating the 'primary' or preferred attribute value for "
                                          "this attribute.  The primary attribute value 'true' MUST appear no more "
                                          "than once."))
    return Attribute(name, "complex", multi_valued=True, description=description, sub_attributes=_attrs(*subs), **kw)


# Common attributes (RFC 7643 section 3.1): on every resource, not part of any schema's list.
COMMON_ATTRIBUTES = _attrs(
    Attribute("id", case_exact=True, mutability="readOnly", returned="always", uniqueness="server",
              description="Unique identifier for the SCIM resource as defined by the Service Provider."),
    Attribute("externalId", case_exact=True,
              description="A String that is an identifier for the resource as defined by the provisioning client."),
    _complex(
        "meta", "A complex attribute containing resource metadata.",
        Attribute("resourceType", case_exact=True, mutability="readOnly", description="The name of the resource type of the resource."),
        Attribute("created", "dateTime", mutability="readOnly", description="The DateTime that the resource was added to the service provider."),
        Attribute("lastModified", "dateTime", mutability="readOnly", description="The most recent DateTime that the details of this resource were updated at the service provider."),
        Attribute("location", "reference", case_exact=True, mutability="readOnly", reference_types=["uri"], description="The URI of the resource being returned."),
        Attribute("version", case_exact=True, mutability="readOnly", description="The version of the resource being returned."),
        mutability="readOnly",
    ),
    Attribute("schemas", "reference", multi_valued=True, case_exact=True, returned="always", reference_types=["uri"],
              description="The schema URIs the resource conforms to."),
)

USER_ATTRIBUTES = _attrs(
    Attribute("userName", required=True, uniqueness="server",
              description="Unique identifier for the User, typically used by the user to directly authenticate to the "
                          "service provider.  Each User MUST include a non-empty userName value.  This identifier MUST "
                          "be unique across the service provider's entire set of Users.  REQUIRED."),
    _complex(
        "name", "The components of the user's real name.",
        Attribute("formatted", description="The full name, including all middle names, titles, and suffixes as appropriate, formatted for display (e.g., 'Ms. Barbara J Jensen, III')."),
        Attribute("familyName", description="The family name of the User, or last name in most Western languages (e.g., 'Jensen' given the full name 'Ms. Barbara J Jensen, III')."),
        Attribute("givenName", description="The given name of the User, or first name in most Western languages (e.g., 'Barbara' given the full name 'Ms. Barbara J Jensen, III')."),
        Attribute("middleName", description="The middle name(s) of the User (e.g., 'Jane' given the full name 'Ms. Barbara J Jensen, III')."),
        Attribute("honorificPrefix", description="The honorific prefix(es) of the User, or title in most Western languages (e.g., 'Ms.' given the full name 'Ms. Barbara J Jensen, III')."),
        Attribute("honorificSuffix", description="The honorific suffix(es) of the User, or suffix in most Western languages (e.g., 'III' given the full name 'Ms. Barbara J Jensen, III')."),
    ),
    Attribute("displayName", description="The name of the User, suitable for display to end-users.  The name SHOULD be the full name of the User being described, if known."),
    Attribute("nickName", description="The casual way to address the user in real life, e.g., 'Bob' or 'Bobby' instead of 'Robert'."),
    Attribute("profileUrl", "reference", reference_types=["external"], description="A fully qualified URL pointing to a page representing the User's online profile."),
    Attribute("title", description="The user's title, such as \"Vice President.\""),
    Attribute("userType", description="Used to identify the relationship between the organization and the user.  Typical values used might be 'Contractor', 'Employee', 'Intern', 'Temp', 'External', and 'Unknown', but any value may be used."),
    Attribute("preferredLanguage", description="Indicates the User's preferred written or spoken language.  Generally used for selecting a localized user interface; e.g., 'en_US' specifies the language English and country US."),
    Attribute("locale", description="Used to indicate the User's default location for purposes of localizing items such as currency, date time format, or numerical representations."),
    Attribute("timezone", description="The User's time zone in the 'Olson' time zone database format, e.g., 'America/Los_Angeles'."),
    Attribute("active", "boolean", description="A Boolean value indicating the User's administrative status."),
    Attribute("password", mutability="writeOnly", returned="never",
              description="The User's cleartext password.  This attribute is intended to be used as a means to specify an initial password when creating a new User or to reset an existing User's password."),
    _plural("emails", "Email addresses for the user.  The value SHOULD be canonicalized by the service provider, e.g., 'bjensen@example.com' instead of 'bjensen@EXAMPLE.COM'.  Canonical type values of 'work', 'home', and 'other'.",
            Attribute("value", description="Email addresses for the user.  The value SHOULD be canonicalized by the service provider, e.g., 'bjensen@example.com' instead of 'bjensen@EXAMPLE.COM'.  Canonical type values of 'work', 'home', and 'other'."),
            ["work", "home", "other"]),
    _plural("phoneNumbers", "Phone numbers for the User.  The value SHOULD be canonicalized by the service provider according to the format specified in RFC 3966, e.g., 'tel:+1-201-555-0123'.  Canonical type values of 'work', 'home', 'mobile', 'fax', 'pager', and 'other'.",
            Attribute("value", description="Phone number of the User."),
            ["work", "home", "mobile", "fax", "pager", "other"]),
    _plural("ims", "Instant messaging addresses for the User.",
            Attribute("value", description="Instant messaging address for the User."),
            ["aim", "gtalk", "icq", "xmpp", "msn", "skype", "qq", "yahoo"]),
    _plural("photos", "URLs of photos of the User.",
            Attribute("value", "reference", reference_types=["external"], description="URL of a photo of the User."),
            ["photo", "thumbnail"]),
    _plural("addresses", "A physical mailing address for this User.  Canonical type values of 'work', 'home', and 'other'.  This attribute is a complex type with the following sub-attributes.",
            Attribute("formatted", description="The full mailing address, formatted for display or use with a mailing label.  This attribute MAY contain newlines."),
            ["work", "home", "other"]),
    Attribute("groups", "complex", multi_valued=True, mutability="readOnly",
              description="A list of groups to which the user belongs, either through direct membership, through nested groups, or dynamically calculated.",
              sub_attributes=_attrs(
                  Attribute("value", mutability="readOnly", description="The identifier of the User's group."),
                  Attribute("$ref", "reference", mutability="readOnly", reference_types=["User", "Group"], description="The URI of the corresponding 'Group' resource to which the user belongs."),
                  Attribute("display", mutability="readOnly", description="A human-readable name, primarily used for display purposes.  READ-ONLY."),
                  Attribute("type", mutability="readOnly", canonical_values=["direct", "indirect"], description="A label indicating the attribute's function, e.g., 'direct' or 'indirect'."),
              )),
    _plural("entitlements", "A list of entitlements for the User that represent a thing the User has.",
            Attribute("value", description="The value of an entitlement."), []),
    _plural("roles", "A list of roles for the User that collectively represent who the User is, e.g., 'Student', 'Faculty'.",
            Attribute("value", description="The value of a role."),
            ["WindowsAzureActiveDirectoryRole"]),  # the type Entra sends with its app roles [F12]
    _plural("x509Certificates", "A list of certificates issued to the User.",
            Attribute("value", "binary", description="The value of an X.509 certificate."), []),
)

# RFC 7643 section 8.7.1 lists formatted and type for addresses in the schema but section 4.1.2
# gives them the full set of address components and "primary"; the server accepts all of them.
_ADDRESSES = USER_ATTRIBUTES["addresses"]
for _name, _desc in [
    ("streetAddress", "The full street address component, which may include house number, street name, P.O. box, and multi-line extended street address information.  This attribute MAY contain newlines."),
    ("locality", "The city or locality component."),
    ("region", "The state or region component."),
    ("postalCode", "The zip code or postal code component."),
    ("country", "The country name component."),
]:
    _ADDRESSES.sub_attributes[_name.lower()] = Attribute(_name, description=_desc)
_ADDRESSES.sub_attributes.pop("display")
_ADDRESSES.sub_attributes["primary"] = _ADDRESSES.sub_attributes.pop("primary")

GROUP_ATTRIBUTES = _attrs(
    Attribute("displayName", required=True, uniqueness="server",
              description="A human-readable name for the Group.  REQUIRED."),
    Attribute("members", "complex", multi_valued=True, description="A list of members of the Group.",
              sub_attributes=_attrs(
                  Attribute("value", case_exact=True, mutability="immutable", description="Identifier of the member of this Group."),
                  Attribute("$ref", "reference", mutability="immutable", reference_types=["User", "Group"], description="The URI corresponding to a SCIM resource that is a member of this Group."),
                  Attribute("type", mutability="immutable", canonical_values=["User", "Group"], description="A label indicating the type of resource, e.g., 'User' or 'Group'."),
                  # Not in RFC 7643's Group schema, but Okta sends it on every member (idp-behaviour.md 1.8).
                  Attribute("display", description="A human-readable name for the member, as the client sent it."),
              )),
)

ENTERPRISE_ATTRIBUTES = _attrs(
    Attribute("employeeNumber", description="Numeric or alphanumeric identifier assigned to a person, typically based on order of hire or association with an organization."),
    Attribute("costCenter", description="Identifies the name of a cost center."),
    Attribute("organization", description="Identifies the name of an organization."),
    Attribute("division", description="Identifies the name of a division."),
    Attribute("department", description="Identifies the name of a department."),
    _complex(
        "manager", "The User's manager.  A complex type that optionally allows service providers to represent organizational hierarchy by referencing the 'id' attribute of another User.",
        Attribute("value", description="The id of the SCIM resource representing the User's manager.  REQUIRED."),
        Attribute("$ref", "reference", reference_types=["User"], description="The URI of the SCIM resource representing the User's manager.  REQUIRED."),
        Attribute("displayName", mutability="readOnly", description="The displayName of the User's manager.  OPTIONAL and READ-ONLY."),
    ),
)


@dataclass(frozen=True)
class Schema:
    id: str
    name: str
    description: str
    attributes: dict[str, Attribute]

    def to_dict(self, base_url: str) -> dict:
        return {
            "schemas": [SCHEMA_SCHEMA],
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "attributes": [a.to_dict() for a in self.attributes.values()],
            "meta": {"resourceType": "Schema", "location": f"{base_url}/Schemas/{self.id}"},
        }


SCHEMAS = {
    USER_SCHEMA: Schema(USER_SCHEMA, "User", "User Account", USER_ATTRIBUTES),
    GROUP_SCHEMA: Schema(GROUP_SCHEMA, "Group", "Group", GROUP_ATTRIBUTES),
    ENTERPRISE_SCHEMA: Schema(ENTERPRISE_SCHEMA, "EnterpriseUser", "Enterprise User", ENTERPRISE_ATTRIBUTES),
}


@dataclass(frozen=True)
class ResourceType:
    name: str
    endpoint: str
    schema: str
    extensions: tuple[str, ...] = ()

    @property
    def core(self) -> Schema:
        return SCHEMAS[self.schema]

    def extension_urn(self, key: str) -> str | None:
        """The canonical URN of an extension this type has, matched case-insensitively."""
        for urn in self.extensions:
            if urn.lower() == key.lower():
                return urn
        return None

    def top_level(self, name: str) -> Attribute | None:
        """A core or common attribute by name, case-insensitively."""
        lowered = name.lower()
        return self.core.attributes.get(lowered) or COMMON_ATTRIBUTES.get(lowered)

    def attribute(self, urn: str | None, name: str) -> tuple[str | None, Attribute] | None:
        """Resolve ``[urn:]name`` to (extension URN or None for core, attribute)."""
        if urn is None or urn.lower() == self.schema.lower():
            found = self.top_level(name)
            if found:
                return None, found
            if urn is None:
                # RFC 7644 section 3.10 resolves a bare name in the core schema; a client that
                # names an extension attribute bare ("manager", as Entra does) means the extension's.
                for ext in self.extensions:
                    found = SCHEMAS[ext].attributes.get(name.lower())
                    if found:
                        return ext, found
            return None
        ext = self.extension_urn(urn)
        if ext is None:
            return None
        found = SCHEMAS[ext].attributes.get(name.lower())
        return (ext, found) if found else None

    def to_dict(self, base_url: str) -> dict:
        return {
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
            "id": self.name,
            "name": self.name,
            "endpoint": f"/{self.endpoint}",
            "description": f"{self.name} resources",
            "schema": self.schema,
            "schemaExtensions": [{"schema": urn, "required": False} for urn in self.extensions],
            "meta": {"resourceType": "ResourceType", "location": f"{base_url}/ResourceTypes/{self.name}"},
        }


USER = ResourceType("User", "Users", USER_SCHEMA, (ENTERPRISE_SCHEMA,))
GROUP = ResourceType("Group", "Groups", GROUP_SCHEMA)
RESOURCE_TYPES = {"User": USER, "Group": GROUP}
BY_ENDPOINT = {"users": USER, "groups": GROUP}
