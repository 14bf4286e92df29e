@ipsie @oauth
Feature: JWT client authentication at the token endpoint (RFC 7523), as the IPSIE profile asks
  The IPSIE SCIM profile asks for the client credentials grant with the client authenticated by a JWT it
  signs (RFC 7523 section 2.2, private_key_jwt), and for nonces validated against replay. These scenarios
  are judged when the run's client signs assertions (--client-auth private-key-jwt, with --private-key and
  the target's token endpoint; the bundled server registers a key pair made up for the run); otherwise they
  are skipped as not judged in this run.

  @must @ipsie_al1_4_1_2
  Scenario: A client authenticated by a JWT assertion gets a token that opens the SCIM API
    Source: the IPSIE SCIM 2.0 Profile, draft-schreiber-ipsie-scim-profile-00, section 4.1 ("OAuth 2.0
    interactions MUST use the client_credentials grant type with JWT Client Authentication as defined in
    RFC 7523 section 2.2") [P2]; RFC 7523 sections 2.2 and 3 (iss and sub the client id, aud the token
    endpoint URL, exp).

    Given the run's client authenticates with a JWT signed by its private key
    When the client asks the token endpoint for a token with a fresh JWT assertion
    Then the token endpoint issues a bearer token
    And the target answers GET /Users?startIndex=1&count=1 with that token

  @must @ipsie_al1_4_1_2 @ipsie_al1_8_34
  Scenario: A JWT assertion sent a second time is refused
    Source: the IPSIE SCIM 2.0 Profile, draft-schreiber-ipsie-scim-profile-00, section 8 ("nonces SHALL be
    validated to prevent replay") [P2]; RFC 7523 section 3, item 7 (the server MAY keep the used jti values
    until the JWT's exp, so that it is not replayed; IPSIE makes it a SHALL) and section 3.2 (invalid_client).

    Given the run's client authenticates with a JWT signed by its private key
    When the client sends the same JWT assertion to the token endpoint twice
    Then the token endpoint granted the first and refused the second

  @must @ipsie_al1_4_1_2
  Scenario: A JWT assertion signed by a key the target never registered is refused
    Source: the IPSIE SCIM 2.0 Profile, draft-schreiber-ipsie-scim-profile-00, section 4.1 [P2]; RFC 7523
    section 3, item 9 ("The authorization server MUST reject JWTs with an invalid signature or MAC") and
    section 3.2 (invalid_client).

    Given the run's client authenticates with a JWT signed by its private key
    When the client sends a JWT assertion signed by a key the target never registered
    Then the token endpoint refuses the assertion

  @must @ipsie_al1_4_1_2 @ipsie_al1_8_34
  Scenario: An expired JWT assertion is refused
    Source: the IPSIE SCIM 2.0 Profile, draft-schreiber-ipsie-scim-profile-00, sections 4.1 and 8 [P2]; RFC 7523
    section 3, item 4 (the server MUST reject a JWT whose expiration time has passed, subject to clock skew)
    and section 3.2 (invalid_client).

    Given the run's client authenticates with a JWT signed by its private key
    When the client sends a JWT assertion that expired ten minutes ago
    Then the token endpoint refuses the assertion
