@entra @deactivate_not_delete
Feature: Entra disables, and deletes only 30 days after a soft delete
  Unassignment or leaving scope sends one disable, and Entra stops managing the user. A soft
  delete disables at once and deletes 30 days later.

  @must
  Scenario Outline: Unassignment disables and never deletes (<flag> the flag)
    Source: idp-behaviour.md 2.5 [E3]: "Unassigning a user ... sends one disable ... and never sends
    a DELETE"; inactive users must still be returned by GET [E1].

    Given an Entra app connected to the target <flag> the aadOptscim062020 flag
    And "yara" is assigned to the Entra app
    And Entra provisioning has started
    When the Entra admin unassigns "yara"
    And 40 minutes pass
    And 2 days pass
    Then the Entra provisioning log shows no failures
    And Entra sent no DELETE for "yara"
    And the target's user "yara" can still be read
    And the target's user "yara" is inactive

    Examples:
      | flag    |
      | without |
      | with    |

  @must
  Scenario: A soft delete disables at once and deletes after 30 days
    Source: idp-behaviour.md 2.5 [E1][E3]: DELETE /Users/{id} 30 days after the soft delete, answered 204.

    Given an Entra app connected to the target
    And "zack" is assigned to the Entra app
    And Entra provisioning has started
    When the Entra admin deletes "zack"
    And 40 minutes pass
    Then the target's user "zack" is inactive
    When 29 days pass
    Then Entra sent no DELETE for "zack"
    When 1 day passes
    Then Entra sent a DELETE for "zack" that the target accepted
    And the Entra provisioning log shows no failures
