package org.raidwatch.cli;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.raidwatch.bench.ThroughputBenchmark;
import org.raidwatch.bench.TimePassingBenchmark;
import org.raidwatch.demo.DemoDataset;
import org.raidwatch.rules.RuleSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

@Command(name = "bench", mixinStandardHelpOptions = true,
        header = "Measure raidwatch on this machine: throughput against a pass-through baseline, and time passing.",
        description = {
                "Benchmarks on a private in-process Kafka broker (storage in a temporary folder removed at the end) with an in-memory schema registry, exactly-once as in production.",
                "  throughput    the synthetic national dataset through a pass-through application and through raidwatch: events/s and CPU per event",
                "  time-passing  many unanswered FOI requests falling overdue at once: time to raise every flag, punctuation latency, stability",
                "Run on a quiet machine; the runs must be long enough for the baseline to be more than noise."},
        subcommands = {BenchCommand.Throughput.class, BenchCommand.TimePassing.class})
final class BenchCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a benchmark: throughput or time-passing");
    }

    @Command(name = "throughput", mixinStandardHelpOptions = true, sortOptions = false,
            header = "Events per second and CPU per event, raidwatch against a pass-through baseline.",
            description = {
                    "Generates the demo's synthetic national dataset, loads every event into raid-reports and foi-updates (Avro, keyed by raid id, every send acknowledged), then runs on the same inputs, one after the other, each from a cold start with its own application id:",
                    "  baseline   exactly-once pass-through: decode every record with raidwatch's Avro serde, encode it again to a copy topic",
                    "  raidwatch  the production topology, live",
                    "For each: time from RUNNING until its committed offsets reach the end of both inputs, events/s, CPU per event of its stream threads, of all its threads and of the whole process (the broker's included), and raidwatch's throughput as a fraction of the baseline's. Also the records raidwatch wrote to its rate-deltas repartition topic, per input event.",
                    "Exit status: 0 measured; 1 a run failed or did not finish within --timeout; 2 usage error."})
    static final class Throughput implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--raids", paramLabel = "N", defaultValue = "100000",
                description = "Raids in the synthetic dataset; each brings a report and usually FOI updates (default: ${DEFAULT-VALUE}).")
        int raids;

        @Option(names = "--partitions", paramLabel = "P", defaultValue = "2",
                description = "Partitions of each input topic (default: ${DEFAULT-VALUE}).")
        int partitions;

        @Option(names = "--seed", paramLabel = "S", defaultValue = "" + DemoDataset.DEFAULT_SEED,
                description = "Seed of the synthetic dataset; the same seed gives the same data (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--threads", paramLabel = "T", defaultValue = "1",
                description = "Stream threads of each application (default: ${DEFAULT-VALUE}).")
        int threads;

        @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30m", converter = DurationConverter.class,
                description = "Give up when one run takes longer (default: ${DEFAULT-VALUE}).")
        Duration timeout;

        @Mixin
        RulesOption rules;

        @Override
        public Integer call() throws Exception {
            if (raids < 1 || partitions < 1 || threads < 1) {
                throw new Failures.UsageFailure("--raids, --partitions and --threads must be positive");
            }
            RuleSet ruleSet = rules.load();
            PrintWriter out = spec.commandLine().getOut();
            out.printf(Locale.ROOT, "raidwatch bench throughput: %,d raids, seed %d, %d partitions, %d stream thread%s, exactly-once, rule set %s (%s)%n",
                    raids, seed, partitions, threads, threads == 1 ? "" : "s", ruleSet.version(), ruleSet.source());
            out.flush();

            ThroughputBenchmark.Result result = ThroughputBenchmark.run(ruleSet, raids, seed, partitions, threads, timeout);

            out.printf(Locale.ROOT, "  %,d events (%,d raid reports, %,d FOI updates) loaded in %.1f s, every one acknowledged%n%n",
                    result.events(), result.raidReports(), result.events() - result.raidReports(), seconds(result.load()));
            out.printf(Locale.ROOT, "  %-10s %9s %12s %10s %14s %14s %14s %11s%n", "", "startup", "processing", "events/s",
                    "stream-thread", "app threads", "process", "throughput");
            out.printf(Locale.ROOT, "  %-10s %9s %12s %10s %14s %14s %14s %11s%n", "", "s", "s", "", "CPU us/event", "CPU us/event",
                    "CPU us/event", "vs baseline");
            double baselineRate = result.baseline().eventsPerSecond();
            for (ThroughputBenchmark.Run run : List.of(result.baseline(), result.raidwatch())) {
                out.printf(Locale.ROOT, "  %-10s %9.2f %12.2f %,10.0f %14.2f %14.2f %14.2f %11.3f%n", run.name(),
                        seconds(run.startup()), seconds(run.processing()), run.eventsPerSecond(),
                        run.streamThreadMicrosPerEvent(), run.clientThreadMicrosPerEvent(), run.processMicrosPerEvent(),
                        run.eventsPerSecond() / baselineRate);
            }
            ThroughputBenchmark.Run raidwatch = result.raidwatch();
            out.printf(Locale.ROOT, "%n  raidwatch's stream threads spend %.1fx the baseline's CPU per event%n",
                    raidwatch.streamThreadMicrosPerEvent() / result.baseline().streamThreadMicrosPerEvent());
            out.printf(Locale.ROOT, "  rate-deltas repartition records: %,d, %.4f per input event%n", raidwatch.rateDeltaRecords(),
                    (double) raidwatch.rateDeltaRecords() / result.events());
            List<String> options = new ArrayList<>(List.of("--raids", "" + raids, "--partitions", "" + partitions,
                    "--seed", "" + seed, "--threads", "" + threads, "--timeout", timeout.toString()));
            rulesOption(rules, options);
            out.println("  command: " + commandLine("throughput", options));
            out.flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "time-passing", mixinStandardHelpOptions = true, sortOptions = false,
            header = "How long raidwatch takes to raise foi-overdue on many cases falling due at once.",
            description = {
                    "Loads N claimed raid reports, each with an FOI request still unanswered and not yet due (sent on one of the 20 days before "
                            + "the calendar's start), and runs raidwatch live on a simulated calendar checked every 250 ms. "
                            + "Once every input is processed the calendar jumps 60 days, so every request falls overdue together.",
                    "Reports the time until every foi-overdue flag was raised (read from flagged-cases, read_committed), the stream thread's "
                            + "punctuation latency from Kafka Streams' metrics, whether the application stayed RUNNING, and whether any flag "
                            + "was raised twice.",
                    "Exit status: 0 every flag raised once with the application running throughout; 1 flags missing at --timeout, a flag "
                            + "raised twice or too early, a rebalance or a failure; 2 usage error."})
    static final class TimePassing implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--cases", paramLabel = "N", defaultValue = "1000000",
                description = "Cases that fall overdue together (default: ${DEFAULT-VALUE}).")
        int cases;

        @Option(names = "--partitions", paramLabel = "P", defaultValue = "2",
                description = "Partitions of each input topic (default: ${DEFAULT-VALUE}).")
        int partitions;

        @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "20m", converter = DurationConverter.class,
                description = "Give up when processing the inputs, or raising the flags, takes longer in all (default: ${DEFAULT-VALUE}).")
        Duration timeout;

        @Mixin
        RulesOption rules;

        @Override
        public Integer call() throws Exception {
            if (cases < 1 || partitions < 1) {
                throw new Failures.UsageFailure("--cases and --partitions must be positive");
            }
            RuleSet ruleSet = rules.load();
            PrintWriter out = spec.commandLine().getOut();
            out.printf(Locale.ROOT, "raidwatch bench time-passing: %,d cases, %d partitions, 1 stream thread, exactly-once, time checked every %d ms,"
                            + " rule set %s (%s)%n", cases, partitions, TimePassingBenchmark.TIME_CHECK_INTERVAL.toMillis(),
                    ruleSet.version(), ruleSet.source());
            out.flush();

            TimePassingBenchmark.Result result = TimePassingBenchmark.run(ruleSet, cases, partitions, timeout);

            out.printf(Locale.ROOT, "  %,d records loaded in %.1f s, every one acknowledged; processed in %.1f s; then the calendar jumped %d days%n",
                    2L * cases, seconds(result.load()), seconds(result.inputsProcessed()), TimePassingBenchmark.CLOCK_JUMP.toDays());
            out.printf(Locale.ROOT, "  %-28s %,d%n", "cases", result.cases());
            out.printf(Locale.ROOT, "  %-28s %,d (%,d before the jump)%n", "foi-overdue raised", result.raised(), result.raisedEarly());
            out.printf(Locale.ROOT, "  %-28s %s%n", "first flag after", result.toFirstFlag() == null ? "none came" : secondsText(result.toFirstFlag()));
            out.printf(Locale.ROOT, "  %-28s %s%n", "all raised after", result.toRaiseAll() == null
                    ? "not all within " + timeout
                    : String.format(Locale.ROOT, "%s (%,.0f flags/s)", secondsText(result.toRaiseAll()),
                            result.cases() / seconds(result.toRaiseAll())));
            out.printf(Locale.ROOT, "  %-28s %.0f ms (highest seen while the flags came)%n", "punctuate-latency-max", result.punctuateLatencyMaxMs());
            out.printf(Locale.ROOT, "  %-28s %.1f ms (Kafka Streams' rolling window at the last flag)%n", "punctuate-latency-avg",
                    result.punctuateLatencyAvgMs());
            out.printf(Locale.ROOT, "  %-28s %,d (from the jump to the last flag)%n", "punctuations", result.punctuations());
            out.printf(Locale.ROOT, "  %-28s %,d%n", "raised twice", result.duplicates());
            out.printf(Locale.ROOT, "  %-28s %s%n", "disruptions", result.disruptions().isEmpty() ? "none (RUNNING throughout)"
                    : String.join("; ", result.disruptions()));
            List<String> options = new ArrayList<>(List.of("--cases", "" + cases, "--partitions", "" + partitions,
                    "--timeout", timeout.toString()));
            rulesOption(rules, options);
            out.println("  command: " + commandLine("time-passing", options));
            out.flush();
            if (!result.clean()) {
                spec.commandLine().getErr().println("raidwatch: bench time-passing: " + problems(result, timeout));
                return ExitCodes.FAILED;
            }
            return ExitCodes.OK;
        }

        private static String problems(TimePassingBenchmark.Result result, Duration timeout) {
            List<String> problems = new ArrayList<>();
            if (result.toRaiseAll() == null) {
                problems.add(String.format(Locale.ROOT, "%,d of %,d flags raised within %s", result.raised(), result.cases(), timeout));
            }
            if (result.raisedEarly() > 0) {
                problems.add(result.raisedEarly() + " flags raised before the requests were due");
            }
            if (result.duplicates() > 0) {
                problems.add(result.duplicates() + " flags raised twice");
            }
            if (!result.disruptions().isEmpty()) {
                problems.add("the application did not stay RUNNING");
            }
            return String.join("; ", problems);
        }
    }

    private static void rulesOption(RulesOption rules, List<String> options) {
        if (rules.folder != null) {
            options.add("--rules");
            options.add(rules.folder.toString());
        }
    }

    /** The command that repeats this run: the JVM's own options, the jar, the benchmark and every option's value. */
    private static String commandLine(String benchmark, List<String> options) {
        List<String> words = new ArrayList<>(List.of("java"));
        words.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        words.add("-jar");
        words.add(jar());
        words.add("bench");
        words.add(benchmark);
        words.addAll(options);
        return String.join(" ", words);
    }

    private static String jar() {
        try {
            Path location = Path.of(BenchCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path here = Path.of("").toAbsolutePath();
            return location.startsWith(here) ? here.relativize(location).toString() : location.toString();
        } catch (Exception e) {
            return "raidwatch.jar";
        }
    }

    private static double seconds(Duration duration) {
        return duration.toNanos() / 1e9;
    }

    private static String secondsText(Duration duration) {
        return String.format(Locale.ROOT, "%.1f s", seconds(duration));
    }
}
