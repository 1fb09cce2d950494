package org.raidwatch.cli;

import picocli.CommandLine.Command;

@Command(name = "raidwatch",
        mixinStandardHelpOptions = true,
        versionProvider = RaidwatchCommand.Version.class,
        description = {
                "Monitors what police raids reported as trafficking rescues actually produced:",
                "press raid reports and FOI answers in, discrepancy flags and per-force rates out."},
        subcommands = {DemoCommand.class, ReplayCommand.class, RunCommand.class, ProduceCommand.class, AlertsCommand.class, RulesCommand.class,
                BenchCommand.class},
        footerHeading = "%nExit status:%n",
        footer = {
                "  0  success (replay, produce: every row accepted)",
                "  1  the stream (or an alerts subscriber) stopped on an unexpected error, a replay did not finish, or a rule scenario failed (rules test, rules check)",
                "  2  usage error, unreadable file, invalid setting, a rule set that does not build, or a rule scenario file that cannot be used",
                "  3  some rows were rejected (replay, produce); everything else was processed",
                "  4  Kafka or the schema registry could not be reached",
                "  5  some records could not be delivered to Kafka (produce, replay); each is listed"})
final class RaidwatchCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "name a command: demo, replay, run, produce, alerts, rules or bench");
    }

    static final class Version implements picocli.CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"raidwatch " + version()};
        }
    }

    /** raidwatch's version, from the jar's manifest ({@code (development build)} when run from classes). */
    static String version() {
        String version = RaidwatchCommand.class.getPackage().getImplementationVersion();
        return version == null ? "(development build)" : version;
    }
}
