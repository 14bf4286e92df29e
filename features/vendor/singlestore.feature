@vendor @singlestore @bundled_only
Feature: SingleStore's SCIM configurations, teams and limits, on the reference server
  What SingleStore's documentation promises around its SCIM endpoint, shown working on the bundled
  server through its admin API. These scenarios run against the bundled server only.

  @must
  Scenario: Creating a SCIM configuration shows its secret once and deactivates the active one
    Source: SingleStore's documentation, SCIM user provisioning [V1]: "The secret token is displayed only once";
    "Creating a new SCIM configuration deactivates the existing configuration."

    Given the vendor admin has created the SCIM configuration "first"
    When the vendor admin creates the SCIM configuration "second"
    Then the secret of "second" was shown once, at creation
    And the SCIM configuration "second" is active
    And the SCIM configuration "first" is inactive
    And a request with the new secret of "first" is refused

  @must
  Scenario: Regenerating the secret invalidates the old one
    Source: SingleStore's documentation, SCIM user provisioning [V1]: "Generating a new secret invalidates the existing secret token."

    Given the vendor admin has created the SCIM configuration "main"
    When the vendor admin regenerates the secret of the SCIM configuration "main"
    Then a request with the new secret of "main" is accepted
    And a request with the old secret of "main" is refused

  @must
  Scenario: Deactivating a configuration makes the IdP's calls fail with 401 and keeps the users
    Source: SingleStore's documentation, SCIM user provisioning [V1]: "Deactivating ... does not remove users; it only
    prevents the synchronization".

    Given the vendor admin has created the SCIM configuration "okta"
    And an Okta AIW app using the secret of "okta"
    And "kim" is assigned to the app and provisioned
    When the vendor admin deactivates the SCIM configuration "okta"
    Then a request with the new secret of "okta" is refused
    And the target holds exactly one user with the userName of "kim"

  @must
  Scenario: Activating a configuration deactivates the others and keeps the users
    Source: SingleStore's documentation, SCIM user provisioning [V1]: "Activating an existing SCIM configuration deactivates
    other SCIM connections ... It does not remove users."

    Given the vendor admin has created the SCIM configuration "old"
    And an Okta AIW app using the secret of "old"
    And "lou" is assigned to the app and provisioned
    And the vendor admin has created the SCIM configuration "new"
    When the vendor admin activates the SCIM configuration "old"
    Then the SCIM configuration "old" is active
    And the SCIM configuration "new" is inactive
    And the target holds exactly one user with the userName of "lou"

  @must
  Scenario: Removing a SCIM configuration deletes its users and teams
    Source: SingleStore's documentation, SCIM user provisioning [V1]: "Once the SCIM configuration is removed, the associated
    users and teams are deleted".

    Given the vendor admin has created the SCIM configuration "doomed"
    And an Okta AIW app using the secret of "doomed"
    And "max" is assigned to the app and provisioned
    And a group "Analysts" with the members "max"
    And the group "Analysts" is pushed
    When the vendor admin removes the SCIM configuration "doomed"
    Then the target holds no user with the userName of "max"
    And the target holds no group named "Analysts"

  @must
  Scenario: A pushed group becomes a team whose members get the team's role
    Source: SingleStore's documentation, SCIM user provisioning [V1]: "adding a group ... creates a corresponding team ...
    The permissions configured for the team are then automatically granted to users added to the team."

    Given the vendor admin has created the SCIM configuration "teams"
    And an Okta AIW app using the secret of "teams"
    And "nia" is assigned to the app and provisioned
    And a group "Platform" with the members "nia"
    And the group "Platform" is pushed
    When the vendor admin maps the team "Platform" to the role "Developer" and the workspace "prod"
    Then the team "Platform" gives its members the role "Developer"

  @must
  Scenario: The 1,001st user gets a clear SCIM error, never a silent drop
    Source: SingleStore's documentation, SCIM user provisioning [V1]: "supports synchronizing up to 1000 users and 500 groups".
    (`scimulator serve --max-users 1000`, or --preset singlestore for the bundled server.)

    Given the target says in /ServiceProviderConfig that it supports bulk
    And the organization is limited to 1000 users, and already holds that many
    When the client creates one more user "one-too-many@example.com"
    Then that create is refused with a SCIM error 403 that names the limit of 1,000
