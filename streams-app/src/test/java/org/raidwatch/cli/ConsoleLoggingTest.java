package org.raidwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** RAIDWATCH_LOG_FORMAT chooses the console's log configuration. */
class ConsoleLoggingTest {

    @Test
    void json_chooses_the_json_configuration_and_text_or_nothing_the_usual_one() {
        assertThat(ConsoleLogging.configurationFor("json")).isEqualTo("log4j2-json.properties");
        assertThat(ConsoleLogging.configurationFor(" JSON ")).isEqualTo("log4j2-json.properties");
        assertThat(ConsoleLogging.configurationFor("text")).isEqualTo("log4j2.properties");
        assertThat(ConsoleLogging.configurationFor(null)).isEqualTo("log4j2.properties");
        assertThat(ConsoleLogging.class.getResource("/" + ConsoleLogging.configurationFor("json"))).isNotNull();
    }

    @Test
    void any_other_format_is_a_usage_error_naming_the_variable() {
        assertThatThrownBy(() -> ConsoleLogging.configurationFor("xml")).isInstanceOf(Failures.UsageFailure.class)
                .hasMessage("RAIDWATCH_LOG_FORMAT must be text or json, got 'xml'");
    }
}
