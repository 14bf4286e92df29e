@rfc7644 @discovery
Feature: Discovery endpoints
  RFC 7644 section 4. Neither Okta nor Entra (custom apps) reads them [O2][E1], so they weigh @should.

  @should
  Scenario: /ServiceProviderConfig says what the server supports
    Source: RFC 7644 section 4; RFC 7643 section 5.

    When the client sends GET /ServiceProviderConfig
    Then the answer status is 200
    And every resource in the answer has "patch.supported"
    And every resource in the answer has "filter.maxResults"

  @should
  Scenario: /ResourceTypes lists User and Group
    Source: RFC 7644 section 4; RFC 7643 section 6.

    When the client sends GET /ResourceTypes
    Then the answer status is 200
    And every resource in the answer has "endpoint"

  @should
  Scenario: /Schemas describes the attributes
    Source: RFC 7644 section 4; RFC 7643 section 7.

    When the client sends GET /Schemas
    Then the answer status is 200
    And every resource in the answer has "attributes"
