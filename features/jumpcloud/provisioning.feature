@jumpcloud
Feature: JumpCloud's connection test, user updates and group membership
  JumpCloud's custom SCIM integration writes a real test user and test group when the admin tests the
  connection, pushes users and groups on change events, and removes members with a value list.

  @must @connection_test
  Scenario: JumpCloud's connection test creates a test user and group and cleans them up
    Source: JumpCloud's "Identity Management using a Custom SCIM Integration" [JC1]: "A test user and
    test group are created to test the integration. Both will be deleted if the DELETE method is supported
    by the service provider." The order of the requests is not documented (INF).

    Given a JumpCloud app that updates users by PATCH
    When the JumpCloud admin tests the connection with the test user "tess" and the test group "Testers"
    Then the JumpCloud connection test succeeds
    And the target holds no user with the userName of "tess"
    And the target holds no group named "Testers"

  @must @patch
  Scenario: JumpCloud removes one member by a value list and the other members stay
    Source: two public SCIM libraries' JumpCloud fixtures [JC7] and an integrator's notes [JC8] (both LOW,
    and they agree): {"op":"remove","path":"members","value":[{"value":"<id>"}]}, the value list on the
    bare members path; RFC 7644 section 3.5.2.2 removes only the listed values. Groups take over a group of
    the same name [JC3].

    Given a JumpCloud app that updates users by PATCH
    And JumpCloud pushed the group "Eng" with the members "ann" and "ben"
    When the JumpCloud admin removes "ann" from the group "Eng"
    Then JumpCloud shows no provisioning errors
    And the target's group "Eng" has exactly the members "ben"

  @should @patch
  Scenario: JumpCloud deactivates a user by PATCH replace on active
    Source: JumpCloud's Directory Insights events [JC1]: deprovisioning "change[s] an existing user to
    inactive", distinct from deleting it; a SCIM library's JumpCloud fixture [JC7] (LOW):
    {"op":"replace","path":"active","value":false} with a real boolean.

    Given a JumpCloud app that updates users by PATCH
    And "carl" is provisioned by JumpCloud
    When the JumpCloud admin removes "carl" from the app
    Then JumpCloud shows no provisioning errors
    And the target's user "carl" is inactive
    And the target's user "carl" can still be read

  @should @put
  Scenario: A JumpCloud PUT with null emails updates the user
    Source: a SCIM library's JumpCloud provider sample [JC6] (LOW): a minimal PUT /Users/{id} with
    "emails": null; RFC 7644 section 3.5.1 (PUT replaces; null is unassigned, RFC 7643 section 2.5).

    Given a JumpCloud app that updates users by PUT
    And "dina" is provisioned by JumpCloud
    When the JumpCloud admin changes the family name of "dina" to "Field Operations"
    Then JumpCloud shows no provisioning errors
    And the target's user "dina" has the family name "Field Operations"

  @should
  Scenario: JumpCloud takes over a group the target already holds under the same name
    Source: JumpCloud's "Group Management Considerations" [JC3]: "JumpCloud takes over management of
    existing groups in the application when the user group name in JumpCloud matches the name of the group
    in the application" (INF: found by a displayName eq filter, as Okta and Entra look groups up).

    Given a JumpCloud app that updates users by PATCH
    And a group named "Sales" already exists in the target
    When JumpCloud pushes the group "Sales" with the members "ann"
    Then JumpCloud shows no provisioning errors
    And JumpCloud sent no POST to "/Groups"
    And the target holds exactly one group named "Sales"
    And the target's group "Sales" has exactly the members "ann"
