@authentik
Feature: authentik's outbound SCIM provider
  authentik pushes each change as it happens and again in an hourly full sync. Every sync first reads
  /ServiceProviderConfig: with PATCH supported, group members go out one PATCH operation per member,
  the member in a value list, for removals too; with filters supported, a create answered 409 is
  followed by a lookup by userName and a link. Users are PUT whole on every change, deactivation
  included, and DELETEd when deleted in authentik.

  Background:
    Given an authentik SCIM provider connected to the target

  @must @user_lifecycle @put
  Scenario: A deactivated authentik user is PUT whole with active false and stays readable, inactive
    Source: authentik's source, goauthentik/authentik, authentik/providers/scim/clients/users.py (PUT of the
    whole user with its id) and blueprints/system/providers-scim.yaml ("active": request.user.is_active, a real
    boolean) [AK2][AK3].

    Given "vic" was synced to the target by authentik
    When authentik syncs the deactivation of "vic"
    Then authentik logged no sync errors
    And the target's user "vic" is inactive

  @must @push_groups @patch
  Scenario: authentik adds members one PATCH operation each, the member in a value list
    Source: authentik's source, goauthentik/authentik, authentik/providers/scim/clients/groups.py: POST /Groups
    with the externalId, then {"op":"add","path":"members","value":[{"value":ID}]} per member, batched by
    bulk.maxOperations; PATCH support read from /ServiceProviderConfig (clients/base.py) [AK1][AK4].

    Given "ann" was synced to the target by authentik
    And "ben" was synced to the target by authentik
    And the group "Ops" with the members "ann" and "ben" was synced to the target by authentik
    Then authentik logged no sync errors
    And the target's group "Ops" has exactly the members "ann" and "ben"

  @must @push_groups @patch
  Scenario: authentik removes a member with a remove operation whose value lists that member only
    Source: authentik's source, goauthentik/authentik, authentik/providers/scim/clients/groups.py:
    {"op":"remove","path":"members","value":[{"value":ID}]} per member removed [AK4]; RFC 7644 section
    3.5.2.2 has no value on remove, so a server that drops the value empties the whole group.

    Given the group "Ops" with the members "ann" and "ben" was synced to the target by authentik
    When authentik syncs "ann" leaving the group "Ops"
    Then authentik logged no sync errors
    And the target's group "Ops" has exactly the members "ben"

  @must @user_lifecycle
  Scenario: A create the target refuses with 409 is linked to the user it already holds
    Source: authentik's source, goauthentik/authentik, authentik/providers/scim/clients/users.py: a 409 on
    POST /Users, with filtering supported, is followed by GET /Users?filter=userName eq "..." and a link to
    the first result [AK2]; RFC 7644 section 3.3 (409 for a uniqueness conflict).

    Given a user with the userName of "kim" already exists in the target
    When authentik syncs the creation of "kim"
    Then authentik linked "kim" to the user the target already held, after its 409
    And authentik logged no sync errors

  @must @user_lifecycle
  Scenario: A user deleted in authentik is DELETEd in the target
    Source: authentik's source, goauthentik/authentik, authentik/providers/scim/clients/users.py: DELETE
    /Users/{id} [AK2]; RFC 7644 section 3.6.

    Given "dan" was synced to the target by authentik
    When authentik syncs the deletion of "dan"
    Then authentik logged no sync errors
    And the target's user "dan" is gone

  @should @push_groups @patch
  Scenario: In the AWS compatibility mode a group is created with its members, then each is added again by PATCH
    Source: authentik's source, goauthentik/authentik: the AWS mode turns PATCH support off [AK7], so the
    POST /Groups carries the members, and the create still sends a PATCH add per member
    (authentik/providers/scim/clients/groups.py [AK4]); RFC 7644 section 3.5.2.1 (an add of a value already
    there SHOULD change nothing). A refusal leaves an error in authentik's log on every sync.

    Given an authentik SCIM provider in the AWS compatibility mode connected to the target
    And the group "Ops" with the members "ann" and "ben" was synced to the target by authentik
    Then authentik logged no sync errors
    And the target's group "Ops" has exactly the members "ann" and "ben"
