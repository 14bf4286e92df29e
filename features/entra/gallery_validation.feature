@entra
Feature: Microsoft's SCIM Validation Logic App, the tests that call the endpoint directly
  Before an app is listed in the Microsoft Entra app gallery, Microsoft's SCIM Validation Logic App
  runs 25 tests; tests 15 to 25 send their requests straight to the SCIM endpoint, without the
  provisioning engine. Each scenario below is one of them, with the requests and pass criteria of
  the Logic App. "Every attribute Entra maps" means Entra's default attribute mappings for a SCIM app.

  @must @entra_la_15 @discovery
  Scenario: Logic App test 15, Schema_Discoverability_Test
    Source: Microsoft's SCIM Validation Logic App [ENTRA-LA], its test overview (test 15) and its
    workflow SCIMTests_Workflow.json (GET /Schemas, the User, enterprise User and Group schemas
    flattened into names such as emails[type eq "work"].value, compared case-insensitively); Entra's
    default mappings from Microsoft's "Develop and plan provisioning for a SCIM endpoint" [E1].

    When the client sends GET /Schemas
    Then the answer status is 200
    And the answer has a value for "Resources"
    And /Schemas describes every user attribute Entra maps by default
    And /Schemas describes every group attribute Entra maps by default

  @must @entra_la_16 @patch
  Scenario: Logic App test 16, SCIM_Null_Update_Test
    Source: Microsoft's SCIM Validation Logic App [ENTRA-LA], its test overview (test 16) and its
    workflow SCIMTests_Workflow.json: one PATCH replaces every mapped attribute but userName, active,
    externalId and manager with "" (then, in the overview's second phase, with null); each must read
    back null or empty. Entra itself never clears a value this way (Microsoft's "clear attribute
    values" page [F17]); the Logic App still requires it.

    Given the target holds a user with every attribute Entra maps by default
    When the Logic App replaces each of those attributes with ""
    Then the answer status is 200 or 204
    And each of those attributes of the user reads back null or empty
    When the Logic App replaces each of those attributes with null
    Then the answer status is 200 or 204
    And each of those attributes of the user reads back null or empty

  @must @entra_la_17
  Scenario: Logic App test 17, SCIM_User_Create_Test
    Source: Microsoft's SCIM Validation Logic App [ENTRA-LA], its test overview (test 17): a direct
    POST /Users with a well-formed body answers 200 or 201, a non-empty id and the userName sent.

    When the client sends POST /Users with the body
      """
      {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
       "userName": "{prefix}Logic.App-Create@Contoso.com", "active": true, "externalId": "{prefix}la-create",
       "displayName": "{prefix}Logic App Create", "name": {"givenName": "Logic", "familyName": "Create"},
       "emails": [{"type": "work", "primary": true, "value": "{prefix}logic.app-create@contoso.com"}],
       "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"department": "Validation"}}
      """
    Then the answer status is 200 or 201
    And the answer has a value for "id"
    And the answer's "userName" is "{prefix}Logic.App-Create@Contoso.com"

  @must @entra_la_18 @patch
  Scenario: Logic App test 18, SCIM_User_Update_Test
    Source: Microsoft's SCIM Validation Logic App [ENTRA-LA], its test overview (test 18): a direct
    PATCH of the mapped single-valued attributes (not groups, roles, id, schemas, meta or active) with
    generated "upd-" values answers 200 or 204, and a GET shows every one of them.

    Given the target holds a user with every attribute Entra maps by default
    When the Logic App replaces the user's single-valued attributes with new values
    Then the answer status is 200 or 204
    And the user reads back with every new value

  @must @entra_la_19 @push_groups
  Scenario: Logic App test 19, SCIM_Group_Create_Test
    Source: Microsoft's SCIM Validation Logic App [ENTRA-LA], its test overview (test 19): a direct
    POST /Groups answers 200 or 201, a non-empty id and the displayName sent.

    When the client sends POST /Groups with the body
      """
      {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "{prefix}Logic App Group",
       "externalId": "{prefix}la-group"}
      """
    Then the answer status is 200 or 201
    And the answer has a value for "id"
    And the answer's "displayName" is "{prefix}Logic App Group"

  @must @entra_la_20 @push_groups @patch
  Scenario: Logic App test 20, SCIM_Group_Update_Test
    Source: Microsoft's SCIM Validation Logic App [ENTRA-LA], its test overview (test 20): a direct
    PATCH of the group's single-valued attributes (not id, members, schemas or meta) answers 200 or
    204, and a GET shows every one of them.

    Given the target holds a group the Logic App creates
    When the Logic App replaces the group's single-valued attributes with new values
    Then the answer status is 200 or 204
    And the group reads back with every new value

  @must @entra_la_23 @pagination
  Scenario: Logic App test 23, SCIM_User_Pagination_Test
    Source: Microsoft's SCIM Validation Logic App [ENTRA-LA], its test overview (test 23): at least
    11 users (created when fewer exist), then GET /Users?startIndex=N&count=5 page after page; every
    page answers 200 and echoes the startIndex asked for (page × 5 + 1). No filter is sent, as Entra
    sends none; a page capped below 5 is legal (RFC 7644 section 3.4.2.4).

    Given the target holds at least 11 users
    When the Logic App reads /Users 5 at a time, three pages from startIndex 1
    Then every page answered 200 with a ListResponse that echoes its startIndex

  @should @entra_la_24 @pagination
  Scenario: Logic App test 24, SCIM_Group_Pagination_Test
    Source: Microsoft's SCIM Validation Logic App [ENTRA-LA], its test overview (test 24, optional:
    a failure is a warning): the same walk over /Groups.

    Given the target holds at least 11 groups
    When the Logic App reads /Groups 5 at a time, three pages from startIndex 1
    Then every page answered 200 with a ListResponse that echoes its startIndex

  @must @entra_la_25 @patch
  Scenario: Logic App test 25, SCIM_Update_Manager_Test
    Source: Microsoft's SCIM Validation Logic App [ENTRA-LA], its test overview (test 25, mandatory
    when manager is mapped): PATCH manager Add, then Replace, then Replace with an empty value; each
    answers 200 or 204 and a GET shows the manager expected. The operations use the enterprise path
    with a plain id, as Entra sends it in the field (captures in Captain-P-Goldfish/SCIM-SDK#541 and
    #686 [F5][F11]).

    Given the target holds the users "la-employee@example.com", "la-first-boss@example.com" and "la-second-boss@example.com"
    When the Logic App sets the manager of "la-employee@example.com" to "la-first-boss@example.com"
    Then the answer status is 200 or 204
    And the manager of "la-employee@example.com" reads back as "la-first-boss@example.com"
    When the Logic App changes the manager of "la-employee@example.com" to "la-second-boss@example.com"
    Then the answer status is 200 or 204
    And the manager of "la-employee@example.com" reads back as "la-second-boss@example.com"
    When the Logic App removes the manager of "la-employee@example.com" with an empty value
    Then the answer status is 200 or 204
    And "la-employee@example.com" reads back with no manager
