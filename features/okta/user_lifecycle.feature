@okta @user_lifecycle
Feature: Okta provisions, updates, deactivates and reactivates users
  Okta is event-driven: each admin action becomes one provisioning task. It never deletes a user.

  @must
  Scenario Outline: Assignment looks the user up, then creates it (<flavour> app)
    Source: idp-behaviour.md 1.3 [O1]: lookup by the unique attribute with startIndex=1&count=100,
    a 200 with an empty list (or a 404) means no match, then POST /Users answered 201 with the user.

    Given an Okta <flavour> app connected to the target
    And a person "alice" in the Okta directory
    When the Okta admin assigns "alice" to the app
    Then Okta shows no provisioning errors
    And Okta looked up "alice" by userName with startIndex=1 and count=100 before anything else
    And the target holds exactly one user with the userName of "alice"
    And the target's user "alice" is active

    Examples:
      | flavour |
      | OIN     |
      | AIW     |

  @must
  Scenario: A user the target already holds is linked, not duplicated
    Source: idp-behaviour.md 1.3 [O1][O4][I8][I14]: a match in the lookup is linked and its profile
    pushed with GET then PUT.

    Given an Okta OIN app connected to the target
    And a user with the userName of "bob" already exists in the target
    When the Okta admin assigns "bob" to the app
    Then Okta shows no provisioning errors
    And Okta sent no POST to "/Users"
    And the target holds exactly one user with the userName of "bob"

  @must @filter
  Scenario: The lookup finds a user whose userName differs only in case
    Source: RFC 7643 section 4.1.1 (userName is caseExact false, so "eq" ignores case) and
    idp-behaviour.md 1.3 [O1]: a lookup that misses makes Okta create a second account.

    Given an Okta OIN app connected to the target
    And a user whose userName is that of "bob" in upper case already exists in the target
    When the Okta admin assigns "bob" to the app
    Then Okta shows no provisioning errors
    And Okta sent no POST to "/Users"

  @must
  Scenario: A second create of the same user is refused with 409, which stops Okta's job
    Source: idp-behaviour.md 1.3 [O1]: "return 409 with an Error body ... This stops the job";
    RFC 7644 section 3.3 (409, scimType uniqueness).

    Given an Okta OIN app connected to the target
    And "carol" is assigned to the app and provisioned
    When Okta sends the create of "carol" again, as it does when its lookup missed
    Then Okta shows a failed task for "carol" mentioning "Conflict"
    And the Okta provisioning job is stopped
    And the target holds exactly one user with the userName of "carol"

  @must
  Scenario Outline: A profile change is pushed as GET then PUT of the whole user (<flavour> app)
    Source: idp-behaviour.md 1.4 [O1][I8]: the PUT body is the server's GET answer with the
    changes merged in, and the server answers 200 with the updated user.

    Given an Okta <flavour> app connected to the target
    And "dana" is assigned to the app and provisioned
    When the Okta admin changes the family name of "dana" to "Ó Súilleabháin-Łukasiewicz"
    Then Okta shows no provisioning errors
    And Okta updated "dana" with a GET then a PUT of the whole user
    And the target's user "dana" has the family name "Ó Súilleabháin-Łukasiewicz"

    Examples:
      | flavour |
      | OIN     |
      | AIW     |

  @must @deactivate_not_delete
  Scenario Outline: Unassignment deactivates and never deletes (<flavour> app)
    Source: idp-behaviour.md 1.5 [O1][O2][O3]: OIN PATCHes active false, AIW PUTs active false;
    Okta never sends DELETE, and the user must stay readable with active false.

    Given an Okta <flavour> app connected to the target
    And "erin" is assigned to the app and provisioned
    When the Okta admin unassigns "erin" from the app
    Then Okta shows no provisioning errors
    And Okta sent no DELETE
    And the target's user "erin" can still be read
    And the target's user "erin" is inactive

    Examples:
      | flavour |
      | OIN     |
      | AIW     |

  @must @deactivate_not_delete
  Scenario Outline: Suspending or deactivating the Okta user deactivates it in the target
    Source: idp-behaviour.md 1.5 [O1][O4]: suspension and deactivation trigger the same deactivation.

    Given an Okta OIN app connected to the target
    And "frank" is assigned to the app and provisioned
    When the Okta admin <action> the Okta user "frank"
    Then Okta shows no provisioning errors
    And Okta sent no DELETE
    And the target's user "frank" is inactive

    Examples:
      | action      |
      | suspends    |
      | deactivates |

  @must
  Scenario Outline: Reactivation sets the user active again (<flavour> app)
    Source: idp-behaviour.md 1.6 [O3][O4]; the OIN PATCH body mirrors 1.5 (INF).

    Given an Okta <flavour> app connected to the target
    And "gina" is assigned to the app and provisioned
    When the Okta admin unassigns "gina" from the app
    And the Okta admin reactivates "gina"
    Then Okta shows no provisioning errors
    And the target's user "gina" is active

    Examples:
      | flavour |
      | OIN     |
      | AIW     |

  @should
  Scenario: A password sync is accepted
    Source: idp-behaviour.md 1.7 [O1]; the PATCH body is INF.

    Given an Okta OIN app connected to the target
    And "hugo" is assigned to the app and provisioned
    When the Okta admin resets the password of "hugo"
    Then Okta shows no provisioning errors
