@entra @matching
Feature: Entra's matching attribute
  Entra looks a user up by its matching attribute before it creates it. The default is userName;
  an admin may match on externalId, which Entra then fills with the user's object id.

  @must
  Scenario: A user the target holds with Entra's object id as externalId is matched, not created again
    Source: a public issue with Entra's lookup externalId eq "<object guid>" [F7]; externalId added as a
    matching attribute [F8]; captures of the quoted form [F9][F1] (the tutorial shows it unquoted [E1]);
    Microsoft Graph's matchingPriority [E13]; RFC 7643 section 3.1 (externalId is case-exact).

    Given an Entra app matching users on externalId
    And a user with the object id of "uri" as its externalId already exists in the target
    And "uri" is assigned to the Entra app
    When Entra provisioning starts
    Then the Entra provisioning log shows no failures
    And Entra linked "uri" to the user the target already held
    And the target's user "uri" holds the attributes Entra sent
