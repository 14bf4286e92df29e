@ping
Feature: Ping matches users by its unique identifier or the admin's filter expression
  PingFederate's SCIM Provisioner and PingOne's SCIM connection look a user up before they create it, by
  userName, by work email, or by a filter expression the admin writes with "%s" for the value. Groups are
  found by listing every group.

  @must @filter
  Scenario Outline: Ping finds a user the target already holds by its <ping_identifier>
    Source: Ping's SCIM provisioner settings reference [PG1]: the Unique User Identifier userName sets
    the filter userName eq <value>, workEmail sets emails eq <value> (INF: the value quoted, as in the
    filter expression examples [PG7]). A lookup that misses makes Ping create a second account.

    Given a Ping connection with the unique identifier <ping_identifier>
    And the target already holds "bob" with its email
    When Ping provisions "bob"
    Then Ping shows no provisioning errors
    And Ping sent no POST to "/Users"
    And the target holds exactly one user with the userName of "bob"

    Examples:
      | ping_identifier |
      | userName        |
      | workEmail       |

  @must @filter
  Scenario: A filter expression with a capitalised operator and a lower-case attribute finds the user
    Source: PingOne's "SCIM filter expressions" [PG7]: the example override username Eq "%s";
    RFC 7644 section 3.4.2.2: attribute names and operators are case-insensitive.

    Given a Ping connection with the filter expression "username Eq "%s""
    And the target already holds "bob" with its email
    When Ping provisions "bob"
    Then Ping shows no provisioning errors
    And Ping sent no POST to "/Users"

  @must @deactivate_not_delete
  Scenario: Ping's Delete remove action deletes the user
    Source: Ping's SCIM connector provisioning options [PG4]: Remove User Action, Disable or Delete;
    Delete removes the user from the target (INF: DELETE /Users/{id}, RFC 7644 section 3.6).

    Given a Ping connection whose remove user action is Delete
    And "erin" is provisioned by Ping
    When the Ping admin removes "erin" from the app
    Then Ping shows no provisioning errors
    And the target's user "erin" is gone

  @should @deactivate_not_delete @put
  Scenario: Ping's Disable remove action keeps the user readable and inactive
    Source: Ping's SCIM connector provisioning options [PG4]: Remove User Action Disable; the
    Provisioner's specification says PATCH for Users: No [PG2] (INF: the disable is a PUT of the whole
    user with active false).

    Given a Ping connection whose remove user action is Disable
    And "fay" is provisioned by Ping
    When the Ping admin removes "fay" from the app
    Then Ping shows no provisioning errors
    And the target's user "fay" is inactive

  @must
  Scenario: Ping finds an existing group by listing every group
    Source: Ping's SCIM Provisioner overview [PG2]: "The connector allows group filtering by retrieving
    all groups and finding a match" (INF: paged with startIndex and count); a group the listing misses is
    created a second time.

    Given a Ping connection with the unique identifier userName
    And a group named "Sales" already exists in the target
    When Ping pushes the group "Sales" with the members "ann"
    Then Ping shows no provisioning errors
    And Ping sent no POST to "/Groups"
    And the target holds exactly one group named "Sales"

  @should
  Scenario: A group named by an LDAP distinguished name is created and found
    Source: PingOne's SCIM store settings [PG9]: GROUP_NAME_SOURCE "Distinguished Name" (INF: the group's
    displayName is then a DN, with commas and equals signs); RFC 7643 section 4.2 (displayName is a string).

    Given a Ping connection with the unique identifier userName
    When Ping pushes the group "cn=Sales,ou=Groups,dc=example,dc=com" with the members "ann"
    Then Ping shows no provisioning errors
    And the target holds exactly one group named "cn=Sales,ou=Groups,dc=example,dc=com"

  @should
  Scenario: A user Ping provisions while disabled is created inactive
    Source: Ping's SCIM Provisioner overview [PG2] ("Allows you to provision disabled users") and the
    connector's provisioning options [PG4] (Provision Disabled Users); INF: the create carries active false.
    RFC 7643 section 4.1.1 (active, the user's administrative status).

    Given a Ping connection with the unique identifier userName
    And "hal" is disabled in Ping
    When Ping provisions "hal"
    Then Ping shows no provisioning errors
    And the target's user "hal" is inactive
