@rfc7644
Feature: Reading, replacing and patching resources
  RFC 7644 sections 3.4.1, 3.5.1, 3.5.2 and 3.9.

  Background:
    Given the target holds the users "rd@example.com", "m1@example.com" and "m2@example.com"

  @must @attributes
  Scenario: excludedAttributes=members leaves the members out
    Source: Microsoft Learn, develop a SCIM endpoint [E1]: Entra reads groups with excludedAttributes=members.

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

  @should @attributes
  Scenario: attributes=userName on a filtered list returns userName and id only
    Source: RFC 7644 sections 3.4.2 and 3.9; the list is scoped with eq on userName, as Okta and Entra look users up.

    When the client sends GET /Users?filter=userName%20eq%20%22{prefix}rd@example.com%22&attributes=userName
    Then the answer lists the users "rd@example.com"
    And every resource in the answer has "id"
    And no resource in the answer has "emails"

  @should @attributes
  Scenario: excludedAttributes=emails leaves the emails out
    Source: RFC 7644 section 3.9.

    When the client sends GET /Users/{id:rd@example.com}?excludedAttributes=emails
    Then the answer status is 200
    And every resource in the answer has "userName"
    And no resource in the answer has "emails"

  @must @put
  Scenario: PUT replaces the user and answers it
    Source: RFC 7644 section 3.5.1; Okta's SCIM 2.0 reference [O1].

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
    Source: RFC 7644 section 3.5.2.3; Microsoft Learn, develop a SCIM endpoint [E1].

    When the client sends PATCH /Users/{id:rd@example.com} with the body
      """
      {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
       "Operations": [{"op": "replace", "path": "title", "value": "Chief Reader"}]}
      """
    Then the answer status is 200 or 204
    When the client sends GET /Users/{id:rd@example.com}
    Then the answer's "title" is "Chief Reader"

  @must @patch @ipsie_al2_6_2_6_30
  Scenario: PATCH adds members and removes one by a value filter
    Source: RFC 7644 section 3.5.2.1 and 3.5.2.2; Okta's SCIM 2.0 reference [O1].

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
    Source: RFC 7644 section 3.14; RFC 7643 section 5 (etag.supported). Neither Okta's SCIM 2.0 reference [O1] nor
    Microsoft Learn's SCIM tutorial [E1] mentions If-Match (INF); a target that says it has no ETags is skipped.

    Given the target says in /ServiceProviderConfig that it supports etag
    When the client sends GET /Users/{id:rd@example.com}
    Then the ETag of the answer is remembered
    When the client sends PATCH /Users/{id:rd@example.com} with the body
      """
      {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{"op": "replace", "path": "title", "value": "v2"}]}
      """
    And the client sends the same request again with the remembered ETag in If-Match
    Then the answer is a SCIM error 412

  @must
  Scenario: A password the client sets never comes back
    Source: RFC 7643 section 4.1 (password: mutability writeOnly, returned "never"); Okta's SCIM 2.0 reference [O1]
    (Okta sends a password with every create).

    When the client sends POST /Users with the body
      """
      {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "{prefix}pw@example.com",
       "password": "Scimulator-Pw-7f3a!", "name": {"givenName": "Pat", "familyName": "Word"},
       "emails": [{"value": "{prefix}pw@example.com", "type": "work", "primary": true}], "active": true}
      """
    Then the answer status is 201
    And the answer's id is remembered as "pw"
    When the client sends GET /Users/{id:pw}
    And the client sends GET /Users?filter=userName%20eq%20%22{prefix}pw@example.com%22
    And the client sends GET /Users?startIndex=1&count=100
    And the client sends PUT /Users/{id:pw} with the body
      """
      {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "{prefix}pw@example.com",
       "password": "Scimulator-Pw-8b4c!", "name": {"givenName": "Pat", "familyName": "Word"},
       "emails": [{"value": "{prefix}pw@example.com", "type": "work", "primary": true}], "active": true}
      """
    And the client sends PATCH /Users/{id:pw} with the body
      """
      {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
       "Operations": [{"op": "replace", "value": {"password": "Scimulator-Pw-9d5e!"}}]}
      """
    Then the target never returned a password

  @must
  Scenario: Writes labelled application/json are accepted
    Source: Okta's OIN SCIM 2.0 SPEC test (steps 6 and 8 POST with Content-Type application/json);
    RFC 7644 section 3.8 (JSON over HTTP).

    When the client sends POST /Users with the Content-Type "application/json" and the body
      """
      {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "{prefix}plain.json@example.com",
       "name": {"givenName": "Jay", "familyName": "Son"},
       "emails": [{"value": "{prefix}plain.json@example.com", "type": "work", "primary": true}], "active": true}
      """
    Then the answer status is 201
    And the answer's id is remembered as "plain"
    When the client sends PATCH /Users/{id:plain} with the Content-Type "application/json" and the body
      """
      {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
       "Operations": [{"op": "replace", "path": "title", "value": "Plain JSON"}]}
      """
    Then the answer status is 200 or 204
    When the client sends GET /Users/{id:plain}
    Then the answer's "title" is "Plain JSON"

  @should
  Scenario: A create says where the new user lives, in Location and in meta.location
    Source: RFC 7644 section 3.3 ("The URI of the created resource SHALL include, in the HTTP "Location" header
    and the HTTP body, ... the attribute "meta.location""). Neither IdP is documented to need it (INF): @should.

    When the client sends POST /Users with the body
      """
      {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "{prefix}located@example.com",
       "emails": [{"value": "{prefix}located@example.com", "type": "work", "primary": true}], "active": true}
      """
    Then the answer status is 201
    And the answer's Location header and meta.location both name the user it created

  @should
  Scenario: The meta a client sends is ignored
    Source: RFC 7643 section 3.1 (meta: "This attribute SHALL be ignored when provided by clients").

    When the client sends POST /Users with the body
      """
      {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "{prefix}meta@example.com",
       "meta": {"resourceType": "User", "created": "2001-01-01T00:00:00Z", "lastModified": "2001-01-01T00:00:00Z"}}
      """
    Then the answer status is 201
    And the answer's "meta.created" is not "2001-01-01T00:00:00Z"
