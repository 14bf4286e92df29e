@interop
Feature: SCIM 2.0 Interoperability Profile, draft-zollner-scim-interop-profile-01
  Requirements of the draft a service provider shows over HTTP that no other scenario judges yet. The
  draft's full table, with what other scenarios judge and what cannot be judged over HTTP, is
  reports/profiles/draft-zollner-scim-interop-profile-01.json; run it with --profile scim-interop.

  @must @interop_6_3_29
  Scenario: A filter on an attribute the User schema does not define is a 400 invalidFilter
    Source: the SCIM 2.0 Interoperability Profile, draft-zollner-scim-interop-profile-01, section 6.3 (MUST) [P1]; RFC 7644 section 3.12.

    When the client sends GET /Users?filter=notAnAttributeOfUsers%20eq%20%22x%22
    Then the answer is a SCIM error 400 with scimType "invalidFilter"

  @must @interop_6_6_55 @interop_6_6_57 @interop_6_6_58
  Scenario: A deleted user answers 404 and no query finds it any more
    Source: the SCIM 2.0 Interoperability Profile, draft-zollner-scim-interop-profile-01, section 6.6 (MUST, MUST NOT) [P1]; RFC 7644 section 3.6.

    Given the target holds the users "gone@example.com"
    When the client sends DELETE /Users/{id:gone@example.com}
    Then the answer status is 204
    When the client sends GET /Users/{id:gone@example.com}
    Then the answer is a SCIM error 404
    When the client sends GET /Users?filter=userName%20eq%20%22{prefix}gone@example.com%22
    Then the answer lists no resources

  @must @interop_6_6_56 @ipsie_al1_5_2_26
  Scenario: The userName of a deleted user can be used again
    Source: the SCIM 2.0 Interoperability Profile, draft-zollner-scim-interop-profile-01, section 6.6 (MUST NOT) [P1]; the IPSIE SCIM 2.0 Profile, draft-schreiber-ipsie-scim-profile-00, section 5.2 (MUST) [P2].

    Given the target holds the users "again@example.com"
    When the client sends DELETE /Users/{id:again@example.com}
    Then the answer status is 204
    When the client sends POST /Users with the body
      """
      {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "{prefix}again@example.com"}
      """
    Then the answer status is 201

  @must @interop_5_1_3
  Scenario: The three discovery endpoints answer
    Source: the SCIM 2.0 Interoperability Profile, draft-zollner-scim-interop-profile-01, section 5.1 (MUST) [P1]; RFC 7644 section 4.

    When the client sends GET /ServiceProviderConfig
    Then the answer status is 200
    When the client sends GET /Schemas
    Then the answer status is 200
    When the client sends GET /ResourceTypes
    Then the answer status is 200

  @must @interop_6_4_34
  Scenario: A count above the server's maximum gives a page, not an error
    Source: the SCIM 2.0 Interoperability Profile, draft-zollner-scim-interop-profile-01, section 6.4 (MUST) [P1]; RFC 7644 section 3.4.2.4.

    Given the target holds the users "many@example.com"
    When the client sends GET /Users?startIndex=1&count=1000000
    Then the answer status is 200

  @must @interop_6_5_2_1_41
  Scenario: add on a singular simple attribute sets it, as replace does
    Source: the SCIM 2.0 Interoperability Profile, draft-zollner-scim-interop-profile-01, section 6.5.2.1 (MUST) [P1]; RFC 7644 section 3.5.2.1.

    Given the target holds the users "adder@example.com"
    When the client sends PATCH /Users/{id:adder@example.com} with the body
      """
      {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
       "Operations": [{"op": "add", "path": "displayName", "value": "Added Name"}]}
      """
    Then the answer status is 200 or 204
    When the client sends GET /Users/{id:adder@example.com}
    Then the answer's "displayName" is "Added Name"
