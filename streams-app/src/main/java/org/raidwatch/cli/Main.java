package org.raidwatch.cli;

import org.raidwatch.serde.AvroClassTrust;
import picocli.CommandLine;

/** The {@code raidwatch} command: {@code demo}, {@code replay}, {@code run}, {@code produce}. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs a command line and returns its exit status (see {@link ExitCodes}). */
    public static int execute(String... args) {
        AvroClassTrust.install();
        return commandLine().execute(args);
    }

    static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new RaidwatchCommand());
        commandLine.setExecutionExceptionHandler(new Failures());
        return commandLine;
    }
}
