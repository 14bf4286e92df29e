@entra @manager
Feature: Entra's manager reference
  Entra reads the user, then sends the manager with Add. The documentation shows `path: manager`
  with a $ref list; tenants in the field send the enterprise-URN path with a plain id string,
  capitalised or not. A removed manager is cleared with an empty value.

  @must @entra_la_5
  Scenario Outline: A manager is set, changed and removed (<shape> shape, <flag> the flag)
    Source: Microsoft Learn, the SCIM endpoint tutorial [E1]: {"op":"Add","path":"manager","value":
    [{"$ref":"…/Users/<id>","value":"<id>"}]}; captures [F5][F11]:
    {"op":"Add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":"<id>"},
    also lowercase add; Microsoft's SCIM Validation Logic App [ENTRA-LA], tests 5 and 25 (set, change, and
    remove with Replace and an empty value; that the engine clears it the same way is INF); a manager that
    does not round-trip is PATCHed again every cycle [F9].

    Given an Entra app connected to the target <flag> the aadOptscim062020 flag, sending the manager in the <shape> shape
    And "ivy" is assigned to the Entra app
    And "jon" is assigned to the Entra app
    And "kat" is assigned to the Entra app
    And Entra provisioning has started
    When the Entra admin makes "jon" the manager of "ivy"
    And 40 minutes pass
    Then the target's user "ivy" has the manager "jon"
    When the Entra admin makes "kat" the manager of "ivy"
    And 40 minutes pass
    Then the target's user "ivy" has the manager "kat"
    When the Entra admin removes the manager of "ivy"
    And 40 minutes pass
    Then the Entra provisioning log shows no failures
    And the target's user "ivy" has no manager

    Examples:
      | flag    | shape      |
      | without | documented |
      | without | field      |
      | with    | field      |

  @should
  Scenario: A manager removed through a value filter on its id is gone
    Source: a field report of Azure AD removing a manager with {"op":"remove","path":"manager[value eq
    \"<id>\"]"} [F24], a value filter on a single-valued attribute that RFC 7644 section 3.5.2.2 does not
    define; one report only (LOW), so the scenario weighs @should.

    Given an Entra app connected to the target that removes a manager through a value filter
    And "lea" is assigned to the Entra app
    And "max" is assigned to the Entra app
    And Entra provisioning has started
    When the Entra admin makes "max" the manager of "lea"
    And 40 minutes pass
    And the Entra admin removes the manager of "lea"
    And 40 minutes pass
    Then the Entra provisioning log shows no failures
    And the target's user "lea" has no manager
