@entra @deactivate_not_delete
Feature: Entra disables, and deletes only 30 days after a soft delete
  Unassignment or leaving scope sends one disable, and Entra stops managing the user. A soft
  delete disables at once and deletes 30 days later; a permanent delete deletes at the next cycle.
  Inactive users stay visible to Entra's lookup: one the lookup misses is created again.

  @must @entra_la_3
  Scenario Outline: Unassignment disables and never deletes (<flag> the flag)
    Source: Microsoft Learn, "How application provisioning works" [E3]: unassigning a user sends one disable
    and never a DELETE; the SCIM endpoint tutorial [E1]: inactive users must still be returned by GET.

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

  @must @entra_la_6
  Scenario Outline: An unassigned user is still found by Entra's lookup, and reassigning it sends no POST (<flag> the flag)
    Source: Microsoft Learn, the SCIM endpoint tutorial [E1]: "The user object should be returned in a request
    whether or not the user is active"; "How application provisioning works" [E3]: after the disable Entra
    stops managing the user, so a reassignment matches it afresh by its lookup, and a hit is PATCHed;
    Microsoft's SCIM Validation Logic App [ENTRA-LA], test 6 (unassign, then reassign: the user back).

    Given an Entra app connected to the target <flag> the aadOptscim062020 flag
    And "ola" is assigned to the Entra app
    And Entra provisioning has started
    When the Entra admin unassigns "ola"
    And 40 minutes pass
    Then a lookup of "ola" by userName still finds it, inactive
    When the Entra admin assigns "ola" to the app
    And 40 minutes pass
    Then the Entra provisioning log shows no failures
    And Entra created "ola" only once
    And the target holds exactly one user with the userName of "ola", and it is active

    Examples:
      | flag    |
      | without |
      | with    |

  @must @entra_la_3
  Scenario: A disabled user is still found by Entra's lookup, and enabling it makes the same user active
    Source: Microsoft Learn, the SCIM endpoint tutorial [E1] (inactive users returned by GET and by a query)
    and "How application provisioning works" [E3] (disable and enable in Entra); Microsoft's SCIM Validation
    Logic App [ENTRA-LA], test 3.

    Given an Entra app connected to the target
    And "pia" is assigned to the Entra app
    And Entra provisioning has started
    When the Entra admin disables "pia"
    And 40 minutes pass
    Then a lookup of "pia" by userName still finds it, inactive
    When the Entra admin enables "pia"
    And 40 minutes pass
    Then the Entra provisioning log shows no failures
    And the target holds exactly one user with the userName of "pia", and it is active

  @must
  Scenario: A soft delete disables at once and deletes after 30 days
    Source: Microsoft Learn, the SCIM endpoint tutorial [E1] and "How application provisioning works" [E3]:
    DELETE /Users/{id} 30 days after the soft delete, answered 204.

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

  @must @entra_la_4
  Scenario: A permanently deleted user is gone: 404 by id and absent from lookups
    Source: Microsoft Learn, the SCIM endpoint tutorial [E1] ("The only time the user shouldn't be returned is
    when it's hard deleted") and "How application provisioning works" [E3] (a permanent delete sends DELETE);
    RFC 7644 section 3.6 (a deleted resource answers 404); Microsoft's SCIM Validation Logic App [ENTRA-LA],
    test 4 (404 or totalResults 0).

    Given an Entra app connected to the target
    And "ned" is assigned to the Entra app
    And Entra provisioning has started
    When the Entra admin permanently deletes "ned"
    And 40 minutes pass
    Then the Entra provisioning log shows no failures
    And the target's user "ned" is gone
