@okta @push_groups @unlink
Feature: Unlinking a pushed group, and pushing its name again
  When an admin unlinks a pushed group, Okta either deletes it in the target app or leaves it.
  A name left behind cannot be pushed again without Group Linking: the target must refuse the
  duplicate, and Okta shows its Conflict push error.

  Background:
    Given an Okta app connected to the target
    And "ivy" is assigned to the app and provisioned

  @must
  Scenario: Leaving the group, then pushing the same name, is Okta's Conflict error
    Source: idp-behaviour.md 1.8 [O7][O8][O9][I6][V2]: "Unable to update Group Push mapping target App
    group X: Error while creating user group X: Conflict." RFC 7643 does not make displayName unique,
    but Okta's documented outcome is this error, and Entra matches groups on displayName, which
    "must be unique in the target" (2.7 [E1][E9]): a second group of the same name breaks both.

    Given a group "Design" with the members "ivy"
    And the group "Design" is pushed
    When the Okta admin unlinks the pushed group "Design" and leaves it in the target app
    And the Okta admin pushes the group "Design" again
    Then the Okta push error for "Design" mentions "Conflict. Errors reported by remote server"
    And the target holds exactly one group named "Design"

  @must
  Scenario: Deleting the group in the target app sends DELETE, and a later push succeeds
    Source: idp-behaviour.md 1.8 [O1][O7]: DELETE /Groups/{id} answered 204.

    Given a group "Legal" with the members "ivy"
    And the group "Legal" is pushed
    When the Okta admin unlinks the pushed group "Legal" and deletes it in the target app
    Then Okta sent a DELETE of the group "Legal"
    And the target holds no group named "Legal"
    When the Okta admin pushes the group "Legal" again
    Then Okta shows no provisioning errors
    And the target holds exactly one group named "Legal"
