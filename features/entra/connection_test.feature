@entra @connection_test
Feature: Entra's Test Connection
  Entra filters /Users on a random GUID and expects 200 with an empty list. It repeats the same
  probe at the start of each cycle.

  @must
  Scenario: Test Connection gets an empty list for a user that does not exist
    Source: idp-behaviour.md 2.2 [E1][J1]; a 404 here is a listed quarantine cause [E4].

    Given an Entra app connected to the target
    When the Entra admin tests the connection
    Then the Entra connection test succeeds

  @must @quarantine
  Scenario: A filter that matches nothing is answered with an empty list, not 404, so the job is not quarantined
    Source: idp-behaviour.md 2.2 and 2.9 [E4]: "SCIM compliance issue: an HTTP/404 Not Found response was
    returned rather than the expected HTTP/200 OK" quarantines the job at once.

    Given an Entra app connected to the target
    And "nora" is assigned to the Entra app
    When Entra provisioning starts
    Then Entra is not in quarantine
    And the Entra provisioning log shows no failures
