package org.raidwatch.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.util.Properties;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.apache.logging.log4j.message.ParameterizedMessage;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The shipped log configurations write one line per event, whatever a logged value holds. */
class LogLayoutTest {

    @ParameterizedTest
    @ValueSource(strings = {"log4j2.properties", "log4j2-demo.properties"})
    void a_value_holding_line_breaks_stays_on_its_log_line(String configuration) throws Exception {
        Properties properties = new Properties();
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(configuration)) {
            properties.load(in);
        }
        var patterns = properties.stringPropertyNames().stream().filter(key -> key.endsWith(".layout.pattern"))
                .map(properties::getProperty).toList();
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
}
