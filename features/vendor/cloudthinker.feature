@vendor @cloudthinker @bundled_only
Feature: CloudThinker's token rotation, workspace mappings and sync logs, on the reference server
  What CloudThinker's documentation promises around its SCIM endpoint, shown working on the bundled
  server through its admin API. These scenarios run against the bundled server only.

  @must
  Scenario: For 24 hours after a rotation both tokens are accepted, afterwards only the new one
    Source: CloudThinker's documentation, Set up SCIM provisioning [V5]: "the old token stays valid for 24 more hours";
    the server's clock is moved through the admin API, not slept.

    Given the vendor admin has created the SCIM configuration "rotating"
    When the vendor admin rotates the token of the SCIM configuration "rotating"
    Then a request with the new secret of "rotating" is accepted
    And a request with the old secret of "rotating" is accepted
    When 23 hours pass on the server's clock
    Then a request with the old secret of "rotating" is accepted
    When 2 hours pass on the server's clock
    Then a request with the old secret of "rotating" is refused
    And a request with the new secret of "rotating" is accepted

  @must
  Scenario: Every SCIM write is in the sync log with its status
    Source: CloudThinker's documentation, Set up SCIM provisioning [V5]: each log entry shows timestamp, action, resource and
    status SUCCESS / SKIPPED / FAILED.

    Given the vendor admin has created the SCIM configuration "logged"
    And an Okta OIN app using the secret of "logged"
    And "oli" is assigned to the app and provisioned
    When Okta sends the create of "oli" again, as it does when its lookup missed
    And the Okta admin unassigns "oli" from the app
    Then the sync log shows a CREATE of a User with the status SUCCESS
    And the sync log shows a CREATE of a User with the status FAILED
    And the sync log shows a UPDATE of a User with the status SUCCESS
    And every sync log entry has a timestamp, an action, a resource and a status

  @must
  Scenario: A pushed group maps to a workspace and a role for its members
    Source: CloudThinker's documentation, Set up SCIM provisioning [V5]: "Groups pushed from your IdP ... can be mapped to
    specific workspaces and roles".

    Given the vendor admin has created the SCIM configuration "mapped"
    And an Okta OIN app using the secret of "mapped"
    And "pia" is assigned to the app and provisioned
    And a group "Support" with the members "pia"
    And the group "Support" is pushed
    When the vendor admin maps the team "Support" to the role "Viewer" and the workspace "helpdesk"
    Then the team "Support" gives its members the role "Viewer"
