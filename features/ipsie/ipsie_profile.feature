@ipsie
Feature: IPSIE SCIM 2.0 Profile, draft-schreiber-ipsie-scim-profile-00
  Requirements of the draft a service provider shows over HTTP that no other scenario judges yet. The
  draft's full table, by assurance level, is reports/profiles/draft-schreiber-ipsie-scim-profile-00.json;
  run it with --profile ipsie-al1, ipsie-al2 or ipsie-al3 (levels are cumulative; AL3 has no requirements yet).

  @must @ipsie_al2_6_2_2_22 @ipsie_al2_6_2_2_23
  Scenario: A group can be created with no members
    Source: the IPSIE SCIM 2.0 Profile, draft-schreiber-ipsie-scim-profile-00, section 6.2.2 (MUST) [P2]; RFC 7644 section 3.3.

    When the client sends POST /Groups with the body
      """
      {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "{prefix}Nobody Yet"}
      """
    Then the answer status is 201

  @must @ipsie_al2_6_2_4_26
  Scenario: A group is read by its id
    Source: the IPSIE SCIM 2.0 Profile, draft-schreiber-ipsie-scim-profile-00, section 6.2.4 (MUST) [P2]; RFC 7644 section 3.4.1.

    Given the target holds the users "member@example.com"
    And the target holds the group "Readers" with the members "member@example.com"
    When the client sends GET /Groups/{id:Readers}
    Then the answer status is 200
    And the answer's "displayName" is "{prefix}Readers"

  @must @ipsie_al2_6_1_1_3 @ipsie_al2_6_1_1_4 @ipsie_al2_6_1_1_5 @ipsie_al2_6_1_1_6
  Scenario: A user keeps its userName, displayName, active and externalId
    Source: the IPSIE SCIM 2.0 Profile, draft-schreiber-ipsie-scim-profile-00, section 6.1.1 (MUST: userName,
    displayName and active in the User schema; externalId supported) [P2]; RFC 7643 sections 3.1 and 4.1.

    When the client sends POST /Users with the body
      """
      {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "{prefix}kim@example.com",
       "displayName": "{prefix}Kim Lee", "active": true, "externalId": "{prefix}ext-kim"}
      """
    Then the answer status is 201
    And the answer's id is remembered as "kim"
    When the client sends GET /Users/{id:kim}
    Then the answer's "userName" is "{prefix}kim@example.com"
    And the answer's "displayName" is "{prefix}Kim Lee"
    And the answer's "active" is "true"
    And the answer's "externalId" is "{prefix}ext-kim"

  @must @ipsie_al2_6_2_1_17 @ipsie_al2_6_2_1_18 @ipsie_al2_6_2_1_19
  Scenario: A group keeps its displayName, members and externalId
    Source: the IPSIE SCIM 2.0 Profile, draft-schreiber-ipsie-scim-profile-00, section 6.2.1 (MUST: displayName
    and members in the Group schema; externalId supported) [P2]; RFC 7643 section 4.2.

    Given the target holds the users "lee@example.com"
    When the client sends POST /Groups with the body
      """
      {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "{prefix}Auditors",
       "externalId": "{prefix}ext-auditors", "members": [{"value": "{id:lee@example.com}"}]}
      """
    Then the answer status is 201
    And the answer's id is remembered as "Auditors"
    When the client sends GET /Groups/{id:Auditors}
    Then the answer's "displayName" is "{prefix}Auditors"
    And the answer's "externalId" is "{prefix}ext-auditors"
    And the group "Auditors" holds exactly the members "lee@example.com"

  @must @ipsie_al2_6_1_2_9
  Scenario: No schema beyond the core ones defines a credential attribute
    Source: the IPSIE SCIM 2.0 Profile, draft-schreiber-ipsie-scim-profile-00, section 6.1.2 ("The Application
    MUST NOT define attributes containing credentials in custom schemas": passwords, password hashes, private
    keys, TOTP seeds) [P2]; RFC 7644 section 4 (/Schemas).

    Then no schema beyond the core User and Group schemas describes a credential attribute

  @must @filter @ipsie_al1_5_4_29
  Scenario: A user is found by externalId eq
    Source: the IPSIE SCIM 2.0 Profile, draft-schreiber-ipsie-scim-profile-00, section 5.4 (MUST support
    "externalId eq {externalId}") [P2]; RFC 7644 section 3.4.2.2.

    Given the target holds the users "ann@example.com"
    When the client sends POST /Users with the body
      """
      {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "{prefix}bo@example.com",
       "externalId": "{prefix}ext-bo", "active": true}
      """
    Then the answer status is 201
    When the client sends GET /Users?filter=externalId%20eq%20%22{prefix}ext-bo%22
    Then the answer lists the users "bo@example.com"

  @must @filter @ipsie_al1_5_4_30
  Scenario: A user is found by emails[value eq]
    Source: the IPSIE SCIM 2.0 Profile, draft-schreiber-ipsie-scim-profile-00, section 5.4 (MUST support
    "emails[value eq {email}]") [P2]; RFC 7644 section 3.4.2.2 (value path filters).

    Given the target holds the users "ann@example.com" and "cy@example.com"
    When the client sends GET /Users?filter=emails%5Bvalue%20eq%20%22{prefix}cy@example.com%22%5D
    Then the answer lists the users "cy@example.com"

  @must @filter @ipsie_al1_5_4_31
  Scenario: A user is found by emails[type eq "work" and value eq]
    Source: the IPSIE SCIM 2.0 Profile, draft-schreiber-ipsie-scim-profile-00, section 5.4 (MUST support
    'emails[type eq "work" and value eq {email}]') [P2]; RFC 7644 section 3.4.2.2.

    Given the target holds the users "ann@example.com" and "cy@example.com"
    When the client sends GET /Users?filter=emails%5Btype%20eq%20%22work%22%20and%20value%20eq%20%22{prefix}ann@example.com%22%5D
    Then the answer lists the users "ann@example.com"

  @must @filter @ipsie_al2_6_2_5_28
  Scenario: A group is found by externalId eq
    Source: the IPSIE SCIM 2.0 Profile, draft-schreiber-ipsie-scim-profile-00, section 6.2.5 (MUST support
    "externalId eq {externalId}" for groups) [P2]; RFC 7644 section 3.4.2.2.

    When the client sends POST /Groups with the body
      """
      {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "{prefix}Pilots",
       "externalId": "{prefix}ext-pilots"}
      """
    Then the answer's id is remembered as "Pilots"
    When the client sends GET /Groups?filter=externalId%20eq%20%22{prefix}ext-pilots%22
    Then the answer lists only the group "Pilots"

  @must @filter @ipsie_al2_6_2_5_29
  Scenario: A group is found by members[value eq]
    Source: the IPSIE SCIM 2.0 Profile, draft-schreiber-ipsie-scim-profile-00, section 6.2.5 (MUST support
    "members[value eq {memberId}]") [P2]; RFC 7644 section 3.4.2.2.

    Given the target holds the users "ann@example.com" and "bo@example.com"
    And the target holds the group "Crew" with the members "ann@example.com"
    And the target holds the group "Ground" with the members "bo@example.com"
    When the client sends GET /Groups?filter=members%5Bvalue%20eq%20%22{id:ann@example.com}%22%5D
    Then the answer lists only the group "Crew"

  @must @patch @ipsie_al1_4_3_17
  Scenario: One PATCH updates several attributes
    Source: the IPSIE SCIM 2.0 Profile, draft-schreiber-ipsie-scim-profile-00, section 4.3 ("The Application MUST
    support PATCH requests that update multiple attributes within a single request") [P2]; RFC 7644 section 3.5.2.

    Given the target holds the users "dee@example.com"
    When the client sends PATCH /Users/{id:dee@example.com} with the body
      """
      {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [
        {"op": "replace", "path": "displayName", "value": "{prefix}Dee Quinn"},
        {"op": "replace", "path": "title", "value": "Pilot"},
        {"op": "replace", "path": "nickName", "value": "DQ"},
        {"op": "replace", "path": "active", "value": false}]}
      """
    Then the answer status is 200 or 204
    When the client sends GET /Users/{id:dee@example.com}
    Then the answer's "displayName" is "{prefix}Dee Quinn"
    And the answer's "title" is "Pilot"
    And the answer's "nickName" is "DQ"
    And the answer's "active" is "false"

  @must @patch @ipsie_al2_6_2_6_31
  Scenario: One PATCH adds 50 members one operation each, and another removes them
    Source: the IPSIE SCIM 2.0 Profile, draft-schreiber-ipsie-scim-profile-00, section 6.2.6 ("at least 50 add or
    remove operations on the members attribute in a single PATCH request") [P2]; RFC 7644 section 3.5.2.

    Given the target holds the group "Fleet" and 50 users outside it
    When the client adds the 50 users to the group "Fleet" in one PATCH, one operation each
    Then the answer status is 200 or 204
    And the group "Fleet" holds 50 members
    When the client removes the 50 users from the group "Fleet" in one PATCH, one operation each
    Then the answer status is 200 or 204
    And the group "Fleet" holds 0 members

  @must @bulk @ipsie_al1_4_3_16
  Scenario: /Bulk is supported and carries out each operation
    Source: the IPSIE SCIM 2.0 Profile, draft-schreiber-ipsie-scim-profile-00, section 4.3 ("MUST support the SCIM
    /Bulk endpoint"; the draft cites RFC 7643 section 3.7, the endpoint is RFC 7644 section 3.7) [P2].

    When the client sends GET /ServiceProviderConfig
    Then the answer's "bulk.supported" is "true"
    When the client sends POST /Bulk with the body
      """
      {"schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"], "Operations": [
        {"method": "POST", "path": "/Users", "bulkId": "one",
         "data": {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "{prefix}bulk1@example.com"}},
        {"method": "POST", "path": "/Users", "bulkId": "two",
         "data": {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "{prefix}bulk2@example.com"}}]}
      """
    Then the answer status is 200
    And every operation of the bulk answer has the status 201

  @should @pagination @ipsie_al2_6_1_5_14
  Scenario: A page holds at most 1,000 users
    Source: the IPSIE SCIM 2.0 Profile, draft-schreiber-ipsie-scim-profile-00, section 6.1.5 ("The Application
    SHOULD avoid returning more than 1,000 users per page") [P2]; RFC 7643 section 5 (filter.maxResults).

    When the client sends GET /ServiceProviderConfig
    Then the answer's "filter.maxResults" is at most 1000
    When the client sends GET /Users?count=5000
    Then the answer lists at most 1000 resources

  @must @errors @ipsie_al1_8_32
  Scenario: A malformed request gets a SCIM error that shows no internals
    Source: the IPSIE SCIM 2.0 Profile, draft-schreiber-ipsie-scim-profile-00, section 8 ("Error responses SHALL use
    the SCIM error format and SHALL NOT leak internal details") [P2]; RFC 7644 section 3.12.

    When the client sends POST /Users with the body
      """
      {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": {"first": ["{prefix}x"]}, "active": "maybe"}
      """
    Then the answer is a SCIM error 400
    And the error's detail shows no internals
    When the client sends GET /Users?filter=userName%20eq%20%22x%22%20%29%28%20or
    Then the answer is a SCIM error 400
    And the error's detail shows no internals

  @must @oauth @ipsie_al1_4_1_6
  Scenario: The token endpoint grants the scim scope and nothing broader
    Source: the IPSIE SCIM 2.0 Profile, draft-schreiber-ipsie-scim-profile-00, section 4.1 ("The Access Token MUST
    include the scim scope and not grant broader permissions"; the IdP authenticates with HTTP Basic) [P2];
    RFC 6749 section 5.1 (scope in the token answer).

    When the IdP asks the token endpoint for a token with the client secret in a Basic header
    Then the token endpoint issues a bearer token
    And the token's scope is "scim" and nothing broader

  @must @oauth @ipsie_al1_4_1_7 @ipsie_al1_4_1_8
  Scenario: The authorization server publishes RFC 8414 metadata naming its token endpoint
    Source: the IPSIE SCIM 2.0 Profile, draft-schreiber-ipsie-scim-profile-00, section 4.1 ("MUST expose OAuth
    Authorization Server metadata as defined in RFC 8414"; "MUST include a token_endpoint value") [P2];
    RFC 8414 sections 2 and 3.

    When the client reads the authorization server metadata of the token endpoint's server
    Then the metadata names the run's token endpoint

  @must @rate_limit @ipsie_al1_4_3_15
  Scenario: A pace of 25 requests a second is served without a 429
    Source: the IPSIE SCIM 2.0 Profile, draft-schreiber-ipsie-scim-profile-00, section 4.3 ("The Application MUST
    support at least 25 SCIM requests per second", per tenant) [P2]; Microsoft's gallery checklist, item 2.1.3
    (25 requests per second per tenant) [F23].

    Given the run asked for the rate-limit scenarios
    When the client sends GET /Users 50 times at 25 requests per second
    Then the target answered every one of them without a 429

  @must @rate_limit @ipsie_al1_4_3_14 @ipsie_al1_8_36
  Scenario: A burst of parallel requests meets the rate limit: 429 with Retry-After
    Source: the IPSIE SCIM 2.0 Profile, draft-schreiber-ipsie-scim-profile-00, sections 4.3 ("MUST enforce rate
    limits on all SCIM endpoints and must respond with ... 429 Too Many Requests and Retry-After") and 8 [P2];
    RFC 6585 section 4; Microsoft's gallery checklist, test scenario 3 ("Rate limit returns HTTP 429 with
    Retry-After header") [F23].

    Given the run asked for the rate-limit scenarios
    When the client sends GET /Users in a burst of parallel requests
    Then the target answers 429 with a Retry-After header
    And after waiting as long as it says, the target answers again

  @should @ipsie_al2_6_2_1_20
  Scenario: A second group with the same displayName is refused
    Source: the IPSIE SCIM 2.0 Profile, draft-schreiber-ipsie-scim-profile-00, section 6.2.1 ("The Application
    SHOULD NOT allow multiple groups to have the same value for the displayName attribute") [P2]; RFC 7644
    section 3.3 (409 with scimType uniqueness).

    Given the target holds the users "ann@example.com"
    And the target holds the group "Ops" with the members "ann@example.com"
    When the client sends POST /Groups with the body
      """
      {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "{prefix}Ops"}
      """
    Then the answer is a SCIM error 409 with scimType "uniqueness"
