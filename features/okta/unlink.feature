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
    Source: Okta's help on Group Push [O7][O8][O9]; the error text from getsentry/sentry#88623 [I6]:
    "Unable to update Group Push mapping target App group X: Error while creating user group X:
    Conflict."; SingleStore's Okta configuration page [V2]. RFC 7643 does not make displayName unique,
    but Okta's documented outcome is this error, and Entra matches groups on displayName, which "must
    be unique in the target" (Microsoft's SCIM provisioning tutorial [E1]; a Microsoft employee [E9]):
    a second group of the same name breaks both.

    Given a group "Design" with the members "ivy"
    And the group "Design" is pushed
    When the Okta admin unlinks the pushed group "Design" and leaves it in the target app
    And the Okta admin pushes the group "Design" again
    Then the Okta push error for "Design" mentions "Conflict. Errors reported by remote server"
    And the target holds exactly one group named "Design"

  @must
  Scenario: Deleting the group in the target app sends DELETE, and a later push succeeds
    Source: Okta's SCIM 2.0 reference [O1] and Okta's help on Group Push [O7]: DELETE /Groups/{id}
    answered 204.

    Given a group "Legal" with the members "ivy"
    And the group "Legal" is pushed
    When the Okta admin unlinks the pushed group "Legal" and deletes it in the target app
    Then Okta sent a DELETE of the group "Legal"
    And the target holds no group named "Legal"
    When the Okta admin pushes the group "Legal" again
    Then Okta shows no provisioning errors
    And the target holds exactly one group named "Legal"

  @must
  Scenario: Okta's group DELETE carries a Content-Type and no body, and is accepted
    Source: Okta's 2018 SCIM guide [F18]: DELETE /Groups/{id} carries "Content-Type: application/scim+json;
    charset=utf-8" with an empty body; RFC 7644 section 3.6 (DELETE has no body; 204 answers it) and
    RFC 9110 section 8.3 (a Content-Type on an empty message is not an error).

    Given a group "Audit" with the members "ivy"
    And the group "Audit" is pushed
    When the Okta admin unlinks the pushed group "Audit" and deletes it in the target app
    Then Okta's DELETE of the group "Audit" carried a Content-Type and no body, and the target accepted it
    And the target holds no group named "Audit"
