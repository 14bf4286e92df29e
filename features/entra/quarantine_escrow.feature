@entra @quarantine
Feature: Quarantine and escrow
  Entra quarantines a job at once on bad credentials; while quarantined it runs once a day. A
  failing object is escrowed and retried after 6, 12 and 24 hours, then daily.

  @must @auth
  Scenario: A token the target does not accept is answered 401, which quarantines the job
    Source: Microsoft Learn, "How application provisioning works" [E3] and the quarantine page [E4]: bad
    credentials quarantine the job at once, and a quarantined job runs once a day; RFC 7644 section 3.12 (401).

    Given an Entra app whose secret token the target does not accept
    And "fay" is assigned to the Entra app
    When Entra provisioning starts
    Then Entra is in quarantine with the reason "EncounteredQuarantineException"
    And Entra's next cycle is 1 day later

  @must @escrow
  Scenario: A create the target refuses with 409 is escrowed and retried after 6, 12 and 24 hours
    Source: Microsoft Learn, "How application provisioning works" [E3] and the quarantine page [E4]: failures
    are escrowed and retried after 6, 12 and 24 hours; the target must keep refusing the duplicate (RFC 7644
    section 3.3, 409 uniqueness).

    Given an Entra app matching users on externalId
    And a user with the userName of "gus" already exists in the target
    And "gus" is assigned to the Entra app
    When Entra provisioning starts
    And 2 days pass
    Then Entra put "gus" in escrow and retried it 6, 18 and 42 hours after the failure
    And the target holds exactly one user with the userName of "gus"
