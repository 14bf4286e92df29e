@entra @patch
Feature: Entra's PATCH dialects
  Without aadOptscim062020 Entra capitalises ops and sends booleans as "True"/"False" strings, and
  sends Add on a filtered path whose element does not exist yet. With the flag it sends lowercase
  ops, real booleans and one pathless replace with dotted keys.

  @must
  Scenario Outline: Disabling in Entra deactivates the target user (<flag> the flag)
    Source: idp-behaviour.md 2.5 [E2][J4]: {"op":"Replace","path":"active","value":"False"}, or
    {"op":"replace","path":"active","value":false} with the flag.

    Given an Entra app connected to the target <flag> the aadOptscim062020 flag
    And "vic" is assigned to the Entra app
    And Entra provisioning has started
    When the Entra admin disables "vic"
    And 40 minutes pass
    Then the Entra provisioning log shows no failures
    And the target's user "vic" is inactive

    Examples:
      | flag    |
      | without |
      | with    |

  @must
  Scenario: Add on a filtered path whose element does not exist yet creates it
    Source: idp-behaviour.md 2.4 [E1][J5]: {"op":"Add","path":"emails[type eq \"work\"].value","value":"x@y"}.

    Given an Entra app connected to the target
    And "walt" is assigned to the Entra app
    And "walt" has no email in Entra
    And Entra provisioning has started
    When the Entra admin changes the work email of "walt" to "walt.new@example.com"
    And 40 minutes pass
    Then the Entra provisioning log shows no failures
    And the target's user "walt" has the work email "walt.new@example.com"

  @must
  Scenario: Restoring a deleted user sets it active with the string "True"
    Source: idp-behaviour.md 2.6 [E1]; the string form without the flag is INF from 2.4 [E2].

    Given an Entra app connected to the target
    And "xena" is assigned to the Entra app
    And Entra provisioning has started
    When the Entra admin deletes "xena"
    And 40 minutes pass
    And the Entra admin restores "xena"
    And 40 minutes pass
    Then the Entra provisioning log shows no failures
    And the target's user "xena" is active
