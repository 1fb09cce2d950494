package org.raidwatch.contract;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Values from outside, as log lines and error messages show them. */
class LogTextTest {

    @Test
    void a_line_break_in_a_value_cannot_start_a_forged_log_line() {
        String forged = "R-1\r\n12:00:00.000 INFO  CaseEvaluator - all clear";

        assertThat(LogText.of(forged)).isEqualTo("R-1\\r\\n12:00:00.000 INFO  CaseEvaluator - all clear").doesNotContain("\n", "\r");
    }

    @Test
    void terminal_escapes_and_other_control_characters_are_shown_as_escapes() {
        assertThat(LogText.of("red\u001b[31m\ttab\u0000end\u2028")).isEqualTo("red\\u001b[31m\\ttab\\u0000end\\u2028");
    }

    @Test
    void a_long_value_is_cut_and_says_how_long_it_was() {
        String shown = LogText.of("x".repeat(100_000));

        assertThat(shown).startsWith("x".repeat(LogText.MAX_LENGTH) + "...").endsWith("(100000 characters)");
        assertThat(shown.length()).isLessThan(LogText.MAX_LENGTH + 30);
    }

    @Test
    void ordinary_values_are_unchanged() {
        assertThat(LogText.of("Avon and Somerset Constabulary / R-2024-001 é")).isEqualTo("Avon and Somerset Constabulary / R-2024-001 é");
        assertThat(LogText.of(null)).isEqualTo("null");
        assertThat(LogText.of("x".repeat(LogText.MAX_LENGTH))).isEqualTo("x".repeat(LogText.MAX_LENGTH));
    }
}
