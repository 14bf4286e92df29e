@entra @push_groups
Feature: Entra's group provisioning
  Entra looks groups up by displayName with excludedAttributes=members, creates them without
  members, then adds members in batches. It removes members in two shapes, one per dialect.

  @must
  Scenario Outline: Removing one member removes only that member (<flag> the flag)
    Source: idp-behaviour.md 2.7 [E1][E2][J7]: without the flag
    {"op":"Remove","path":"members","value":[{"value":"<id>"}]} (naive servers wipe every member
    on this shape); with it {"op":"remove","path":"members[value eq \"<id>\"]"}. The group already
    exists in the target, so Entra links it by displayName [E1][E9] and only membership is judged here.

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

  @must
  Scenario: A rename and a new member reach the target at the next cycle
    Source: idp-behaviour.md 2.7 [E1].

    Given an Entra app connected to the target
    And the group "Data" with the members "di" is assigned to the Entra app
    And Entra provisioning has started
    When the Entra admin renames the group "Data" to "Data Science"
    And the Entra admin adds "ed" to the group "Data"
    And 40 minutes pass
    Then the Entra provisioning log shows no failures
    And the target holds a group named "Data Science"
    And the target's group "Data" has exactly the members "di" and "ed"
