@rfc7644
Feature: Reading, replacing and patching resources
  RFC 7644 sections 3.4.1, 3.5.1, 3.5.2 and 3.9.

  Background:
    Given the target holds the users "rd@example.com", "m1@example.com" and "m2@example.com"

  @must @attributes
  Scenario: excludedAttributes=members leaves the members out
    Source: idp-behaviour.md 2.7 [E1]: Entra reads groups with excludedAttributes=members.

    Given the target holds the group "Readers" with the members "m1@example.com" and "m2@example.com"
    When the client sends GET /Groups/{id:Readers}?excludedAttributes=members
    Then the answer status is 200
    And no resource in the answer has "members"

  @should @attributes
  Scenario: attributes=userName returns userName and id only
    Source: RFC 7644 section 3.9 (id is always returned).

    When the client sends GET /Users/{id:rd@example.com}?attributes=userName
    Then the answer status is 200
    And every resource in the answer has "userName"
    And every resource in the answer has "id"
    And no resource in the answer has "emails"

  @must @put
  Scenario: PUT replaces the user and answers it
    Source: RFC 7644 section 3.5.1; idp-behaviour.md 1.4 [O1].

    When the client sends PUT /Users/{id:rd@example.com} with the body
      """
      {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "{prefix}rd@example.com",
       "name": {"givenName": "Rae", "familyName": "D'Souza"}, "title": "Editor", "active": true}
      """
    Then the answer status is 200
    And the answer's "title" is "Editor"
    And the answer's "name.familyName" is "D'Souza"

  @must @patch
  Scenario: PATCH replaces one attribute
    Source: RFC 7644 section 3.5.2.3; idp-behaviour.md 2.4 [E1].

    When the client sends PATCH /Users/{id:rd@example.com} with the body
      """
      {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
       "Operations": [{"op": "replace", "path": "title", "value": "Chief Reader"}]}
      """
    Then the answer status is 200 or 204
    When the client sends GET /Users/{id:rd@example.com}
    Then the answer's "title" is "Chief Reader"

  @must @patch
  Scenario: PATCH adds members and removes one by a value filter
    Source: RFC 7644 section 3.5.2.1 and 3.5.2.2; idp-behaviour.md 1.8 [O1].

    Given the target holds the group "Writers" with the members "m1@example.com"
    When the client sends PATCH /Groups/{id:Writers} with the body
      """
      {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
       "Operations": [{"op": "add", "path": "members", "value": [{"value": "{id:m2@example.com}"}]},
                      {"op": "remove", "path": "members[value eq \"{id:m1@example.com}\"]"}]}
      """
    Then the answer status is 200 or 204
    And the group "Writers" holds exactly the members "m2@example.com"

  @should @etag
  Scenario: If-Match with a stale version is refused with 412
    Source: RFC 7644 section 3.14 (neither IdP sends If-Match: idp-behaviour.md 4).

    When the client sends GET /Users/{id:rd@example.com}
    Then the ETag of the answer is remembered
    When the client sends PATCH /Users/{id:rd@example.com} with the body
      """
      {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{"op": "replace", "path": "title", "value": "v2"}]}
      """
    And the client sends the same request again with the remembered ETag in If-Match
    Then the answer is a SCIM error 412
