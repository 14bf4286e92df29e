@okta @spec_test
Feature: Okta's SCIM 2.0 SPEC test, step by step
  Okta's OIN submission runs its "Okta SCIM 2.0 SPEC Test" collection against the SCIM server: twelve
  steps, each with its own request, headers, test values and assertions; step 10 is optional. Each
  scenario below is one step, sent with the collection's headers and values (a random "Runscope" user
  at atko.com, made unique to the run). Okta asks for at least one user in the server before the
  run, so the steps that read a user create one first.

  @must @oin_spec_1
  Scenario: SPEC step 1, Required Test: Test Users endpoint
    Source: Okta's SCIM 2.0 SPEC test [OKTA-SPEC], step 1 (Okta-SCIM-20-SPEC-Test.json in
    okta/okta-developer-docs; Okta's guide "Test your SCIM API" [OKTA-TEST]: create at least one user
    first). Okta reads the attributes of the first user listed; on a target other scenarios share, that
    user may be anyone's, so the list entry's attributes are judged on this scenario's own user, listed
    by a filter with the same count and startIndex.

    Given the target holds the user Okta's SPEC test creates
    When Okta's SPEC test sends GET /Users?count=1&startIndex=1
    Then the answer status is 200
    And the answer has a value for "Resources"
    And the answer's "schemas" holds "urn:ietf:params:scim:api:messages:2.0:ListResponse"
    And the answer's "itemsPerPage", "startIndex" and "totalResults" are numbers
    When Okta's SPEC test sends GET /Users?filter=userName%20eq%20%22{{randomUsername}}%22&count=1&startIndex=1
    Then the first resource in the answer has a value for "id", "name.familyName", "name.givenName", "userName", "active" and "emails[0].value"

  @must @oin_spec_2
  Scenario: SPEC step 2, Required Test: Get Users/{{id}}
    Source: Okta's SCIM 2.0 SPEC test [OKTA-SPEC], step 2 (Okta-SCIM-20-SPEC-Test.json). Okta asserts
    `active` is not empty; RFC 7643 section 4.1.1 makes it a boolean, and the user was created active,
    so the boolean true is judged.

    Given the target holds the user Okta's SPEC test creates
    When Okta's SPEC test sends GET /Users/{{idUserOne}}
    Then the answer status is 200
    And the answer has a value for "id", "name.familyName", "name.givenName", "userName", "active" and "emails[0].value"
    And the answer's "id" is Okta's {{idUserOne}}
    And the answer's "active" is "true"

  @must @oin_spec_3
  Scenario: SPEC step 3, Required Test: Test invalid User by username
    Source: Okta's SCIM 2.0 SPEC test [OKTA-SPEC], step 3 (Okta-SCIM-20-SPEC-Test.json; InvalidUserEmail from
    Initial_Script_Spec.txt).

    When Okta's SPEC test sends GET /Users?filter=userName%20eq%20%22{{InvalidUserEmail}}%22
    Then the answer status is 200
    And the answer's "schemas" holds "urn:ietf:params:scim:api:messages:2.0:ListResponse"
    And the answer's "totalResults" is "0"

  @must @oin_spec_4
  Scenario: SPEC step 4, Required Test: Test invalid User by ID
    Source: Okta's SCIM 2.0 SPEC test [OKTA-SPEC], step 4 (Okta-SCIM-20-SPEC-Test.json; UserIdThatDoesNotExist from
    Initial_Script_Spec.txt).

    When Okta's SPEC test sends GET /Users/{{UserIdThatDoesNotExist}}
    Then the answer status is 404
    And the answer has a value for "detail"
    And the answer's "schemas" holds "urn:ietf:params:scim:api:messages:2.0:Error"

  @must @oin_spec_5
  Scenario: SPEC step 5, Required Test: Make sure random user doesn't exist
    Source: Okta's SCIM 2.0 SPEC test [OKTA-SPEC], step 5 (Okta-SCIM-20-SPEC-Test.json; randomEmail from
    Initial_Script_Spec.txt, made unique to the run).

    When Okta's SPEC test sends GET /Users?filter=userName%20eq%20%22{{randomEmail}}%22
    Then the answer status is 200
    And the answer's "totalResults" is "0"
    And the answer's "schemas" holds "urn:ietf:params:scim:api:messages:2.0:ListResponse"

  @must @oin_spec_6
  Scenario: SPEC step 6, Required Test: Create Okta user with realistic values
    Source: Okta's SCIM 2.0 SPEC test [OKTA-SPEC], step 6 (Okta-SCIM-20-SPEC-Test.json): the POST is labelled
    Content-Type application/json, not application/scim+json.

    When Okta's SPEC test creates its user with POST /Users, labelled application/json
    Then the answer status is 201
    And the answer's "active" is "true"
    And the answer has a value for "id"
    And the answer's "name.familyName" is Okta's {{randomFamilyName}}
    And the answer's "name.givenName" is Okta's {{randomGivenName}}
    And the answer's "schemas" holds "urn:ietf:params:scim:schemas:core:2.0:User"
    And the answer's "userName" is Okta's {{randomUsername}}

  @must @oin_spec_7
  Scenario: SPEC step 7, Required Test: Verify that user was created
    Source: Okta's SCIM 2.0 SPEC test [OKTA-SPEC], step 7 (Okta-SCIM-20-SPEC-Test.json).

    Given the target holds the user Okta's SPEC test creates
    When Okta's SPEC test sends GET /Users/{{idUserOne}}
    Then the answer status is 200
    And the answer's "userName" is Okta's {{randomUsername}}
    And the answer's "name.familyName" is Okta's {{randomFamilyName}}
    And the answer's "name.givenName" is Okta's {{randomGivenName}}

  @must @oin_spec_8
  Scenario: SPEC step 8, Required Test: Expect failure when recreating user with same values
    Source: Okta's SCIM 2.0 SPEC test [OKTA-SPEC], step 8 (Okta-SCIM-20-SPEC-Test.json): the same user POSTed
    again, labelled application/json, must be refused with 409.

    Given the target holds the user Okta's SPEC test creates
    When Okta's SPEC test creates the same user again, labelled application/json
    Then the answer status is 409

  @must @oin_spec_9 @filter
  Scenario: SPEC step 9, Required Test: Username Case Sensitivity Check
    Source: Okta's SCIM 2.0 SPEC test [OKTA-SPEC], step 9 (Okta-SCIM-20-SPEC-Test.json; randomUsernameCaps), which
    asserts the status only. scimulator also judges what the lookup finds: userName is caseExact false
    (RFC 7643 section 4.1.1), and a lookup that misses makes Okta create a second account (Okta's SCIM
    2.0 reference [O1]).

    Given the target holds the user Okta's SPEC test creates
    When Okta's SPEC test sends GET /Users?filter=userName%20eq%20%22{{randomUsernameCaps}}%22
    Then the answer status is 200
    And the answer lists the user Okta's SPEC test created

  @should @oin_spec_10
  Scenario: SPEC step 10, Optional Test: Verify Groups endpoint
    Source: Okta's SCIM 2.0 SPEC test [OKTA-SPEC], step 10 (Okta-SCIM-20-SPEC-Test.json), optional. Okta also
    asserts an answer within 600 ms; scimulator judges no timings (each exchange's time is in the report).

    When Okta's SPEC test sends GET /Groups
    Then the answer status is 200
    And the answer's Resources is a list when totalResults is 1 or more

  @must @oin_spec_11 @auth
  Scenario: SPEC step 11, Required Test: Check status 401
    Source: Okta's SCIM 2.0 SPEC test [OKTA-SPEC], step 11 (Okta-SCIM-20-SPEC-Test.json): the Authorization header
    is the malformed "non-token"; RFC 7644 section 3.12 (Error schema, status as a string).

    When Okta's SPEC test sends GET /Users?filter=userName%20eq%20%22{{randomUsernameCaps}}%22 with the header "Authorization: non-token"
    Then the answer status is 401
    And the answer has a value for "detail"
    And the answer's "status" reads "401"
    And the answer's "schemas" holds "urn:ietf:params:scim:api:messages:2.0:Error"

  @must @oin_spec_12 @errors
  Scenario: SPEC step 12, Required Test: Check status 404
    Source: Okta's SCIM 2.0 SPEC test [OKTA-SPEC], step 12 (Okta-SCIM-20-SPEC-Test.json); RFC 7644 section 3.12.

    When Okta's SPEC test sends GET /Users/00919288221112222
    Then the answer status is 404
    And the answer has a value for "detail"
    And the answer's "status" reads "404"
    And the answer's "schemas" holds "urn:ietf:params:scim:api:messages:2.0:Error"
