@rfc7644 @pagination
Feature: Pagination and sorting
  RFC 7644 sections 3.4.2.3 and 3.4.2.4. Okta imports by pages of 100 and needs integer counts and
  a stable order [O1]; Entra requires listing and pagination [E1]. Neither filters a list with "sw"
  or sorts it, so the lists here are the target's whole /Users list, which may hold other users too;
  only sorting, which neither IdP asks for, scopes its list with "sw" (and weighs @should).

  Background:
    Given the target holds the users "p1@example.com", "p2@example.com", "p3@example.com", "p4@example.com" and "p5@example.com"

  @must @interop_6_4_30
  Scenario: startIndex and count select a page, and totalResults counts them all
    Source: RFC 7644 section 3.4.2.4; Okta's SCIM 2.0 reference [O1]; Microsoft Learn, develop a SCIM endpoint [E1].

    When the client sends GET /Users?startIndex=2&count=2
    Then the answer lists 1 to 2 resources of at least 5 in all
    And the answer's startIndex is 2

  @must
  Scenario: Pages are stable and together hold every user once
    Source: Okta's SCIM 2.0 reference [O1]: "Ordering must be stable"; RFC 7644 section 3.4.2.4 (a server may
    return fewer results than asked).

    When the client pages through GET /Users
    Then every page holds at most the count asked, echoes its startIndex and gives the same totalResults
    And the pages together hold each of the users "p1@example.com", "p2@example.com", "p3@example.com", "p4@example.com" and "p5@example.com" exactly once

  @should @sorting @filter_beyond_eq
  Scenario: sortBy and sortOrder descending
    Source: RFC 7644 section 3.4.2.3 (sorting is optional; neither Okta nor Entra sorts); RFC 7643 section 5
    (sort.supported).

    Given the target says in /ServiceProviderConfig that it supports sort
    And the target filters userName with "sw"
    When the client sends GET /Users?filter=userName%20sw%20%22{prefix}%22&sortBy=userName&sortOrder=descending&count=2
    Then the answer lists, in this order, the users "p5@example.com" and "p4@example.com"

  @should
  Scenario: count=0 answers only the total
    Source: RFC 7644 section 3.4.2.4.

    When the client sends GET /Users?count=0
    Then the answer lists no resources of at least 5 in all

  @should
  Scenario: A startIndex below 1 is read as 1
    Source: RFC 7644 section 3.4.2.4 ("A value less than 1 SHALL be interpreted as 1").

    When the client sends GET /Users?startIndex=0&count=1
    Then the answer lists 1 to 1 resources of at least 5 in all
    And the answer's startIndex is 1

  @should
  Scenario: A negative count is read as 0
    Source: RFC 7644 section 3.4.2.4 ("A negative value SHALL be interpreted as "0"").

    When the client sends GET /Users?count=-1
    Then the answer lists no resources of at least 5 in all
