package org.raidwatch.cli;

import java.io.PrintWriter;
import org.raidwatch.serde.AvroClassTrust;
import picocli.CommandLine;

/** The {@code raidwatch} command: {@code demo}, {@code replay}, {@code run}, {@code produce}, {@code alerts}, {@code rules}, {@code bench}. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs a command line and returns its exit status (see {@link ExitCodes}). */
    public static int execute(String... args) {
        AvroClassTrust.install();
        try {
            ConsoleLogging.chooseFormat(System.getenv());
        } catch (Failures.UsageFailure e) {
            System.err.println("raidwatch: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        return commandLine().execute(args);
    }

    /** As {@link #execute(String...)}, writing to the given streams instead of the console. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        AvroClassTrust.install();
        return commandLine().setOut(out).setErr(err).execute(args);
    }

    static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new RaidwatchCommand());
        commandLine.setExecutionExceptionHandler(new Failures());
        return commandLine;
    }
}
