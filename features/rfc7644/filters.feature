@rfc7644 @filter
Feature: Filters
  RFC 7644 section 3.4.2.2. Okta and Entra filter only with "eq" (Entra also "and") on userName,
  externalId and displayName [O2][E1]; the rest weighs @should.

  Background:
    Given the target holds the users "ana@example.com", "Bo.Lee@example.com" and "cy@example.com"

  @must
  Scenario: userName eq ignores case
    Source: RFC 7643 section 4.1.1 (userName caseExact false); idp-behaviour.md 1.3 [O1], 2.3 [E1].

    When the client sends GET /Users?filter=userName%20eq%20%22{prefix}bo.lee@EXAMPLE.com%22
    Then the answer lists the users "Bo.Lee@example.com"

  @must
  Scenario: A filter that matches nothing is an empty list, not a 404
    Source: idp-behaviour.md 1.3 [O1], 2.2 [E1][E4]; RFC 7644 section 3.4.2.

    When the client sends GET /Users?filter=userName%20eq%20%22{prefix}nobody@example.com%22
    Then the answer lists no resources

  @must
  Scenario: eq on a group's displayName
    Source: idp-behaviour.md 1.8 [I18], 2.7 [E1][E9].

    Given the target holds the group "Ops Team" with the members "ana@example.com"
    When the client sends GET /Groups?filter=displayName%20eq%20%22{prefix}Ops%20Team%22&excludedAttributes=members
    Then the answer lists 1 resources of 1 in all
    And no resource in the answer has "members"

  @should @filter_beyond_eq
  Scenario: "and" and "or" combine comparisons, "and" first
    Source: RFC 7644 section 3.4.2.2 (precedence not > and > or).

    When the client sends GET /Users?filter=userName%20eq%20%22{prefix}ana@example.com%22%20or%20userName%20sw%20%22{prefix}cy%22%20and%20active%20eq%20true
    Then the answer lists the users "ana@example.com" and "cy@example.com"

  @should @filter_beyond_eq
  Scenario: "sw" and "co" match the start and the inside of a value
    Source: RFC 7644 section 3.4.2.2.

    When the client sends GET /Users?filter=userName%20sw%20%22{prefix}%22%20and%20emails.value%20co%20%22lee%22
    Then the answer lists the users "Bo.Lee@example.com"

  @should @errors
  Scenario: A filter that cannot be parsed is a 400 invalidFilter
    Source: RFC 7644 sections 3.4.2.2 and 3.12.

    When the client sends GET /Users?filter=userName%20eq
    Then the answer is a SCIM error 400 with scimType "invalidFilter"
