"""The suite fails targets that would break under Okta or Entra, in the scenarios about that behaviour.

Each target is the reference server with one behaviour switched off (tests/broken_targets.py),
over real HTTP; the whole suite runs against it through --scim-url, as a vendor would run it.
"""

from __future__ import annotations

import pytest

from reference_server import ServerConfig
from scimulator.server import start_in_background
from tests.broken_targets import BREAKERS
from tests.suite_runner import run_suite

TOKEN = "broken-target-token"

MUST_FAIL = {
    "booleans_as_strings": [
        "test_the_twelve_steps_of_oktas_spec_test",
    ],
    "deletes_on_deactivation": [
        "test_unassignment_deactivates_and_never_deletes_flavour_app[OIN]",
        "test_unassignment_deactivates_and_never_deletes_flavour_app[AIW]",
        "test_suspending_or_deactivating_the_okta_user_deactivates_it_in_the_target[suspends]",
        "test_unassignment_disables_and_never_deletes_flag_the_flag[without]",
        "test_unassignment_disables_and_never_deletes_flag_the_flag[with]",
        "test_a_soft_delete_disables_at_once_and_deletes_after_30_days",
    ],
    "case_sensitive_user_name_filter": [
        "test_the_lookup_finds_a_user_whose_username_differs_only_in_case",
        "test_username_eq_ignores_case",
        "test_the_twelve_steps_of_oktas_spec_test",
    ],
    "ignores_paging": [
        "test_startindex_and_count_select_a_page_and_totalresults_counts_them_all",
        "test_pages_are_stable_and_together_hold_every_user_once",
    ],
    "duplicates_on_second_post": [
        "test_a_second_create_of_the_same_user_is_refused_with_409_which_stops_oktas_job",
        "test_a_second_user_with_the_same_username_is_a_409_uniqueness",
        "test_a_create_the_target_refuses_with_409_is_escrowed_and_retried_after_6_12_and_24_hours",
    ],
    "not_found_for_empty_lists": [
        "test_test_connection_gets_an_empty_list_for_a_user_that_does_not_exist",
        "test_a_filter_that_matches_nothing_is_answered_with_an_empty_list_not_404_so_the_job_is_not_quarantined",
        "test_a_filter_that_matches_nothing_is_an_empty_list_not_a_404",
    ],
    "empties_group_on_entra_removal": [
        "test_removing_one_member_removes_only_that_member_flag_the_flag[without]",
    ],
}

# Scenarios a broken target does not touch: they must still pass, so that a failure means something.
MUST_PASS = {
    "empties_group_on_entra_removal": ["test_removing_one_member_removes_only_that_member_flag_the_flag[with]",
                                       "test_members_are_added_and_removed_by_patch"],
    "ignores_paging": ["test_assignment_looks_the_user_up_then_creates_it_flavour_app[OIN]"],
    "case_sensitive_user_name_filter": ["test_a_user_the_target_already_holds_is_linked_not_duplicated"],
}


@pytest.mark.parametrize("breaker", sorted(BREAKERS))
def test_a_broken_target_fails_the_scenarios_about_its_behaviour(breaker, tmp_path):
    running = start_in_background(ServerConfig(db_path=str(tmp_path / "broken.db"), tokens=[TOKEN]),
                                  wrap=BREAKERS[breaker])
    try:
        outcomes = run_suite(running.base_url, TOKEN, tmp_path)
    finally:
        running.stop()
    for name in MUST_FAIL[breaker]:
        assert outcomes.get(name) == "failed", f"{breaker}: {name} should fail, it {outcomes.get(name, 'did not run')}"
    for name in MUST_PASS.get(breaker, []):
        assert outcomes.get(name) == "passed", f"{breaker}: {name} should pass, it {outcomes.get(name, 'did not run')}"
