@entra @cycles
Feature: Entra's initial and incremental cycles
  Entra is not event-driven: an initial cycle provisions everything in scope, then incremental
  cycles every 40 minutes send only what changed since the watermark.

  @must @entra_la_1 @entra_la_8 @entra_la_11
  Scenario: The initial cycle creates the assigned users and groups, with their members
    Source: Microsoft Learn, the SCIM endpoint tutorial [E1] and "How application provisioning works" [E3]:
    lookup, then POST /Users; groups created without members, then members added by PATCH; Microsoft's SCIM
    Validation Logic App [ENTRA-LA], tests 1, 8 and 11.

    Given an Entra app connected to the target
    And "olga" is assigned to the Entra app
    And the group "Research" with the members "paul" and "quinn" is assigned to the Entra app
    When Entra provisioning starts
    Then the Entra provisioning log shows no failures
    And the target holds exactly one user with the userName of "olga"
    And the target's user "paul" is active
    And the target's group "Research" has exactly the members "paul" and "quinn"

  @must
  Scenario: Nothing reaches the target before the next cycle, which comes 40 minutes later
    Source: Microsoft Learn, the SCIM endpoint tutorial [E1] and "Known issues for provisioning" [E6]; a
    Microsoft employee on Microsoft Q&A [E10]: cycles about every 40 minutes, a fixed interval.

    Given an Entra app connected to the target
    And "rita" is assigned to the Entra app
    And Entra provisioning has started
    When the Entra admin assigns "sam" to the app
    And 39 minutes pass
    Then the target holds no user with the userName of "sam"
    When 1 minute passes
    Then the target holds exactly one user with the userName of "sam"
    And Entra's next cycle is 40 minutes later

  @should
  Scenario: Users disabled in Entra are never provisioned
    Source: Microsoft Learn, "How application provisioning works" [E3].

    Given an Entra app connected to the target
    And "tess" is assigned to the Entra app
    And "tess" is disabled in Entra
    When Entra provisioning starts
    Then the target holds no user with the userName of "tess"

  @must @entra_la_2
  Scenario Outline: Incremental changes reach the target at the next cycle (<flag> the flag)
    Source: Microsoft Learn, the SCIM endpoint tutorial [E1] and the SCIM compliance page [E2]: one PATCH
    operation per attribute, or the collapsed form with the flag; Microsoft's SCIM Validation Logic App
    [ENTRA-LA], test 2 (jobTitle). The new email is unique to the run: servers may keep emails unique.

    Given an Entra app connected to the target <flag> the aadOptscim062020 flag
    And "uma" is assigned to the Entra app
    And Entra provisioning has started
    When the Entra admin changes the family name of "uma" to "Nguyễn-O'Hara"
    And the Entra admin changes the title of "uma" to "Staff Engineer"
    And the Entra admin changes the email of "uma" to "uma.moved+scim@example.com"
    And 40 minutes pass
    Then the Entra provisioning log shows no failures
    And the target's user "uma" has the family name "Nguyễn-O'Hara"
    And the target's user "uma" has the title "Staff Engineer"
    And the target's user "uma" has the email "uma.moved+scim@example.com"

    Examples:
      | flag    |
      | without |
      | with    |
