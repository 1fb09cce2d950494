package org.raidwatch.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.util.List;
import java.util.Properties;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.core.config.DefaultConfiguration;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.apache.logging.log4j.layout.template.json.JsonTemplateLayout;
import org.apache.logging.log4j.message.ParameterizedMessage;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The shipped log configurations write one line per event, whatever a logged value holds. */
class LogLayoutTest {

    @ParameterizedTest
    @ValueSource(strings = {"log4j2.properties", "log4j2-demo.properties"})
    void a_value_holding_line_breaks_stays_on_its_log_line(String configuration) throws Exception {
        List<String> patterns = patterns(configuration);
        assertThat(patterns).as("layout patterns in %s", configuration).isNotEmpty();

        // Given a raid id from an input record that tries to forge a second log line
        String raidId = "R-1\r\n12:00:00.000 ERROR CaseEvaluator - forged";
        LogEvent event = Log4jLogEvent.newBuilder().setLoggerName("org.raidwatch.topology.CaseEvaluator").setLevel(Level.WARN)
                .setMessage(new ParameterizedMessage("Cannot apply an input to raid {}", raidId)).build();

        for (String pattern : patterns) {
            // When a warning naming it is written with each of the configuration's layouts
            String written = PatternLayout.newBuilder().withPattern(pattern).build().toSerializable(event);

            // Then it is one line, with the line break written out
            assertThat(written.lines().toList()).as("written with %s", pattern).singleElement().asString()
                    .endsWith("Cannot apply an input to raid R-1\\r\\n12:00:00.000 ERROR CaseEvaluator - forged");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"log4j2.properties", "log4j2-demo.properties"})
    void an_exception_message_holding_line_breaks_forges_no_log_line(String configuration) throws Exception {
        List<String> patterns = patterns(configuration);

        // Given an error whose exception (and its cause) carry a value from outside with a line break in it
        LogEvent event = Log4jLogEvent.newBuilder().setLoggerName("org.raidwatch.topology.CaseEvaluator").setLevel(Level.ERROR)
                .setMessage(new ParameterizedMessage("Stream thread failed"))
                .setThrown(new IllegalStateException("bad key R-1\n12:00:00.000 ERROR Main - forged",
                        new IllegalArgumentException("inner\r\n12:00:01.000 WARN Main - forged too"))).build();

        for (String pattern : patterns) {
            // When it is written with each of the configuration's layouts
            List<String> lines = PatternLayout.newBuilder().withPattern(pattern).build().toSerializable(event).lines().toList();

            // Then the stack trace keeps its frames, one per line, and no line but the first starts like a log line
            assertThat(lines.get(0)).as("written with %s", pattern).contains("ERROR").endsWith("CaseEvaluator - Stream thread failed");
            assertThat(lines.get(1)).isEqualTo("java.lang.IllegalStateException: bad key R-1\\n12:00:00.000 ERROR Main - forged");
            assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("\tat org.raidwatch.contract.LogLayoutTest"));
            assertThat(lines).contains("Caused by: java.lang.IllegalArgumentException: inner\\n12:00:01.000 WARN Main - forged too");
            assertThat(lines.subList(1, lines.size())).noneSatisfy(line -> assertThat(line).matches("^\\d.*"));
        }
    }

    @Test
    void the_json_configuration_writes_one_object_per_line_with_the_stack_trace_and_nothing_forged() throws Exception {
        Properties properties = new Properties();
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("log4j2-json.properties")) {
            properties.load(in);
        }
        assertThat(properties.getProperty("appender.console.layout.type")).isEqualTo("JsonTemplateLayout");
        JsonTemplateLayout layout = JsonTemplateLayout.newBuilder().setConfiguration(new DefaultConfiguration())
                .setEventTemplateUri(properties.getProperty("appender.console.layout.eventTemplateUri")).build();

        // Given a warning about a raid whose id tries to forge a line, with an exception whose message does too
        String raidId = "R-1\n12:00:00.000 ERROR CaseEvaluator - forged";
        LogEvent event = Log4jLogEvent.newBuilder().setLoggerName("org.raidwatch.topology.CaseEvaluator").setLevel(Level.WARN)
                .setMessage(new ParameterizedMessage("Cannot apply an input to raid {}", raidId))
                .setThrown(new IllegalStateException("bad input\n12:00:00.000 ERROR Main - forged too")).build();

        // When it is written as JSON
        String written = layout.toSerializable(event);

        // Then it is one line holding one object: the message, the level, the logger and the whole stack trace
        assertThat(written.strip().lines().toList()).singleElement();
        JsonNode json = new ObjectMapper().readTree(written);
        assertThat(json.path("message").asText()).isEqualTo("Cannot apply an input to raid " + raidId);
        assertThat(json.path("log.level").asText()).isEqualTo("WARN");
        assertThat(json.path("log.logger").asText()).isEqualTo("org.raidwatch.topology.CaseEvaluator");
        assertThat(json.path("error.message").asText()).isEqualTo("bad input\n12:00:00.000 ERROR Main - forged too");
        assertThat(json.path("error.stack_trace").asText()).contains("IllegalStateException").contains("LogLayoutTest");
    }

    /** The layout patterns a shipped configuration names. */
    private static List<String> patterns(String configuration) throws Exception {
        Properties properties = new Properties();
        try (InputStream in = LogLayoutTest.class.getClassLoader().getResourceAsStream(configuration)) {
            properties.load(in);
        }
        return properties.stringPropertyNames().stream().filter(key -> key.endsWith(".layout.pattern")).map(properties::getProperty).toList();
    }
}
