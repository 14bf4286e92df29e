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
    Source: Okta's SCIM 2.0 reference [O1]: lookup, POST with "members":[], then a PATCH adding members;
    the replace of id and displayName first, as scimgateway#112 captured it [I5]; member values
    without "type" (SCIM-SDK#419 [I2]).

    Given a group "Engineering" with the members "ann" and "ben"
    When the Okta admin pushes the group "Engineering"
    Then Okta shows no provisioning errors
    And the target holds exactly one group named "Engineering"
    And the target's group "Engineering" has exactly the members "ann" and "ben"

  @must
  Scenario: Members are added and removed by PATCH
    Source: Okta's SCIM 2.0 reference [O1]: remove by members[value eq "..."] and add by path members.

    Given a group "Sales" with the members "ann" and "ben"
    And the group "Sales" is pushed
    When the Okta admin adds "cat" to the pushed group "Sales"
    And the Okta admin removes "ann" from the pushed group "Sales"
    Then Okta shows no provisioning errors
    And the target's group "Sales" has exactly the members "ben" and "cat"

  @must
  Scenario: Push Now replaces the whole membership
    Source: Okta's SCIM 2.0 reference [O1] and scim-for-keycloak#144 [I3]:
    {"op":"replace","path":"members","value":[...]}.

    Given a group "Support" with the members "ann"
    And the group "Support" is pushed
    When the Okta admin adds "ben" to the pushed group "Support"
    And the Okta admin clicks Push Now on "Support"
    Then Okta shows no provisioning errors
    And the target's group "Support" has exactly the members "ann" and "ben"

  @must
  Scenario: Push Now of an empty group empties it in the target
    Source: SCIM-SDK#757 [I4]: Push Now on an empty group sends "value":[].

    Given a group "Interns" with the members "ann" and "cat"
    And the group "Interns" is pushed
    When the Okta admin empties "Interns" in Okta and clicks Push Now
    Then Okta shows no provisioning errors
    And the target's group "Interns" has no members

  @must
  Scenario: A rename is the replace of id and displayName
    Source: Okta's SCIM 2.0 reference [O1]; the "Rename groups" setting, okta-developer-docs PR 1023 [O13].

    Given a group "Ops" with the members "ben"
    And the group "Ops" is pushed
    When the Okta admin renames the pushed group "Ops" to "Platform Ops"
    Then Okta shows no provisioning errors
    And the target holds a group named "Platform Ops"
    And the target holds no group named "Ops"
    And the target's group "Platform Ops" has exactly the members "ben"

  @must @put
  Scenario Outline: The AIW flavour pushes the whole group with PUT
    Source: a 2022 capture of an Okta AIW app, SimpleIdServer#247 [I7]: POST with "members":[], at once a
    PUT of {schemas, id, displayName, members:[]}, later a PUT with the members, where that server
    failed by treating members as immutable; lightdash#15035 [I11] and ory/polis#3559 [I12]: a GET
    before each PUT; RFC 7644 section 3.5.1 (PUT replaces the members).

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

  @must
  Scenario: A Group Push whose create carries the members
    Source: Okta's 2018 SCIM guide captured a group POST with its members [F18], and Bitwarden's server
    (bitwarden/server PR 2139) reports Okta sending memberships in group POST and PUT [F19]; the
    current reference shows "members":[] [O1]. RFC 7644 section 3.3: the created resource holds what
    the POST carried. An OIN app sends no member PATCH after such a create, so members the target
    dropped stay missing (INF); an AIW app's PUT right after the create would repair them.

    Given an Okta OIN app whose group creates carry the members
    And "fay" is assigned to the app and provisioned
    And "gus" is assigned to the app and provisioned
    And a group "Research" with the members "fay" and "gus"
    When the Okta admin pushes the group "Research"
    Then Okta shows no provisioning errors
    And the target's group "Research" has exactly the members "fay" and "gus"
