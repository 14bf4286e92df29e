@okta @push_groups
Feature: Okta Group Push
  Okta pushes a group by looking it up by displayName, creating it without members, then sending
  its membership. OIN apps use PATCH; AIW apps GET then PUT the whole group.

  Background:
    Given an Okta app connected to the target
    And "ann" is assigned to the app and provisioned
    And "ben" is assigned to the app and provisioned
    And "cat" is assigned to the app and provisioned

  @must
  Scenario: A pushed group is created with its provisioned members
    Source: idp-behaviour.md 1.8 [O1][I5][I2]: lookup, POST with "members":[], the replace of id and
    displayName, then a PATCH adding members (values without "type").

    Given a group "Engineering" with the members "ann" and "ben"
    When the Okta admin pushes the group "Engineering"
    Then Okta shows no provisioning errors
    And the target holds exactly one group named "Engineering"
    And the target's group "Engineering" has exactly the members "ann" and "ben"

  @must
  Scenario: Members are added and removed by PATCH
    Source: idp-behaviour.md 1.8 [O1]: remove by members[value eq "..."] and add by path members.

    Given a group "Sales" with the members "ann" and "ben"
    And the group "Sales" is pushed
    When the Okta admin adds "cat" to the pushed group "Sales"
    And the Okta admin removes "ann" from the pushed group "Sales"
    Then Okta shows no provisioning errors
    And the target's group "Sales" has exactly the members "ben" and "cat"

  @must
  Scenario: Push Now replaces the whole membership
    Source: idp-behaviour.md 1.8 [O1][I3]: {"op":"replace","path":"members","value":[...]}.

    Given a group "Support" with the members "ann"
    And the group "Support" is pushed
    When the Okta admin adds "ben" to the pushed group "Support"
    And the Okta admin clicks Push Now on "Support"
    Then Okta shows no provisioning errors
    And the target's group "Support" has exactly the members "ann" and "ben"

  @must
  Scenario: Push Now of an empty group empties it in the target
    Source: idp-behaviour.md 1.8 [I4]: Push Now on an empty group sends "value":[].

    Given a group "Interns" with the members "ann" and "cat"
    And the group "Interns" is pushed
    When the Okta admin empties "Interns" in Okta and clicks Push Now
    Then Okta shows no provisioning errors
    And the target's group "Interns" has no members

  @must
  Scenario: A rename is the replace of id and displayName
    Source: idp-behaviour.md 1.8 [O1][O13].

    Given a group "Ops" with the members "ben"
    And the group "Ops" is pushed
    When the Okta admin renames the pushed group "Ops" to "Platform Ops"
    Then Okta shows no provisioning errors
    And the target holds a group named "Platform Ops"
    And the target holds no group named "Ops"
    And the target's group "Platform Ops" has exactly the members "ben"

  @must
  Scenario Outline: The AIW flavour pushes the whole group with PUT
    Source: idp-behaviour.md 1.8 [I7][I11][I12][I14 LOW]: lookup, POST, GET, then PUT with all members.

    Given an Okta AIW app connected to the target
    And "dan" is assigned to the app and provisioned
    And "eve" is assigned to the app and provisioned
    And a group "<group>" with the members "dan" and "eve"
    When the Okta admin pushes the group "<group>"
    And the Okta admin removes "dan" from the pushed group "<group>"
    Then Okta shows no provisioning errors
    And the target's group "<group>" has exactly the members "eve"

    Examples:
      | group   |
      | Finance |
