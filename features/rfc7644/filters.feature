@rfc7644 @filter
Feature: Filters
  RFC 7644 section 3.4.2.2. Okta and Entra filter only with "eq" (Entra also "and") on userName,
  externalId and displayName [O2][E1]; the rest weighs @should.

  Background:
    Given the target holds the users "ana@example.com", "Bo.Lee@example.com" and "cy@example.com"

  @must @interop_5_2_12 @interop_6_3_26
  Scenario: userName eq ignores case
    Source: RFC 7643 section 4.1.1 (userName caseExact false); Okta's SCIM 2.0 reference [O1]; Microsoft Learn, develop a SCIM endpoint [E1].

    When the client sends GET /Users?filter=userName%20eq%20%22{prefix}bo.lee@EXAMPLE.com%22
    Then the answer lists the users "Bo.Lee@example.com"

  @must @interop_6_3_25
  Scenario: A filter that matches nothing is an empty list, not a 404
    Source: Okta's SCIM 2.0 reference [O1]; Microsoft Learn, develop a SCIM endpoint [E1]; Microsoft Learn, application provisioning in quarantine status [E4]; RFC 7644 section 3.4.2.

    When the client sends GET /Users?filter=userName%20eq%20%22{prefix}nobody@example.com%22
    Then the answer lists no resources

  @must @ipsie_al2_6_2_5_27
  Scenario: eq on a group's displayName
    Source: Swimlane's SCIM documentation [I18]; Microsoft Learn, develop a SCIM endpoint [E1]; a Microsoft employee on Microsoft Q&A, question 923479 [E9].

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

  @should
  Scenario: Attribute names and operators in a filter ignore case
    Source: RFC 7644 section 3.4.2.2 ("Attribute names and attribute operators used in filters are case insensitive").

    When the client sends GET /Users?filter=USERNAME%20EQ%20%22{prefix}ana@example.com%22
    Then the answer lists the users "ana@example.com"

  @should @filter_beyond_eq
  Scenario: "and" joins two eq comparisons, as Entra documents it may
    Source: Microsoft Learn, develop a SCIM endpoint [E1] ("Microsoft Entra-only uses the following operators: eq,
    and"); RFC 7644 section 3.4.2.2. Entra has not been seen sending "and" (INF), so it weighs @should.

    When the client sends GET /Users?filter=userName%20eq%20%22{prefix}ana@example.com%22%20and%20active%20eq%20true
    Then the answer lists the users "ana@example.com"

  @should @filter_beyond_eq
  Scenario: A work email is found with a value path filter
    Source: Microsoft Learn, develop a SCIM endpoint [E1]: an attribute Entra matches on, such as
    emails[type eq "work"], must be usable in a filter; RFC 7644 section 3.4.2.2. Needed only where the
    admin matches on the email (@should).

    When the client sends GET /Users?filter=emails%5Btype%20eq%20%22work%22%5D.value%20eq%20%22{prefix}cy@example.com%22
    Then the answer lists the users "cy@example.com"

  @should @errors
  Scenario: A filter that cannot be parsed is a 400 invalidFilter
    Source: RFC 7644 sections 3.4.2.2 and 3.12.

    When the client sends GET /Users?filter=userName%20eq
    Then the answer is a SCIM error 400 with scimType "invalidFilter"
