@okta @user_lifecycle
Feature: Okta provisions, updates, deactivates and reactivates users
  Okta is event-driven: each admin action becomes one provisioning task. It never deletes a user.

  @must @oin_crud_3 @oin_crud_4
  Scenario Outline: Assignment looks the user up, then creates it (<flavour> app)
    Source: Okta's SCIM 2.0 reference [O1]: the lookup by the unique attribute with startIndex=1&count=100,
    a 200 with an empty list (or a 404) means no match, then POST /Users answered 201 with the user;
    Okta's CRUD test, steps 3 and 4 (the lookup's userName, emails[0].value and names equal Okta's);
    RFC 7643 section 4.1 (a password is returned "never").

    Given an Okta <flavour> app connected to the target
    And a person "alice" in the Okta directory
    When the Okta admin assigns "alice" to the app
    Then Okta shows no provisioning errors
    And Okta looked up "alice" by userName with startIndex=1 and count=100 before anything else
    And the target holds exactly one user with the userName of "alice"
    And a lookup of "alice" by userName finds its userName, first email and names as the IdP holds them
    And the target's user "alice" is active
    And the target never returned a password

    Examples:
      | flavour |
      | OIN     |
      | AIW     |

  @must
  Scenario: A user the target already holds is linked, not duplicated
    Source: Okta's SCIM 2.0 reference [O1] and Okta's provisioning guide [O4]: a match in the lookup is
    linked and its profile pushed with GET then PUT; the Firezone SCIM prototype's capture [I8].

    Given an Okta OIN app connected to the target
    And a user with the userName of "bob" already exists in the target
    When the Okta admin assigns "bob" to the app
    Then Okta shows no provisioning errors
    And Okta sent no POST to "/Users"
    And the target holds exactly one user with the userName of "bob"

  @must @filter
  Scenario: The lookup finds a user whose userName differs only in case
    Source: RFC 7643 section 4.1.1 (userName is caseExact false, so "eq" ignores case) and Okta's SCIM
    2.0 reference [O1]: a lookup that misses makes Okta create a second account.

    Given an Okta OIN app connected to the target
    And a user whose userName is that of "bob" in upper case already exists in the target
    When the Okta admin assigns "bob" to the app
    Then Okta shows no provisioning errors
    And Okta sent no POST to "/Users"

  @must @filter
  Scenario Outline: Okta's lookup is understood with spaces encoded as "<space>"
    Source: Okta's SCIM 2.0 reference shows the filter with %20 [O1]; Okta's 2018 SCIM guide captures it
    with + (filter=userName+eq+%22...%22) [F18]. In a query string both mean a space (the HTML form
    encoding that servers' query parsers apply), so the lookup must find the user either way, or Okta
    creates a second account.

    Given an Okta OIN app whose lookups encode spaces as "<space>"
    And a user with the userName of "bob" already exists in the target
    When the Okta admin assigns "bob" to the app
    Then Okta's lookup of "bob" encoded the spaces of its filter as "<space>"
    And Okta shows no provisioning errors
    And Okta sent no POST to "/Users"
    And the target holds exactly one user with the userName of "bob"

    Examples:
      | space |
      | %20   |
      | +     |

  @must
  Scenario: A second create of the same user is refused with 409, which stops Okta's job
    Source: Okta's SCIM 2.0 reference [O1]: "the Service Provider needs to respond with an error schema
    to stop the provisioning job" (409); RFC 7644 section 3.3 (409, scimType uniqueness).

    Given an Okta OIN app connected to the target
    And "carol" is assigned to the app and provisioned
    When Okta sends the create of "carol" again, as it does when its lookup missed
    Then Okta shows a failed task for "carol" mentioning "Conflict"
    And the Okta provisioning job is stopped
    And the target holds exactly one user with the userName of "carol"

  @must @oin_crud_5 @oin_crud_6
  Scenario Outline: A profile change is pushed as GET then PUT of the whole user (<flavour> app)
    Source: Okta's SCIM 2.0 reference [O1] and the Firezone SCIM prototype's capture [I8]: the PUT body is
    the server's GET answer with the changes merged in, and the server answers 200 with the updated
    user; Okta's CRUD test, steps 5 and 6 (the first name changed in Okta reaches the target).

    Given an Okta <flavour> app connected to the target
    And "dana" is assigned to the app and provisioned
    When the Okta admin changes the given name of "dana" to "Zoë"
    And the Okta admin changes the family name of "dana" to "Ó Súilleabháin-Łukasiewicz"
    Then Okta shows no provisioning errors
    And Okta updated "dana" with a GET then a PUT of the whole user
    And the target's user "dana" has the given name "Zoë"
    And the target's user "dana" has the family name "Ó Súilleabháin-Łukasiewicz"

    Examples:
      | flavour |
      | OIN     |
      | AIW     |

  @must
  Scenario Outline: An email change is pushed as GET then PUT (<flavour> app)
    Source: Okta's SCIM 2.0 reference [O1]: profile changes are GET + PUT; the primary email is sent as
    emails[0] with type work.

    Given an Okta <flavour> app connected to the target
    And "dora" is assigned to the app and provisioned
    When the Okta admin changes the email of "dora" to "dora.new@example.com"
    Then Okta shows no provisioning errors
    And a lookup of "dora" by userName finds its userName, first email and names as the IdP holds them

    Examples:
      | flavour |
      | OIN     |
      | AIW     |

  @must
  Scenario Outline: A renamed Okta username reaches the target as the same user (<flavour> app)
    Source: Okta's SCIM 2.0 reference [O1]: profile changes, userName among them, are GET + PUT of the
    whole user; the user keeps its id. A target that keeps the old userName, or makes a second user,
    leaves Okta's next lookup of the new name empty, and Okta then creates a duplicate.

    Given an Okta <flavour> app connected to the target
    And "remy" is assigned to the app and provisioned
    When the Okta admin changes the Okta username of "remy"
    Then Okta shows no provisioning errors
    And the target holds "remy" under its new userName only

    Examples:
      | flavour |
      | OIN     |
      | AIW     |

  @must
  Scenario Outline: Mapped enterprise attributes reach the extension, on create and on change (<flavour> app)
    Source: a 2026 lab write-up of Okta's traffic [I14] (LOW): with the enterprise attributes mapped in
    the Profile Editor, Okta sends them under the urn:ietf:params:scim:schemas:extension:enterprise:2.0:User
    key; RFC 7643 section 4.3 (department, employeeNumber, costCenter, organization, division).

    Given an Okta <flavour> app with the enterprise attributes mapped
    And "ella" is assigned to the app and provisioned
    Then the target's user "ella" holds its enterprise attributes in the extension
    And the target never returned a password
    When the Okta admin changes the cost center of "ella" to "CC-4711"
    And the Okta admin changes the division of "ella" to "Research"
    Then Okta shows no provisioning errors
    And the target's user "ella" holds its enterprise attributes in the extension

    Examples:
      | flavour |
      | OIN     |
      | AIW     |

  @must @attributes
  Scenario: A department Okta pushes is read back from the enterprise extension
    Source: a 2026 lab write-up of Okta's traffic [I14] (LOW): with the enterprise attributes mapped,
    Okta sends department under the urn:ietf:params:scim:schemas:extension:enterprise:2.0:User key in
    its GET + PUT [O1]; RFC 7643 section 4.3 puts department in that extension, not at the top level.

    Given an Okta OIN app with the enterprise attributes mapped
    And "ines" is assigned to the app and provisioned
    When the Okta admin changes the department of "ines" to "Field Operations"
    Then Okta shows no provisioning errors
    And the target's user "ines" has the department "Field Operations"

  @must @deactivate_not_delete @oin_crud_12 @oin_crud_13
  Scenario Outline: Unassignment deactivates and never deletes (<flavour> app)
    Source: Okta's SCIM 2.0 reference [O1], Okta's SCIM FAQ [O2] and "Understanding SCIM" [O3]: OIN
    PATCHes active false, AIW PUTs active false; Okta never sends DELETE, and the user must stay
    readable (200) with active false (Okta's CRUD test, steps 12 and 13).

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

  @must @deactivate_not_delete @oin_crud_7 @oin_crud_8
  Scenario Outline: Suspending or deactivating the Okta user deactivates it in the target
    Source: Okta's SCIM 2.0 reference [O1] and Okta's provisioning guide [O4]: suspension and
    deactivation trigger the same deactivation (Okta's CRUD test, steps 7 and 8). The deactivated user
    must still answer Okta's lookup, which precedes every later assignment [O1].

    Given an Okta OIN app connected to the target
    And "frank" is assigned to the app and provisioned
    When the Okta admin <action> the Okta user "frank"
    Then Okta shows no provisioning errors
    And Okta sent no DELETE
    And the target's user "frank" is inactive
    And a lookup of "frank" by userName still finds it, inactive

    Examples:
      | action      |
      | suspends    |
      | deactivates |

  @must @oin_crud_9 @oin_crud_11
  Scenario Outline: Reactivation sets the user active again (<flavour> app)
    Source: Okta's "Understanding SCIM" [O3] and Okta's provisioning guide [O4]; the OIN PATCH body
    mirrors the deactivation of Okta's SCIM 2.0 reference [O1] (INF). Okta's CRUD test, steps 9 and 11.

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

  @must @oin_crud_10 @oin_crud_11
  Scenario Outline: An unassigned user is still found by the lookup, and reassigning it links it again (<flavour> app)
    Source: Okta's SCIM 2.0 reference [O1]: every assignment starts with the lookup by userName, and a
    match is linked and sent the profile instead of created; Okta's "Understanding SCIM" [O3] and
    provisioning guide [O4]: reassignment sets the user active again (the activation as in the
    reactivation, INF). A lookup that hides inactive users makes Okta create a duplicate, which the
    409 turns into a stopped job. Okta's CRUD test, steps 10 and 11.

    Given an Okta <flavour> app connected to the target
    And "rita" is assigned to the app and provisioned
    When the Okta admin unassigns "rita" from the app
    Then a lookup of "rita" by userName still finds it, inactive
    When the Okta admin assigns "rita" to the app again
    Then Okta shows no provisioning errors
    And Okta linked "rita" again to the user it had created, without a POST
    And the target holds exactly one user with the userName of "rita", and it is active

    Examples:
      | flavour |
      | OIN     |
      | AIW     |

  @should
  Scenario: A password sync is accepted
    Source: Okta's SCIM 2.0 reference [O1] (password sync is a PATCH for OIN apps); the PATCH body is INF.

    Given an Okta OIN app connected to the target
    And "hugo" is assigned to the app and provisioned
    When the Okta admin resets the password of "hugo"
    Then Okta shows no provisioning errors
    And the target never returned a password
