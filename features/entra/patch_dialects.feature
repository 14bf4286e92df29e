@entra @patch
Feature: Entra's PATCH dialects
  Without aadOptscim062020 Entra capitalises ops and sends booleans as "True"/"False" strings (or,
  in some tenants, real booleans), and sends Add on a filtered path whose element does not exist
  yet. With the flag it sends lowercase ops, real booleans and one pathless replace with dotted
  keys. Its PATCH bodies put Operations before schemas.

  @must @entra_la_3
  Scenario Outline: Disabling in Entra deactivates the target user, in each form Entra sends (<form>)
    Source: the SCIM compliance page on Microsoft Learn [E2] and captures [J2][J4][F5][F15]:
    {"op":"Replace","path":"active","value":"False"}; Microsoft's tutorial [E1] and a gallery app's
    capture [F16]: {"op":"Replace","path":"active","value":false} (both occur: a server takes both); with
    the flag {"op":"replace","path":"active","value":false} [E2]; Operations before schemas [E1][F5][F6];
    Microsoft's SCIM Validation Logic App [ENTRA-LA], test 3.

    Given an Entra app connected to the target that disables with <form>
    And "vic" is assigned to the Entra app
    And Entra provisioning has started
    When the Entra admin disables "vic"
    And 40 minutes pass
    Then the Entra provisioning log shows no failures
    And the target's user "vic" is inactive

    Examples:
      | form                        |
      | Replace "False"             |
      | Replace false               |
      | replace false with the flag |

  @must
  Scenario: Add on a filtered path whose element does not exist yet creates it
    Source: Microsoft Learn, the SCIM endpoint tutorial [E1]; captures [J5][J8][F10]:
    {"op":"Add","path":"emails[type eq \"work\"].value","value":"x@y"}. The address is unique to the run.

    Given an Entra app connected to the target
    And "walt" is assigned to the Entra app
    And "walt" has no email in Entra
    And Entra provisioning has started
    When the Entra admin changes the email of "walt" to "walt.new@example.com"
    And 40 minutes pass
    Then the Entra provisioning log shows no failures
    And the target's user "walt" has the email "walt.new@example.com"

  @must
  Scenario: A department changed in Entra is read back from the enterprise extension
    Source: Microsoft Learn, the SCIM endpoint tutorial [E1]: Entra maps department to
    urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department and PATCHes it there at the next
    cycle; RFC 7643 section 4.3 puts department in that extension, not at the top level.

    Given an Entra app connected to the target
    And "dev" is assigned to the Entra app
    And Entra provisioning has started
    When the Entra admin changes the department of "dev" to "Field Operations"
    And 40 minutes pass
    Then the Entra provisioning log shows no failures
    And the target's user "dev" has the department "Field Operations"

  @must @entra_la_6
  Scenario: Restoring a deleted user sets it active with the string "True"
    Source: Microsoft Learn, the SCIM endpoint tutorial [E1] (restore with active=true); the string form
    without the flag is INF from the SCIM compliance page [E2]; Microsoft's SCIM Validation Logic App
    [ENTRA-LA], test 6 (soft delete, then restore).

    Given an Entra app connected to the target
    And "xena" is assigned to the Entra app
    And Entra provisioning has started
    When the Entra admin deletes "xena"
    And 40 minutes pass
    And the Entra admin restores "xena"
    And 40 minutes pass
    Then the Entra provisioning log shows no failures
    And the target's user "xena" is active

  @must @entra_la_2
  Scenario Outline: Enterprise attributes reach the extension (<flag> the flag)
    Source: Microsoft Learn, the SCIM endpoint tutorial [E1]: department and employeeId go to
    urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department and :employeeNumber, one
    operation per attribute without the flag; the SCIM compliance page [E2]: with the flag, URN keys in the
    pathless replace (costCenter, organization and division are mappings an admin adds, INF); RFC 7643
    section 4.3; Microsoft's SCIM Validation Logic App [ENTRA-LA], test 2 (department).

    Given an Entra app connected to the target <flag> the aadOptscim062020 flag
    And "lia" is assigned to the Entra app
    And Entra provisioning has started
    When the Entra admin changes the enterprise attributes of "lia"
    And 40 minutes pass
    Then the Entra provisioning log shows no failures
    And the target's user "lia" holds its enterprise attributes in the extension

    Examples:
      | flag    |
      | without |
      | with    |

  @must
  Scenario Outline: A userPrincipalName change renames the user (<flag> the flag)
    Source: Microsoft Learn, the SCIM endpoint tutorial [E1]: userName is mapped from userPrincipalName and
    changed by PATCH (Replace userName), or a dotted key of the pathless replace with the flag [E2]; the
    externalId (mailNickname) changes with it.

    Given an Entra app connected to the target <flag> the aadOptscim062020 flag
    And "max" is assigned to the Entra app
    And Entra provisioning has started
    When the Entra admin changes the userPrincipalName of "max"
    And 40 minutes pass
    Then the Entra provisioning log shows no failures
    And the target holds "max" under its new userName only

    Examples:
      | flag    |
      | without |
      | with    |
