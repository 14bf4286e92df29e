@keycloak
Feature: Keycloak's keycloak-scim plugin
  The keycloak-scim plugin (the libre.sh client, kept as mitodl/keycloak-scim) sends each admin change
  at once: POST to create, PUT of the whole user or group to change, DELETE to delete. Its group
  members carry a relative $ref ("Users/<id>"). Two switches trade the PUTs for PATCHes: with
  "Use patchOp for users" the user's active goes out as the string "true" or "false"; with "Use
  patchOp for groups" the members list is replaced whole, or removed with no value when empty.

  @must @user_lifecycle @put
  Scenario: A user disabled in Keycloak is PUT whole with active false and stays readable, inactive
    Source: the keycloak-scim plugin's source, mitodl/keycloak-scim, src/main/java/sh/libre/scim/core/ScimClient.java
    (replace: PUT of the whole resource) and UserAdapter.java (active from isEnabled) [KC1][KC2].

    Given a Keycloak realm whose SCIM federation provider is connected to the target
    And "vic" was synced to the target by Keycloak
    When Keycloak syncs the deactivation of "vic"
    Then Keycloak logged no sync errors
    And the target's user "vic" is inactive

  @must @user_lifecycle @patch
  Scenario: With patchOp for users, Keycloak disables with active as the string "false"
    Source: the keycloak-scim plugin's source, mitodl/keycloak-scim, src/main/java/sh/libre/scim/core/UserAdapter.java:
    replace of "active" with value(active.toString()), beside userName and displayName [KC2][KC5]; the SCIM-SDK
    writes one value as a JSON string [KC6]. RFC 7643 section 2.3.2 wants a JSON boolean, but Keycloak's
    disable is lost on a server that ignores the string.

    Given a Keycloak realm whose SCIM federation provider uses patchOp for users
    And "vic" was synced to the target by Keycloak
    When Keycloak syncs the deactivation of "vic"
    Then Keycloak logged no sync errors
    And the target's user "vic" is inactive

  @must @push_groups @put
  Scenario: Keycloak replaces a group whole, its members carrying a relative $ref
    Source: the keycloak-scim plugin's source, mitodl/keycloak-scim, src/main/java/sh/libre/scim/core/GroupAdapter.java:
    members with value and $ref "Users/<id>"; a membership change replaces the group with PUT, then the
    user [KC1][KC4]; RFC 7643 section 2.3.7 (a reference may be a relative URI).

    Given a Keycloak realm whose SCIM federation provider is connected to the target
    And the group "Ops" with the members "ann" and "ben" was synced to the target by Keycloak
    When Keycloak syncs "ann" leaving the group "Ops"
    Then Keycloak logged no sync errors
    And the target's group "Ops" has exactly the members "ben"

  @must @push_groups @patch
  Scenario: With patchOp for groups, the last member leaving is a remove of members with no value
    Source: the keycloak-scim plugin's source, mitodl/keycloak-scim, src/main/java/sh/libre/scim/core/GroupAdapter.java:
    {"op":"remove","path":"members"} for an empty group, then replaces of displayName and externalId [KC4][KC5];
    RFC 7644 section 3.5.2.2 (remove with no filter removes every value).

    Given a Keycloak realm whose SCIM federation provider uses patchOp for groups
    And the group "Ops" with the members "ann" was synced to the target by Keycloak
    When Keycloak syncs "ann" leaving the group "Ops"
    Then Keycloak logged no sync errors
    And the target's group "Ops" has no members

  @must @push_groups @patch
  Scenario: With patchOp for groups, a member joining replaces the members list whole
    Source: the keycloak-scim plugin's source, mitodl/keycloak-scim, src/main/java/sh/libre/scim/core/GroupAdapter.java:
    {"op":"replace","path":"members","value":[{"value":ID}, ...]} with every member [KC4][KC5]; RFC 7644 section
    3.5.2.3.

    Given a Keycloak realm whose SCIM federation provider uses patchOp for groups
    And "ben" was synced to the target by Keycloak
    And the group "Ops" with the members "ann" was synced to the target by Keycloak
    When Keycloak syncs "ben" joining the group "Ops"
    Then Keycloak logged no sync errors
    And the target's group "Ops" has exactly the members "ann" and "ben"

  @must @user_lifecycle
  Scenario: A user deleted in Keycloak is DELETEd in the target
    Source: the keycloak-scim plugin's source, mitodl/keycloak-scim, src/main/java/sh/libre/scim/core/ScimClient.java
    and event/ScimEventListenerProvider.java: DELETE /Users/{id} on the admin's delete [KC1][KC3]; RFC 7644
    section 3.6.

    Given a Keycloak realm whose SCIM federation provider is connected to the target
    And "dan" was synced to the target by Keycloak
    When Keycloak syncs the deletion of "dan"
    Then Keycloak logged no sync errors
    And the target's user "dan" is gone
