package org.raidwatch.cli;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.apache.logging.log4j.core.config.Configurator;

/**
 * The console's log format, text (the default) or JSON ({@value #FORMAT_VARIABLE}{@code =json}); and
 * for the commands whose console is their report (demo, replay, rules diff), log lines diverted to a
 * file, with only warnings of raidwatch's own and errors left on the console.
 */
final class ConsoleLogging {

    /** The environment variable choosing the log format: {@code text} or {@code json}. */
    static final String FORMAT_VARIABLE = "RAIDWATCH_LOG_FORMAT";

    /** The configuration the console's log lines use when not diverted; set by {@link #chooseFormat}. */
    private static volatile String configuration = null;

    private ConsoleLogging() {
    }

    /**
     * The log configuration a format names: {@code log4j2.properties} for text (or no format),
     * {@code log4j2-json.properties} for json.
     *
     * @throws Failures.UsageFailure for any other format
     */
    static String configurationFor(String format) {
        if (format == null || format.isBlank() || format.trim().equalsIgnoreCase("text")) {
            return "log4j2.properties";
        }
        if (format.trim().toLowerCase(Locale.ROOT).equals("json")) {
            return "log4j2-json.properties";
        }
        throw new Failures.UsageFailure(FORMAT_VARIABLE + " must be text or json, got '" + org.raidwatch.contract.LogText.of(format) + "'");
    }

    /** Applies the format the environment asks for; text needs nothing (Log4j's own start-up reads log4j2.properties). */
    static void chooseFormat(Map<String, String> environment) {
        String chosen = configurationFor(environment.get(FORMAT_VARIABLE));
        if (!chosen.equals("log4j2.properties")) {
            configuration = chosen;
            reconfigure(chosen);
        }
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
     * Runs the work with the log lines in {@code raidwatch-<command>.log} ({@link LogFiles}, replaced
     * each run), saying where on {@code err}, then goes back to the usual configuration.
     */
    static <T> T divertedWhile(java.io.PrintWriter err, String command, java.util.concurrent.Callable<T> work) throws Exception {
        Path log = LogFiles.of(command);
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
        String chosen = configuration;
        if (chosen == null) {
            chosen = ConsoleLogging.class.getResource("/log4j2-test.properties") != null ? "log4j2-test.properties" : "log4j2.properties";
        }
        reconfigure(chosen);
    }

    private static void reconfigure(String resource) {
        try {
            Configurator.reconfigure(ConsoleLogging.class.getResource("/" + resource).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
