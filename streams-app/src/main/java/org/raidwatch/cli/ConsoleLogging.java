package org.raidwatch.cli;

import java.net.URISyntaxException;
import java.nio.file.Path;
import org.apache.logging.log4j.core.config.Configurator;

/**
 * For the commands whose console is their report (demo, replay, rules diff): log lines go to a file
 * instead, with only warnings of raidwatch's own and errors left on the console.
 */
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

    /**
     * Runs the work with the log lines in {@code raidwatch-<command>.log} in the temporary folder
     * (replaced each run), saying where on {@code err}, then goes back to the usual configuration.
     */
    static <T> T divertedWhile(java.io.PrintWriter err, String command, java.util.concurrent.Callable<T> work) throws Exception {
        Path log = Path.of(System.getProperty("java.io.tmpdir"), "raidwatch-" + command + ".log");
        err.println("raidwatch " + command + ": log lines go to " + log.toAbsolutePath());
        err.flush();
        divertTo(log);
        try {
            return work.call();
        } finally {
            restore();
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
