@ipsie
Feature: IPSIE SCIM 2.0 Profile, draft-schreiber-ipsie-scim-profile-00
  Requirements of the draft a service provider shows over HTTP that no other scenario judges yet. The
  draft's full table, by assurance level, is reports/profiles/draft-schreiber-ipsie-scim-profile-00.json;
  run it with --profile ipsie-al1, ipsie-al2 or ipsie-al3 (levels are cumulative; AL3 has no requirements yet).

  @must @ipsie_al2_6_2_2_22 @ipsie_al2_6_2_2_23
  Scenario: A group can be created with no members
    Source: the IPSIE SCIM 2.0 Profile, draft-schreiber-ipsie-scim-profile-00, section 6.2.2 (MUST) [P2]; RFC 7644 section 3.3.

    When the client sends POST /Groups with the body
      """
      {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "{prefix}Nobody Yet"}
      """
    Then the answer status is 201

  @must @ipsie_al2_6_2_4_26
  Scenario: A group is read by its id
    Source: the IPSIE SCIM 2.0 Profile, draft-schreiber-ipsie-scim-profile-00, section 6.2.4 (MUST) [P2]; RFC 7644 section 3.4.1.

    Given the target holds the users "member@example.com"
    And the target holds the group "Readers" with the members "member@example.com"
    When the client sends GET /Groups/{id:Readers}
    Then the answer status is 200
    And the answer's "displayName" is "{prefix}Readers"
