package org.raidwatch.cli;

import java.net.URISyntaxException;
import java.nio.file.Path;
import org.apache.logging.log4j.core.config.Configurator;

/** The demo's console is its report: log lines go to a file instead, with only warnings of raidwatch's own and errors left on the console. */
final class ConsoleLogging {

    private ConsoleLogging() {
    }

    static void divertTo(Path file) {
        System.setProperty("raidwatch.log.file", file.toAbsolutePath().toString());
        try {
            Configurator.reconfigure(ConsoleLogging.class.getResource("/log4j2-demo.properties").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Back to the usual configuration (for a demo run inside a longer-lived JVM, such as a test). */
    static void restore() {
        java.net.URL usual = ConsoleLogging.class.getResource("/log4j2-test.properties");
        try {
            Configurator.reconfigure((usual != null ? usual : ConsoleLogging.class.getResource("/log4j2.properties")).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
