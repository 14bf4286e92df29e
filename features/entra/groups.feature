@entra @push_groups
Feature: Entra's group provisioning
  Entra looks groups up by displayName with excludedAttributes=members, creates them without
  members, then adds members in batches. It removes members in two shapes, one per dialect.

  @must @entra_la_12
  Scenario Outline: Removing one member removes only that member (<flag> the flag)
    Source: Microsoft Learn, the SCIM endpoint tutorial [E1] and the SCIM compliance page [E2]; captures of
    naive servers that wipe every member [J7]: without the flag
    {"op":"Remove","path":"members","value":[{"value":"<id>"}]}, with it
    {"op":"remove","path":"members[value eq \"<id>\"]"}. The group already exists in the target, so Entra
    links it by displayName ([E1], a Microsoft employee on Microsoft Q&A [E9]) and only membership is judged
    here; Microsoft's SCIM Validation Logic App [ENTRA-LA], test 12.

    Given an Entra app connected to the target <flag> the aadOptscim062020 flag
    And a group named "Platform" already exists in the target
    And the group "Platform" with the members "amy", "bo" and "cy" is assigned to the Entra app
    And "amy" is assigned to the Entra app
    And Entra provisioning has started
    When the Entra admin removes "amy" from the group "Platform"
    And 40 minutes pass
    Then the Entra provisioning log shows no failures
    And the target's group "Platform" has exactly the members "bo" and "cy"

    Examples:
      | flag    |
      | without |
      | with    |

  @must @entra_la_9 @entra_la_11
  Scenario: A rename and a new member reach the target at the next cycle
    Source: Microsoft Learn, the SCIM endpoint tutorial [E1]: Replace on displayName, Add on members;
    Microsoft's SCIM Validation Logic App [ENTRA-LA], tests 9 and 11.

    Given an Entra app connected to the target
    And the group "Data" with the members "di" is assigned to the Entra app
    And Entra provisioning has started
    When the Entra admin renames the group "Data" to "Data Science"
    And the Entra admin adds "ed" to the group "Data"
    And 40 minutes pass
    Then the Entra provisioning log shows no failures
    And the target holds a group named "Data Science"
    And the target's group "Data" has exactly the members "di" and "ed"

  @should @entra_la_10
  Scenario: A group deleted in Entra is gone from the target
    Source: Microsoft Learn, the SCIM endpoint tutorial [E1]: DELETE /Groups/{id} answered 204; Microsoft's
    SCIM Validation Logic App [ENTRA-LA], test 10 (optional: the group's lookup answers totalResults 0).

    Given an Entra app connected to the target
    And the group "Archive" with the members "fe" is assigned to the Entra app
    And Entra provisioning has started
    When the Entra admin deletes the group "Archive"
    And 40 minutes pass
    Then the Entra provisioning log shows no failures
    And the target holds no group named "Archive"

  @should @entra_la_14
  Scenario: An unassigned group is deleted, and comes back with its members when assigned again
    Source: Microsoft's SCIM Validation Logic App [ENTRA-LA], test 14 (optional): unassigning a group leaves a
    Delete in the provisioning log and the group gone; reassigning it creates it again (INF for the requests:
    a DELETE, then Entra's lookup, create and member Add [E1]).

    Given an Entra app connected to the target
    And the group "Ops" with the members "gil" is assigned to the Entra app
    And Entra provisioning has started
    When the Entra admin unassigns the group "Ops"
    And 40 minutes pass
    Then the target holds no group named "Ops"
    When the Entra admin assigns the group "Ops" again
    And 40 minutes pass
    Then the Entra provisioning log shows no failures
    And the target holds exactly one group named "Ops"
    And the target's group "Ops" has exactly the members "gil"
