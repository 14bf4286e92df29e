@google
Feature: Google Workspace syncs catalog apps every few hours
  Google provisions users to catalog apps only, on a sync that runs every few hours. Its first sync lists
  /Users without parameters, then looks each user up and creates it with the SCIM 1.1 core URN listed
  beside the 2.0 one.

  @must
  Scenario: Google's first sync lists users, then creates with the 1.0 URN beside the 2.0 one
    Source: Google Workspace Admin Help, "About automated user provisioning" [GW1] ("Users are synced
    every few hours"; INF: every 4 hours here); a 2023 capture of Google's auto-provisioning [GW4]: a bare
    GET /Users first, then a create whose schemas list "urn:scim:schemas:core:1.0" and the 2.0 User URN
    (the captured server refused it with "Invalid data!").

    Given a Google Workspace catalog app connected to the target
    When the Google admin assigns "alice" to the catalog app
    And Google's next sync runs
    Then Google shows no provisioning errors
    And Google listed /Users without parameters before its first create, and the target answered a ListResponse
    And a lookup of "alice" by userName finds its userName, first email and names as the IdP holds them

  @must @filter
  Scenario: Google's lookup with startIndex and no count finds a user the target already holds
    Source: a 2024 log of Google's auto-provisioning [GW4]:
    GET /Users?filter=userName%20eq%20%22<email>%22&startIndex=1, answered with the existing user.

    Given a Google Workspace catalog app connected to the target
    And a user with the userName of "bob" already exists in the target
    When the Google admin assigns "bob" to the catalog app
    And Google's next sync runs
    Then Google shows no provisioning errors
    And Google sent no POST to "/Users"
    And the target holds exactly one user with the userName of "bob"
