@entra @roles
Feature: Entra's app roles
  How roles reach the app depends on the mapping: SingleAppRoleAssignment sends the one role as
  the primary role; AppRoleAssignmentsComplex sends every role, adds new ones with Add and never
  removes one.

  @should
  Scenario: SingleAppRoleAssignment creates the user with its role as the primary role
    Source: a public Microsoft docs issue with the create body [F12]:
    "roles":[{"primary":true,"type":"WindowsAzureActiveDirectoryRole","value":"ADMIN"}] for the mapping to
    roles[primary eq "True"].value; RFC 7643 section 4.1.2 (roles).

    Given an Entra app connected to the target with the roles mapped as SingleAppRoleAssignment
    And "sue" is assigned to the Entra app
    And "sue" has the app role "ADMIN" in Entra
    When Entra provisioning starts
    Then the Entra provisioning log shows no failures
    And the target's user "sue" has the roles "ADMIN"

  @should
  Scenario: AppRoleAssignmentsComplex adds a new role and keeps the one taken away
    Source: a public Microsoft docs issue [F13] and a vendor's pull request [F14]: the create carries
    {primary, type, displayName, value} items, a new role is a PATCH Add on roles with {id, value,
    displayName} items, and roles removed in Entra are never removed at the app.

    Given an Entra app connected to the target with the roles mapped as AppRoleAssignmentsComplex
    And "tom" is assigned to the Entra app
    And "tom" has the app role "Reader" in Entra
    And Entra provisioning has started
    When the Entra admin gives "tom" the app role "Writer"
    And the Entra admin takes the app role "Reader" from "tom"
    And 40 minutes pass
    Then the Entra provisioning log shows no failures
    And the target's user "tom" has the roles "Reader" and "Writer"
