@okta @spec_test
Feature: Okta's SPEC test, re-expressed
  Okta's own SCIM 2.0 test collection (the Runscope "SPEC test" of okta-scim-beta) walks twelve
  steps before an app can be submitted. Each step below is one of them, sent with Okta's headers.

  @must
  Scenario: The twelve steps of Okta's SPEC test
    Source: idp-behaviour.md 1.2 and 1.3 [I17][O1]; the step list re-expresses okta-scim-beta's
    SCIM_tests_for_Runscope.json.

    # 1. Test API credentials
    When Okta sends GET /Users?count=1&startIndex=1
    Then the answer status is 200
    # 2. The list carries integer counts
    And the answer's startIndex is 1
    # 3. A user that does not exist is not found
    When Okta sends GET /Users?filter=userName%20eq%20%22{prefix}nobody%40example.com%22&startIndex=1&count=100
    Then the answer lists no resources
    # 4. Create the user Okta would create
    When the client sends POST /Users with the body
      """
      {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "{prefix}spec.user@example.com",
       "name": {"givenName": "Spec", "familyName": "User"},
       "emails": [{"primary": true, "value": "{prefix}spec.user@example.com", "type": "work"}],
       "displayName": "Spec User", "locale": "en-US", "externalId": "00ujl29u0le5T6Aj10h7",
       "groups": [], "password": "1mz050nq", "active": true}
      """
    Then the answer status is 201
    And the answer's id is remembered as "spec"
    # 5. Read it back by id
    When Okta sends GET /Users/{id:spec}
    Then the answer status is 200
    And the answer's "userName" is "{prefix}spec.user@example.com"
    # 6. Find it by userName
    When Okta sends GET /Users?filter=userName%20eq%20%22{prefix}spec.user%40example.com%22&startIndex=1&count=100
    Then the answer lists 1 resources of 1 in all
    # 7. Find it whatever the case of the userName
    When Okta sends GET /Users?filter=userName%20eq%20%22{prefix}SPEC.USER%40EXAMPLE.COM%22&startIndex=1&count=100
    Then the answer lists 1 resources of 1 in all
    # 8. A second create of the same user is refused
    When the client sends POST /Users with the body
      """
      {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "{prefix}spec.user@example.com",
       "name": {"givenName": "Spec", "familyName": "User"}, "active": true}
      """
    Then the answer is a SCIM error 409 with scimType "uniqueness"
    # 9. Update the profile with PUT
    When the client sends PUT /Users/{id:spec} with the body
      """
      {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "{prefix}spec.user@example.com",
       "name": {"givenName": "Spec", "familyName": "Updated"}, "active": true}
      """
    Then the answer status is 200
    And the answer's "name.familyName" is "Updated"
    # 10. Deactivate with PATCH
    When the client sends PATCH /Users/{id:spec} with the body
      """
      {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{"op": "replace", "value": {"active": false}}]}
      """
    Then the answer status is 200 or 204
    # 11. The deactivated user is still there, inactive
    When Okta sends GET /Users/{id:spec}
    Then the answer's "active" is "false"
    # 12. A user that does not exist answers 404
    When Okta sends GET /Users/00000000-0000-4000-8000-000000000000
    Then the answer is a SCIM error 404
