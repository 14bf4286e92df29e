@onelogin
Feature: OneLogin provisions users from the admin's JSON template
  OneLogin renders the admin's SCIM JSON Template for every create and update. Its documented Core and
  Enterprise schemas carry the SCIM 1.1 URNs, and the Enterprise one sends emails as a single object.
  Its requests carry an empty User-Agent and URLs with a dangling "&" or "?". The scenarios about the wire
  use a template with the SCIM 2.0 URN and emails as a list, as vendor guides give it for OneLogin's SCIM v2
  connectors, so that each judges only its own behaviour.

  @must
  Scenario: OneLogin's default Core template creates a user
    Source: OneLogin's "Define Your SCIM User Schema" [OL1]: the Core User Schema lists only
    "urn:scim:schemas:core:1.0" in schemas; OneLogin's sample servers take the rendered template as the
    create body [OL5]. A server that validates schemas strictly refuses every OneLogin write.

    Given a OneLogin app with the Core template connected to the target
    When OneLogin provisions "alice"
    Then OneLogin shows no provisioning errors
    And the target holds exactly one user with the userName of "alice"

  @must
  Scenario: A user whose emails arrive as one object is created with that email
    Source: OneLogin's "Define Your SCIM User Schema" [OL1]: the Enterprise User Schema sends
    "emails" as one object with value, type and primary; a production SCIM server reads it because
    "OneLogin sends a dict despite the spec" [OL8].

    Given a OneLogin app with the Enterprise template connected to the target
    When OneLogin provisions "alice"
    Then OneLogin shows no provisioning errors
    And a lookup of "alice" by userName finds its userName, first email and names as the IdP holds them

  @must @filter
  Scenario: OneLogin's lookup with a dangling ampersand finds a user the target already holds
    Source: a 2024 capture of OneLogin's SCIM v2 Enterprise connector [OL7]:
    GET /Users?filter=userName+eq+%22...%22& (a trailing "&"), before any create; OneLogin's samples
    match exactly userName eq "..." [OL5]; the v2 template as vendor guides give it [OL9].

    Given a OneLogin app with the v2 Core template connected to the target
    And a user with the userName of "bob" already exists in the target
    When OneLogin provisions "bob"
    Then OneLogin shows no provisioning errors
    And OneLogin sent no POST to "/Users"
    And the target holds exactly one user with the userName of "bob"

  @must @put
  Scenario: OneLogin's PUT with a dangling question mark updates the user
    Source: a 2024 capture of OneLogin's SCIM v2 Enterprise connector [OL7]: PUT /Users/{id}? with the
    whole rendered template; OneLogin's sample servers route no user PATCH [OL5]; the v2 template as vendor
    guides give it [OL9].

    Given a OneLogin app with the v2 Core template connected to the target
    And "carol" is provisioned by OneLogin
    When the OneLogin admin changes the family name of "carol" to "Field Operations"
    Then OneLogin shows no provisioning errors
    And the target's user "carol" has the family name "Field Operations"

  @must
  Scenario: Requests with an empty User-Agent are served
    Source: a 2024 capture of OneLogin's SCIM v2 Enterprise connector [OL7]: "User-Agent": [""] on
    every request. WAFs and routers that refuse an empty User-Agent block OneLogin. The v2 template as
    vendor guides give it [OL9].

    Given a OneLogin app with the v2 Core template connected to the target
    When OneLogin provisions "dan"
    Then every request of OneLogin carried an empty User-Agent, and the target served it
    And the target holds exactly one user with the userName of "dan"

  @must @deactivate_not_delete
  Scenario: OneLogin's Delete action deletes the user
    Source: OneLogin's "Test Your SCIM Implementation" [OL3]: when the user is deleted or loses app
    access, OneLogin performs the admin's action, Delete, Suspend or Do nothing; OneLogin's sample servers
    implement it as DELETE /Users/{id} [OL5]; the v2 template as vendor guides give it [OL9].

    Given a OneLogin app with the v2 Core template whose deprovisioning action is Delete
    And "erin" is provisioned by OneLogin
    When the OneLogin admin removes "erin" from the app
    Then OneLogin shows no provisioning errors
    And the target's user "erin" is gone

  @should @deactivate_not_delete
  Scenario: OneLogin's Suspend action deactivates the user and keeps it readable
    Source: OneLogin's "Test Your SCIM Implementation" [OL3]: Suspend is one of the admin's actions;
    its request is not in any capture: a PUT of the template with active false, as OneLogin's node sample
    reads active from the PUT body [OL5] (INF); the v2 template as vendor guides give it [OL9].

    Given a OneLogin app with the v2 Core template whose deprovisioning action is Suspend
    And "fay" is provisioned by OneLogin
    When the OneLogin admin removes "fay" from the app
    Then OneLogin shows no provisioning errors
    And the target's user "fay" is inactive

  @should
  Scenario: A misspelt attribute and a null id from a OneLogin template do not fail the create
    Source: vendor guides' templates for OneLogin's SCIM v2 connectors [OL9]: one carries the misspelt
    "prefferedLanguage", another (LOW) "id": null; OneLogin sends what the template holds (INF).
    RFC 7643 section 3.1: id is assigned by the service provider, and readOnly values in a request are
    ignored (section 2.2).

    Given a OneLogin app with the v2 Core with a misspelt attribute and a null id template connected to the target
    When OneLogin provisions "gil"
    Then OneLogin shows no provisioning errors
    And the target holds exactly one user with the userName of "gil"
