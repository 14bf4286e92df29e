@rfc7644 @pagination @filter_beyond_eq
Feature: Pagination and sorting
  RFC 7644 sections 3.4.2.3 and 3.4.2.4. Okta imports by pages of 100 and needs integer counts and
  a stable order [O1]; Entra requires listing and pagination [E1]. The scenarios scope their lists
  with a "sw" filter on their own prefix, so that data already in the target does not count.

  Background:
    Given the target holds the users "p1@example.com", "p2@example.com", "p3@example.com", "p4@example.com" and "p5@example.com"

  @must
  Scenario: startIndex and count select a page, and totalResults counts them all
    Source: RFC 7644 section 3.4.2.4; idp-behaviour.md 1.9 [O1], 2.8 [E1].

    When the client sends GET /Users?filter=userName%20sw%20%22{prefix}%22&startIndex=2&count=2
    Then the answer lists 2 resources of 5 in all
    And the answer's startIndex is 2

  @must
  Scenario: Pages are stable and together hold every user once
    Source: idp-behaviour.md 1.9 [O1]: "Ordering must be stable".

    When the client sends GET /Users?filter=userName%20sw%20%22{prefix}%22&startIndex=1&count=3&sortBy=userName
    Then the answer lists, in this order, the users "p1@example.com", "p2@example.com" and "p3@example.com"
    When the client sends GET /Users?filter=userName%20sw%20%22{prefix}%22&startIndex=4&count=3&sortBy=userName
    Then the answer lists, in this order, the users "p4@example.com" and "p5@example.com"

  @should @sorting
  Scenario: sortBy and sortOrder descending
    Source: RFC 7644 section 3.4.2.3.

    When the client sends GET /Users?filter=userName%20sw%20%22{prefix}%22&sortBy=userName&sortOrder=descending&count=2
    Then the answer lists, in this order, the users "p5@example.com" and "p4@example.com"

  @should
  Scenario: count=0 answers only the total
    Source: RFC 7644 section 3.4.2.4.

    When the client sends GET /Users?filter=userName%20sw%20%22{prefix}%22&count=0
    Then the answer lists 0 resources of 5 in all
