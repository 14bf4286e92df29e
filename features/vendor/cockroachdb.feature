@vendor @cockroachdb @okta
Feature: CockroachDB Cloud: Okta disables deprovisioned users and does not delete them
  CockroachDB's documentation, written for Okta, tells admins that deprovisioned users are disabled,
  not deleted, and must be removed by hand. The endpoint must keep them readable and inactive.

  @must @deactivate_not_delete
  Scenario: An unassigned user stays in the target, disabled, for the admin to remove by hand
    Source: CockroachDB Cloud's documentation, Configure SCIM provisioning [V4]: "Okta disables deprovisioned users and does not
    delete them"; Okta's SCIM 2.0 reference [O1].

    Given an Okta app connected to the target
    And "quin" is assigned to the app and provisioned
    When the Okta admin unassigns "quin" from the app
    Then Okta sent no DELETE
    And the target's user "quin" can still be read
    And the target's user "quin" is inactive
