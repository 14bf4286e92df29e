@entra @connection_test
Feature: Entra's Test Connection
  Entra filters /Users on a random GUID and expects 200 with an empty list. It repeats the same
  probe at the start of each cycle. Its requests carry no User-Agent, an ADSCIMVersion header and
  no SCIM media type in Accept.

  @must
  Scenario: Test Connection gets an empty list for a user that does not exist
    Source: Microsoft Learn, the SCIM endpoint tutorial [E1] (a query for a non-existent user on a random
    GUID answered 200 and an empty list); a capture of the probe [J1]; the quarantine page [E4] (a 404 here
    quarantines the job). Entra's GETs carry no SCIM media type in Accept: a server that took Test
    Connection's GET for HTML answered 406 [F4]; no User-Agent [F3][J12]; an ADSCIMVersion header [F1][F2]
    (its value LOW).

    Given an Entra app connected to the target
    When the Entra admin tests the connection
    Then the Entra connection test succeeds

  @must @quarantine
  Scenario: A filter that matches nothing is answered with an empty list, not 404, so the job is not quarantined
    Source: Microsoft Learn, the quarantine page [E4]: "SCIM compliance issue: an HTTP/404 Not Found response
    was returned rather than the expected HTTP/200 OK" quarantines the job at once; the SCIM endpoint
    tutorial [E1] (a filter query always answers a ListResponse).

    Given an Entra app connected to the target
    And "nora" is assigned to the Entra app
    When Entra provisioning starts
    Then Entra is not in quarantine
    And the Entra provisioning log shows no failures
