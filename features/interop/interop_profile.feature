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

  @must @interop_4_1
  Scenario: A target that claims the profile says true and refuses what the profile forbids
    Source: the SCIM 2.0 Interoperability Profile, draft-zollner-scim-interop-profile-01, sections 4, 5.3 and 6.5.1.1 (MUST) [P1]. A target that does not claim conformance is not applicable here.

    Given the target claims conformance to the SCIM interop profile
    And the target holds the users "strict@example.com"
    Then the target's interopProfileConformant is the boolean true
    When the client sends PATCH /Users/{id:strict@example.com} with the body
      """
      {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
       "Operations": [{"op": "replace", "value": {"displayName": "No Path"}}]}
      """
    Then the answer is a SCIM error 400 with scimType "invalidSyntax"
    When the client sends POST /Users with the body
      """
      {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "{prefix}strict.undefined@example.com",
       "notAnAttributeOfUsers": "x"}
      """
    Then the answer is a SCIM error 400 with scimType "invalidSyntax"

  @must @interop_4_2
  Scenario: A target that accepts what the profile forbids does not claim conformance
    Source: the SCIM 2.0 Interoperability Profile, draft-zollner-scim-interop-profile-01, section 4 (MUST) [P1]; the requests are those sections 5.3 and 6.5.1.1 make a conforming target refuse.

    Given the target holds the users "tolerant@example.com"
    When the client sends PATCH /Users/{id:tolerant@example.com} with the body
      """
      {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
       "Operations": [{"op": "replace", "value": {"displayName": "No Path"}}]}
      """
    And the client sends POST /Users with the body
      """
      {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "{prefix}tolerant.undefined@example.com",
       "notAnAttributeOfUsers": "x"}
      """
    Then the target claims no conformance to the SCIM interop profile if it accepted any of these requests

  @must @interop_5_1_4
  Scenario: Every attribute the target returns for a user is declared in /Schemas
    Source: the SCIM 2.0 Interoperability Profile, draft-zollner-scim-interop-profile-01, section 5.1 (MUST) [P1]; RFC 7643 section 7.

    Given the target holds the users "declared@example.com"
    Then every attribute the target returns for the user "declared@example.com" is declared in /Schemas

  @must @interop_5_1_5
  Scenario: Every schema a resource type names is served at /Schemas
    Source: the SCIM 2.0 Interoperability Profile, draft-zollner-scim-interop-profile-01, section 5.1 (MUST) [P1]; RFC 7643 section 6.

    When the client sends GET /ResourceTypes
    Then every schema the resource types in the answer name is served at /Schemas

  @must @interop_5_1_7
  Scenario: Every resource type's id is its name
    Source: the SCIM 2.0 Interoperability Profile, draft-zollner-scim-interop-profile-01, section 5.1 (MUST) [P1]; RFC 7643 section 6.

    When the client sends GET /ResourceTypes
    Then every resource type in the answer has an id equal to its name

  @must @interop_5_2_8 @interop_5_2_9
  Scenario: A filter and a create apply the same case rules to userName
    Source: the SCIM 2.0 Interoperability Profile, draft-zollner-scim-interop-profile-01, section 5.2 (MUST) [P1].

    Given the target holds the users "CaseRules@example.com"
    Then a filter and a create with the userName of "CaseRules@example.com" in other case agree on whether it is taken

  @must @interop_5_2_10
  Scenario: A filter on a user's id with its case changed finds nothing
    Source: the SCIM 2.0 Interoperability Profile, draft-zollner-scim-interop-profile-01, section 5.2 (MUST) [P1]; RFC 7643 section 3.1 (id is caseExact).

    Given the target holds the users "idcase@example.com"
    Then a filter on the id of "idcase@example.com" finds it as written and not with its case changed

  @must @interop_5_2_11
  Scenario: A filter on a user's externalId with its case changed finds nothing
    Source: the SCIM 2.0 Interoperability Profile, draft-zollner-scim-interop-profile-01, section 5.2 (MUST) [P1]; RFC 7643 section 3.1 (externalId is caseExact).

    Given the target holds the users "extcase@example.com" with the externalIds "Ext-AbC"
    Then a filter on the externalId of "extcase@example.com" finds it as written and not with its case changed

  @must @interop_5_4_15
  Scenario: Every typed multi-valued attribute declares its type values in canonicalValues
    Source: the SCIM 2.0 Interoperability Profile, draft-zollner-scim-interop-profile-01, section 5.4 (MUST) [P1]; RFC 7643 section 7.

    When the client sends GET /Schemas
    Then every multi-valued attribute with a type sub-attribute in the answer declares its canonicalValues

  @must @interop_6_1_17 @interop_6_1_18
  Scenario: Users and groups each have an endpoint of their own
    Source: the SCIM 2.0 Interoperability Profile, draft-zollner-scim-interop-profile-01, section 6.1 (MUST, MUST NOT) [P1].

    Given the target holds the users "own.endpoint@example.com"
    And the target holds the group "Own Endpoint" with the members "own.endpoint@example.com"
    When the client sends GET /ResourceTypes
    Then no two resource types in the answer share an endpoint
    When the client sends GET /Users?filter=userName%20eq%20%22{prefix}own.endpoint@example.com%22
    Then the answer lists only resources of the type "User"
    When the client sends GET /Groups?filter=displayName%20eq%20%22{prefix}Own%20Endpoint%22
    Then the answer lists only resources of the type "Group"
    When the client sends GET /Users?startIndex=1&count=50
    Then the answer lists only resources of the type "User"

  @must @interop_6_1_20
  Scenario: A user is addressed by its id, never by its userName
    Source: the SCIM 2.0 Interoperability Profile, draft-zollner-scim-interop-profile-01, section 6.1 (MUST, MUST NOT) [P1]; RFC 7644 section 3.4.1.

    Given the target holds the users "addressed@example.com"
    When the client sends GET /Users/{id:addressed@example.com}
    Then the answer status is 200
    When the client sends GET /Users/{prefix}addressed@example.com
    Then the answer is a SCIM error 404

  @must @interop_6_2_22 @interop_6_2_23
  Scenario: Every answer carrying SCIM data is JSON labelled application/scim+json
    Source: the SCIM 2.0 Interoperability Profile, draft-zollner-scim-interop-profile-01, section 6.2 (MUST) [P1]; RFC 7644 section 8.1.

    Given the target holds the users "media@example.com"
    When the client sends GET /Users/{id:media@example.com}
    And the client sends GET /Users?filter=userName%20eq%20%22{prefix}media@example.com%22
    And the client sends POST /Users with the body
      """
      {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "{prefix}media.new@example.com"}
      """
    And the client sends GET /Users/no-such-user-id
    And the client sends GET /ServiceProviderConfig
    Then every answer of the scenario is JSON with the Content-Type application/scim+json

  @must @interop_6_4_32
  Scenario: A page asked with count=100 holds 100 users
    Source: the SCIM 2.0 Interoperability Profile, draft-zollner-scim-interop-profile-01, section 6.4 (MUST) [P1]; RFC 7644 section 3.4.2.4. Pages capped below what was asked are legal only above 100.

    Given the target holds at least 101 users
    When the client sends GET /Users?startIndex=1&count=100
    Then the answer lists 100 to 100 resources of at least 101 in all

  @should @interop_6_4_31 @interop_6_4_33
  Scenario: Without a count a page holds at least 100 users, and the page maximum is stated and kept
    Source: the SCIM 2.0 Interoperability Profile, draft-zollner-scim-interop-profile-01, section 6.4 (SHOULD) [P1]; RFC 7643 section 5 (filter.maxResults).

    Given the target holds at least 101 users
    When the client sends GET /Users
    Then the answer lists 100 to 100000 resources of at least 101 in all
    And the target advertises a page maximum and a count above it gives at most that many

  @must @interop_6_5_2_1_46
  Scenario: add on a whole complex attribute merges into it
    Source: the SCIM 2.0 Interoperability Profile, draft-zollner-scim-interop-profile-01, section 6.5.2.1 (MUST) [P1]; RFC 7644 section 3.5.2.1.

    Given the target holds the users "merge@example.com"
    When the client sends PATCH /Users/{id:merge@example.com} with the body
      """
      {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
       "Operations": [{"op": "add", "path": "name", "value": {"givenName": "Merged"}}]}
      """
    Then the answer status is 200 or 204
    When the client sends GET /Users/{id:merge@example.com}
    Then the answer's "name.givenName" is "Merged"
    And the answer's "name.familyName" is "Test"

  @must @interop_6_5_2_2_48
  Scenario: replace on a whole multi-valued attribute replaces the collection
    Source: the SCIM 2.0 Interoperability Profile, draft-zollner-scim-interop-profile-01, section 6.5.2.2 (MUST) [P1]; RFC 7644 section 3.5.2.3.

    Given the target holds the users "collection@example.com"
    When the client sends PATCH /Users/{id:collection@example.com} with the body
      """
      {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
       "Operations": [{"op": "replace", "path": "emails",
                       "value": [{"value": "{prefix}collection.home@example.com", "type": "home", "primary": true}]}]}
      """
    Then the answer status is 200 or 204
    When the client sends GET /Users/{id:collection@example.com}
    Then the answer's "emails" holds exactly the values "{prefix}collection.home@example.com"

  @must @interop_6_5_2_2_50
  Scenario: add on a whole multi-valued attribute appends to the collection
    Source: the SCIM 2.0 Interoperability Profile, draft-zollner-scim-interop-profile-01, section 6.5.2.2 (MUST) [P1]; RFC 7644 section 3.5.2.1.

    Given the target holds the users "append@example.com"
    When the client sends PATCH /Users/{id:append@example.com} with the body
      """
      {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
       "Operations": [{"op": "add", "path": "emails", "value": [{"value": "{prefix}append.other@example.com", "type": "other"}]}]}
      """
    Then the answer status is 200 or 204
    When the client sends GET /Users/{id:append@example.com}
    Then the answer's "emails" holds exactly the values "{prefix}append@example.com" and "{prefix}append.other@example.com"

  @should @interop_6_5_3_52
  Scenario: A PATCH on a filtered element itself is applied, or refused with 400
    Source: the SCIM 2.0 Interoperability Profile, draft-zollner-scim-interop-profile-01, sections 6.5.2.2 and 6.5.3 (MAY) [P1]; Microsoft Entra ID removes group members with such a path [E1].

    Given the target holds the users "element@example.com"
    When the client sends PATCH /Users/{id:element@example.com} with the body
      """
      {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
       "Operations": [{"op": "replace", "path": "emails[type eq \"work\"]",
                       "value": {"value": "{prefix}element.new@example.com", "type": "work"}}]}
      """
    Then the answer is a success or a SCIM error 400

  @should @interop_6_7_60
  Scenario: A conditional header is ignored, or the request refused, never answered with a server error
    Source: the SCIM 2.0 Interoperability Profile, draft-zollner-scim-interop-profile-01, section 6.7 (MAY) [P1]; RFC 7232 section 3.1.

    Given the target holds the users "conditional@example.com"
    When the client sends GET /Users/{id:conditional@example.com} with the header "If-Match: W/"scimulator-no-such-version""
    Then the answer is a success or a client error

  @should @interop_6_8_61
  Scenario: Where the target advertises /Bulk, a bulk request creates a user
    Source: the SCIM 2.0 Interoperability Profile, draft-zollner-scim-interop-profile-01, section 6.8 (OPTIONAL) [P1]; RFC 7644 section 3.7.

    Given the target says in /ServiceProviderConfig that it supports bulk
    When the client sends POST /Bulk with the body
      """
      {"schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],
       "Operations": [{"method": "POST", "path": "/Users", "bulkId": "one",
                       "data": {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                                "userName": "{prefix}bulk@example.com"}}]}
      """
    Then every operation of the bulk answer succeeded

  @should @interop_7_2_66
  Scenario: HTTP Basic authentication is not accepted
    Source: the SCIM 2.0 Interoperability Profile, draft-zollner-scim-interop-profile-01, section 7.2 (NOT RECOMMENDED) [P1]; RFC 7617.

    When the client sends GET /Users?count=1 with HTTP Basic credentials
    Then the answer status is 401

  @must @interop_5_3_13 @interop_5_3_14
  Scenario: An attribute or a schema URI no schema defines is refused with 400 invalidSyntax
    Source: the SCIM 2.0 Interoperability Profile, draft-zollner-scim-interop-profile-01, section 5.3 (MUST) [P1]. The bundled reference server keeps the opposite tolerance for Microsoft Entra ID and Okta [E1][O1], so it is not judged here.

    Given the target keeps none of the tolerances the SCIM interop profile forbids
    And the target holds the users "undefined@example.com"
    When the client sends POST /Users with the body
      """
      {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "{prefix}undefined.attribute@example.com",
       "notAnAttributeOfUsers": "x"}
      """
    Then the answer is a SCIM error 400 with scimType "invalidSyntax"
    When the client sends POST /Users with the body
      """
      {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:example:scimulator:undefined:2.0:User"],
       "userName": "{prefix}undefined.schema@example.com",
       "urn:example:scimulator:undefined:2.0:User": {"costCode": "x"}}
      """
    Then the answer is a SCIM error 400 with scimType "invalidSyntax"
    When the client sends PATCH /Users/{id:undefined@example.com} with the body
      """
      {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
       "Operations": [{"op": "add", "path": "notAnAttributeOfUsers", "value": "x"}]}
      """
    Then the answer is a SCIM error 400 with scimType "invalidSyntax"

  @must @interop_6_5_1_1_39
  Scenario: A PATCH operation without a path is refused with 400 invalidSyntax
    Source: the SCIM 2.0 Interoperability Profile, draft-zollner-scim-interop-profile-01, section 6.5.1.1 (MUST) [P1]. Okta deactivates users with such an operation [O1], so the bundled reference server accepts it and is not judged here.

    Given the target keeps none of the tolerances the SCIM interop profile forbids
    And the target holds the users "pathless@example.com"
    When the client sends PATCH /Users/{id:pathless@example.com} with the body
      """
      {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
       "Operations": [{"op": "replace", "value": {"active": false}}]}
      """
    Then the answer is a SCIM error 400 with scimType "invalidSyntax"
    When the client sends GET /Users/{id:pathless@example.com}
    Then the answer's "active" is "true"

  @must @interop_6_5_2_1_44
  Scenario: replace on a whole complex attribute replaces it entirely
    Source: the SCIM 2.0 Interoperability Profile, draft-zollner-scim-interop-profile-01, section 6.5.2.1 (MUST) [P1]. RFC 7644 section 3.5.2.3 leaves sub-attributes not sent unchanged, as the bundled reference server does, so it is not judged here.

    Given the target follows the SCIM interop profile where it departs from RFC 7644
    And the target holds the users "whole@example.com"
    When the client sends PATCH /Users/{id:whole@example.com} with the body
      """
      {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
       "Operations": [{"op": "replace", "path": "name", "value": {"givenName": "Whole"}}]}
      """
    Then the answer status is 200 or 204
    When the client sends GET /Users/{id:whole@example.com}
    Then the answer's "name.givenName" is "Whole"
    And the answer carries no "name.familyName"

  @must @interop_7_1_64
  Scenario: The target is reached over TLS
    Source: the SCIM 2.0 Interoperability Profile, draft-zollner-scim-interop-profile-01, section 7.1 (MUST) [P1]; RFC 7644 section 7. The bundled reference server speaks plain HTTP on loopback, so it is not judged here.

    Given the target is judged on the SCIM interop profile's transport security
    Then the target's base URL is https

  @must @interop_7_1_65
  Scenario: The target completes a TLS 1.3 handshake
    Source: the SCIM 2.0 Interoperability Profile, draft-zollner-scim-interop-profile-01, section 7.1 (MUST) [P1]; RFC 8446. The bundled reference server speaks plain HTTP on loopback, so it is not judged here.

    Given the target is judged on the SCIM interop profile's transport security
    Then the target's server completes a TLS 1.3 handshake
