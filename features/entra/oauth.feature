@entra @oauth
Feature: OAuth 2.0 client credentials, as Microsoft's validation and Entra use them
  Microsoft's gallery checklist accepts only OAuth 2.0 client credentials for new SCIM apps, with access
  tokens valid 1 to 6 hours. Its SCIM Validation Logic App asks the token endpoint for a token with the
  client secret in the form body; Entra's provisioning engine sends it in a Basic header by default. These
  scenarios need the target's token endpoint and a client (--oauth-token-url, --client-id,
  --client-secret); without them they are blocked, not failed.

  @must @oauth_token_endpoint @entra_la_21
  Scenario: Microsoft's credential validation gets a token in the form body and reads users with it
    Source: Microsoft's SCIM Validation Logic App, Validate_Credentials_Test (POST grant_type=client_credentials
    with client_id and client_secret in the form body; 2xx with an access_token; div(expires_in, 60) between
    60 and 360, 3600 s when absent; then GET /Users?startIndex=1&count=1 with the token answered 2xx);
    Microsoft's gallery checklist, items 2.2.1 and 2.2.6 [F23]; RFC 6749 section 4.4.

    When Microsoft's validation asks the token endpoint for a token with the client secret in the form body
    Then the token endpoint issues a bearer token
    And the token lives between 60 and 360 minutes
    And the target answers GET /Users?startIndex=1&count=1 with that token

  @must @oauth_token_endpoint
  Scenario: The token endpoint also takes the client secret in a Basic header
    Source: RFC 6749 section 2.3.1 (the authorization server MUST support HTTP Basic for clients with a
    password); Entra's provisioning engine sends the client credentials in a Basic header by default (a
    reading of Microsoft's engine by a SCIM server project) (LOW).

    When the IdP asks the token endpoint for a token with the client secret in a Basic header
    Then the token endpoint issues a bearer token
    And the target answers GET /Users?startIndex=1&count=1 with that token

  @must @oauth_token_endpoint
  Scenario: A wrong client secret is refused, and Entra's Test Connection says the credentials are invalid
    Source: RFC 6749 section 5.2 (invalid_client: client authentication failed); Microsoft Learn, the
    quarantine page [E4] ("Invalid credentials: ... the credentials provided are invalid"); Entra's Test
    Connection reports a failed token request as a credential validation failure (a SCIM server project's
    record of Entra's answers) (LOW).

    Given an Entra app whose OAuth client secret the token endpoint does not accept
    When the Entra admin tests the connection
    Then the Entra connection test says the credentials are invalid

  @should @oauth_invalid_token
  Scenario: A token the token endpoint never issued is answered 401 with error invalid_token
    Source: RFC 6750 section 3.1 (invalid_token: the access token is expired, revoked, malformed or invalid;
    401; the client MAY request a new token and retry); Microsoft's gallery checklist, test scenario 3
    ("Expired token returns HTTP 401") [F23].

    When the client sends GET /Users with a bearer token the token endpoint never issued
    Then the target answers 401 with a Bearer challenge saying invalid_token

  @must @oauth_renewal @bundled_only
  Scenario: A token that expires between Entra cycles is renewed and provisioning goes on
    Source: Microsoft Learn, the SCIM endpoint tutorial [E1] ("the service checks if the current access token
    is valid and exchanges it for a new token if needed"; written for the code grant, here applied to client
    credentials (INF)); RFC 6750 section 3.1 (a 401 invalid_token lets the client fetch a new token and retry).

    Given an Entra app connected to the target with OAuth client credentials
    And "nora" is assigned to the Entra app
    When Entra provisioning starts
    And 2 hours pass on the server's clock
    And the Entra admin assigns "omar" to the app
    And 40 minutes pass
    Then Entra is not in quarantine
    And the Entra provisioning log shows no failures
    And the Entra app fetched a new token when the first one expired
