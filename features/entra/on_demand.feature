@entra @on_demand
Feature: Entra's provision on demand
  Provision on demand sends, at once, the same GUID probe as Test Connection, the lookup by the
  matching attribute, then a create or a PATCH. The aadOptscim062020 flag does not apply to it:
  even an app with the flag sends the flagless dialect (capitalised ops, string booleans).

  @must @entra_la_7
  Scenario: A user provisioned on demand is created at once, on an app with the flag
    Source: an nginx log of a provision on demand [F3] and a capture of the probe [J1]: the GUID probe, the
    lookup, then POST /Users within a second; the SCIM compliance page on Microsoft Learn [E2] (the flag is
    not applied to on-demand provisioning); Microsoft's SCIM Validation Logic App [ENTRA-LA], test 7.

    Given an Entra app connected to the target with the aadOptscim062020 flag
    And "pat" is assigned to the Entra app
    When the Entra admin provisions "pat" on demand
    Then Entra's on-demand provisioning of "pat" succeeded
    And the target holds exactly one user with the userName of "pat", and it is active
    And the target's user "pat" holds the attributes Entra sent

  @must @entra_la_7
  Scenario: A user the target already holds is PATCHed on demand in the flagless dialect, on an app with the flag
    Source: an nginx log of a provision on demand [F3] (lookup, then create or PATCH); the SCIM compliance
    page on Microsoft Learn [E2]: on demand, an app with the flag still gets capitalised ops, one per
    attribute; Microsoft's SCIM Validation Logic App [ENTRA-LA], test 7.

    Given an Entra app connected to the target with the aadOptscim062020 flag
    And a user with the userName of "quin" already exists in the target
    And "quin" is assigned to the Entra app
    When the Entra admin provisions "quin" on demand
    Then Entra's on-demand provisioning of "quin" succeeded
    And the target holds exactly one user with the userName of "quin", and it is active
    And the target's user "quin" holds the attributes Entra sent

  @must @entra_la_13
  Scenario: A group provisioned on demand is created with its members, on an app with the flag
    Source: Microsoft's SCIM Validation Logic App [ENTRA-LA], test 13 (the group found on the endpoint
    without waiting for a cycle); the flagless dialect on demand [E2] (INF for groups); group lookup, create
    and member Add as in the SCIM endpoint tutorial [E1].

    Given an Entra app connected to the target with the aadOptscim062020 flag
    And the group "Pilots" with the members "rex" and "ros" is assigned to the Entra app
    When the Entra admin provisions the group "Pilots" on demand
    Then Entra's on-demand provisioning of the group "Pilots" succeeded
    And the target holds exactly one group named "Pilots"
    And the target's group "Pilots" has exactly the members "rex" and "ros"
