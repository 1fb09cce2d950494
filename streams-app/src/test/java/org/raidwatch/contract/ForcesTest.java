package org.raidwatch.contract;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ForcesTest {

    @Test
    void there_are_the_43_territorial_forces_and_british_transport_police() {
        assertThat(Forces.CANONICAL_NAMES).hasSize(44).doesNotHaveDuplicates().contains("British Transport Police");
    }

    @Test
    void a_force_is_matched_by_canonical_or_short_name_in_any_case() {
        assertThat(Forces.canonical("Kent Police")).contains("Kent Police");
        assertThat(Forces.canonical("kent")).contains("Kent Police");
        assertThat(Forces.canonical("  KENT   police ")).contains("Kent Police");
        assertThat(Forces.canonical("Metropolitan")).contains("Metropolitan Police Service");
        assertThat(Forces.canonical("Cheshire")).contains("Cheshire Constabulary");
        assertThat(Forces.canonical("British Transport")).contains("British Transport Police");
    }

    @Test
    void ampersand_and_and_are_alike() {
        assertThat(Forces.canonical("Devon and Cornwall")).contains("Devon & Cornwall Police");
        assertThat(Forces.canonical("Avon & Somerset Constabulary")).contains("Avon and Somerset Constabulary");
    }

    @Test
    void anything_else_is_not_a_force() {
        assertThat(Forces.canonical("Police Scotland")).isEmpty();
        assertThat(Forces.canonical("Metropolitan Police")).as("neither canonical nor short").isEmpty();
        assertThat(Forces.canonical("")).isEmpty();
        assertThat(Forces.canonical(null)).isEmpty();
    }
}
