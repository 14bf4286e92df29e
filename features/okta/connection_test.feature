@okta @connection_test
Feature: Okta tests the connector configuration
  Before it provisions anything, Okta probes the target with constant paging parameters and
  needs integer counts back.

  @must
  Scenario Outline: The connection test reads /Users and /Groups (<flavour> app)
    Source: Okta's SCIM 1.1 reference [O6] and SCIM 2.0 reference [O1]; Okta's Runscope test suite
    (joelfranusic-okta/okta-scim-beta [I17]). That the SCIM 2.0 probe equals the SCIM 1.1 one is INF.

    Given an Okta <flavour> app connected to the target
    When the Okta admin tests the connector configuration
    Then the connection test succeeds

    Examples:
      | flavour |
      | OIN     |
      | AIW     |
