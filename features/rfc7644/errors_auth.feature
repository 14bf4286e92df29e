@rfc7644
Feature: Errors and authentication
  RFC 7644 sections 3.12 and 2. Both IdPs read the SCIM Error body; Entra's example has "status"
  as a string [E1].

  @must @errors
  Scenario: A user that does not exist answers a SCIM 404
    Source: RFC 7644 section 3.12; Microsoft Learn, develop a SCIM endpoint [E1].

    When the client sends GET /Users/00000000-0000-4000-8000-000000000000
    Then the answer is a SCIM error 404

  @must @errors @interop_6_9_1_62 @interop_6_9_1_63
  Scenario: A second user with the same userName is a 409 uniqueness
    Source: RFC 7644 section 3.3 and 3.12; Okta's SCIM 2.0 reference [O1].

    Given the target holds the users "dup@example.com"
    When the client sends POST /Users with the body
      """
      {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "{prefix}DUP@example.com"}
      """
    Then the answer is a SCIM error 409 with scimType "uniqueness"

  @should @errors
  Scenario: A body that is not JSON is a 400 invalidSyntax
    Source: RFC 7644 section 3.12.

    When the client sends POST /Users with the body
      """
      "just a string"
      """
    Then the answer is a SCIM error 400

  @must @auth
  Scenario: A request without a token is refused with 401
    Source: RFC 7644 section 2; Microsoft Learn, application provisioning in quarantine status [E4] (401 quarantines Entra at once).

    When the client sends GET /Users without a token
    Then the answer is a SCIM error 401

  @must @auth
  Scenario: A request with a wrong token is refused with 401
    Source: RFC 7644 section 2; RFC 6750 section 3.1.

    When the client sends GET /Users with the token "scimulator-not-the-token"
    Then the answer is a SCIM error 401
