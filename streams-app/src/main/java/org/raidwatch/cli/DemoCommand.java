package org.raidwatch.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.raidwatch.clients.InputLoader;
import org.raidwatch.contract.London;
import org.raidwatch.demo.DemoDataset;
import org.raidwatch.demo.SimulatedClock;
import org.raidwatch.deployment.HttpEndpoint;
import org.raidwatch.instance.RaidwatchInstance;
import org.raidwatch.local.LocalStack;
import org.raidwatch.local.OutputWatcher;
import org.raidwatch.ruledelivery.RuleFolderWatcher;
import org.raidwatch.rules.RuleSet;
import org.raidwatch.runner.StreamsRunner;
import org.raidwatch.schema.ForceRates;
import org.raidwatch.serving.ServiceMetrics;
import org.raidwatch.topology.CaseTopology;
import org.raidwatch.topology.RateBase;
import org.raidwatch.topology.RateVocabulary;
import org.raidwatch.topology.Topics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Run raidwatch with nothing else installed: in-process Kafka, synthetic national data.",
        description = {
                "Runs raidwatch with nothing else installed: a real Kafka broker inside this process (loopback only, storage in a temporary folder removed on exit), an in-memory schema registry, and a synthetic national dataset (44 forces, raids 2016-2021, press claims and FOI answers arriving over time).",
                "Serves the dashboard (national rates, a per-force table and chart, a live feed of flags) at http://127.0.0.1:8080/ while it runs. Prints one line per flag raised, updated or resolved, the national rates every 10 seconds (with the ten forces with most claimed raids every 30 seconds), and at the end the national rates and a per-force table. Kafka's own log lines go to a file (--log-file). Ctrl-C or the end of --duration stops it cleanly (exit status 0)."})
final class DemoCommand implements Callable<Integer> {

    private static final Duration RATES_EVERY = Duration.ofSeconds(10);
    /** Every third rates report also shows the forces with the most claimed raids. */
    private static final int TABLE_EVERY = 3;
    private static final int TABLE_FORCES = 10;

    @Spec
    CommandSpec spec;

    @Option(names = "--duration", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Stop after this long, e.g. 20s or 10m, even if the dataset is done sooner (keeping the dashboard up); default: when the whole dataset has been fed.")
    Duration duration;

    @Option(names = "--speed", paramLabel = "DAYS", defaultValue = "45",
            description = "Days of the dataset's calendar fed per second (default: ${DEFAULT-VALUE}; the whole dataset takes about a minute).")
    double speed;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "" + DemoDataset.DEFAULT_SEED, description = "Seed of the synthetic dataset; the same seed gives the same data (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--raids", paramLabel = "N", defaultValue = "" + DemoDataset.DEFAULT_RAIDS, description = "How many raids to generate (default: ${DEFAULT-VALUE}).")
    int raids;

    @Mixin
    RulesOption rules;

    @Mixin
    HttpOptions http;

    @Option(names = "--watch",
            description = "With --rules DIR: when a file in DIR changes, rebuild the rule set and put it in force while the demo runs; every case is re-evaluated, and the flags the change raised and resolved are printed as they come.")
    boolean watch;

    @Option(names = "--log-file", paramLabel = "FILE",
            description = "Where Kafka's and raidwatch's log lines go, so the console shows only the demo (default: raidwatch-demo.log in ~/.local/state/raidwatch, or $XDG_STATE_HOME/raidwatch, replaced each run).")
    Path logFile;

    private volatile boolean stopRequested;
    /** Counts dead letters for the console's rates lines (a rule that fails on real cases shows there). */
    private volatile ServiceMetrics consoleMetrics;

    @Override
    public Integer call() throws Exception {
        if (duration != null && (duration.isZero() || duration.isNegative())) {
            throw new Failures.UsageFailure("--duration must be longer than 0, got " + duration);
        }
        if (speed <= 0 || raids < 1) {
            throw new Failures.UsageFailure("--speed and --raids must be positive");
        }
        if (watch && rules.folder == null) {
            throw new Failures.UsageFailure("--watch needs --rules DIR: the folder of rules to watch");
        }
        PrintWriter out = spec.commandLine().getOut();
        HttpEndpoint endpoint = http.over(HttpEndpoint.of(HttpEndpoint.DEFAULT_ADDRESS, HttpEndpoint.DEFAULT_PORT));
        if (endpoint.enabled()) {
            checkFree(endpoint);
        }
        Path log = logFile != null ? logFile : LogFiles.of("demo");
        out.println(endpoint.enabled() ? "raidwatch demo: dashboard at " + endpoint.url() + " (ready in a few seconds)"
                : "raidwatch demo: HTTP server off");
        out.println("raidwatch demo: log lines go to " + log.toAbsolutePath());
        out.flush();
        ConsoleLogging.divertTo(log);
        // The rule set builds (about a second) while the broker starts.
        CompletableFuture<RuleSet> ruleSetBuilding = CompletableFuture.supplyAsync(rules::load);
        List<DemoDataset.Event> events = DemoDataset.generate(seed, raids);
        Instant deadline = duration == null ? null : Instant.now().plus(duration);

        ShutdownSignal signal = ShutdownSignal.requesting("raidwatch-demo-stop", () -> stopRequested = true, Duration.ofSeconds(30));

        try {
            int partitions = 2;
            try (LocalStack stack = LocalStack.start("raidwatch-demo-", partitions, workspace -> {
                out.println("raidwatch demo: starting a Kafka broker in this process (storage in " + workspace + ")");
                out.flush();
            })) {
                RuleSet ruleSet = built(ruleSetBuilding);
                Map<String, Object> client = stack.clientProperties();
                Topics topics = stack.topics();
                SimulatedClock calendar = new SimulatedClock(events.get(0).at(), London.ZONE);
                Properties props = stack.streamsProperties("raidwatch-demo");
                try (RaidwatchInstance instance = RaidwatchInstance.listen(ruleSet, endpoint,
                             () -> calendar.instant().atZone(London.ZONE).toLocalDate());
                     OutputWatcher watcher = new OutputWatcher(client, topics, flag -> printLine(out, ConsoleReport.flagLine(flag)));
                     InputLoader loader = new InputLoader(client, topics);
                     RuleFolderWatcher rulesWatcher = watch ? new RuleFolderWatcher(rules.folder, instance.rules(), Duration.ofMillis(500),
                             reloads(out, rules.folder)) : null) {
                    StreamsRunner runner = instance.build(props, topics,
                            CaseTopology.Settings.liveWithClock(calendar, Duration.ofSeconds(1)).withInputPartitions(partitions), client);
                    if (!instance.start(Duration.ofSeconds(60))) {
                        throw new IllegalStateException("the topology did not start (state " + runner.state() + ")", runner.failure());
                    }
                    printLine(out, String.format("raidwatch demo: broker at %s, topology running with rule set %s (%s); feeding %d events "
                                    + "from %d raids (seed %d) at %s days per second%n", stack.bootstrapServers(), ruleSet.version(),
                            ruleSet.source(), events.size(), raids, seed, speed));
                    consoleMetrics = instance.metrics();
                    feed(out, events, calendar, loader, watcher, runner, deadline);
                    printLine(out, String.format("%nraidwatch demo: %s; %d flag changes seen%n",
                            stopRequested ? "stopped" : "done", watcher.flagsSeen()));
                    ForceRates national = watcher.rates(RateVocabulary.NATIONAL, RateVocabulary.ALL_TIME);
                    synchronized (out) {
                        out.println(national == null ? "  national rates: none yet" : "  national rates, all time: " + ConsoleReport.ratesLine(national, RateBase.DEFAULT));
                        ConsoleReport.forceTable(out, watcher.allRates(), Integer.MAX_VALUE, RateBase.DEFAULT);
                        out.flush();
                    }
                }
            }
        } finally {
            ConsoleLogging.restore();
            signal.done();
            signal.withdraw();
        }
        return ExitCodes.OK;
    }

    /** What the console says when the watched rules change. */
    private static RuleFolderWatcher.Report reloads(PrintWriter out, Path folder) {
        return new RuleFolderWatcher.Report() {
            @Override
            public void inForce(RuleSet ruleSet) {
                printLine(out, "raidwatch demo: " + folder + " changed: rule set " + ruleSet.version() + " (" + ruleSet.ruleIds().size()
                        + " rules) is in force; every case is re-evaluated, and the flags it raises and resolves follow");
            }

            @Override
            public void unchanged(RuleSet ruleSet) {
                printLine(out, "raidwatch demo: " + folder + " changed, but its rules are those in force (" + ruleSet.version() + ")");
            }

            @Override
            public void refused(List<String> problems) {
                synchronized (out) {
                    out.println("raidwatch demo: " + folder + " changed, but its rules do not build or their scenarios fail; the rule set in"
                            + " force stays:");
                    problems.forEach(problem -> out.println("  " + problem));
                    out.flush();
                }
            }
        };
    }

    /** Fails at once, before the broker starts, when the dashboard's port is taken. */
    private static void checkFree(HttpEndpoint endpoint) {
        try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new java.net.InetSocketAddress(endpoint.address(), endpoint.port()));
        } catch (java.io.IOException e) {
            throw new Failures.UsageFailure("cannot listen on " + endpoint.address() + ":" + endpoint.port() + " (" + e.getMessage()
                    + "); choose another port with --http-port, or --http-port 0 to run without the dashboard");
        }
    }

    private static RuleSet built(CompletableFuture<RuleSet> building) throws InterruptedException {
        try {
            return building.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /**
     * Feeds the events at the chosen speed until they run out, the deadline passes or Ctrl-C. The
     * stretch before the first FOI request (press reports only, nothing to flag yet) goes at once.
     */
    private void feed(PrintWriter out, List<DemoDataset.Event> events, SimulatedClock calendar, InputLoader loader,
                      OutputWatcher watcher, StreamsRunner runner, Instant deadline) throws InterruptedException {
        long startNanos = System.nanoTime();
        Instant first = events.stream().filter(e -> e.foiUpdate() != null).findFirst().orElse(events.get(0)).at();
        long nextRatesNanos = startNanos + RATES_EVERY.toNanos();
        int ratesReports = 0;
        for (DemoDataset.Event event : events) {
            long dueNanos = startNanos + (long) (Math.max(0, Duration.between(first, event.at()).toSeconds()) / 86_400.0 / speed * 1e9);
            while (System.nanoTime() < dueNanos) {
                if (shouldStop(deadline, runner)) {
                    return;
                }
                if (System.nanoTime() >= nextRatesNanos) {
                    printRates(out, watcher, calendar, ++ratesReports % TABLE_EVERY == 0);
                    nextRatesNanos += RATES_EVERY.toNanos();
                }
                Thread.sleep(Math.max(1, Math.min(50, (dueNanos - System.nanoTime()) / 1_000_000)));
            }
            calendar.advanceTo(event.at());
            if (event.report() != null) {
                loader.send(event.report());
            } else {
                loader.send(event.foiUpdate());
            }
        }
        loader.flush();
        // Let the last answers be processed and, with the calendar moved on, the unanswered requests fall overdue.
        calendar.advanceTo(events.get(events.size() - 1).at().plus(Duration.ofDays(60)));
        long settleUntil = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < settleUntil && !shouldStop(deadline, runner)) {
            Thread.sleep(50);
        }
        if (deadline != null && !shouldStop(deadline, runner)) {
            // Asked to run for longer than the dataset lasts: keep the dashboard up until then.
            printLine(out, "raidwatch demo: all events fed; still serving until the end of --duration or Ctrl-C");
            while (!shouldStop(deadline, runner)) {
                if (System.nanoTime() >= nextRatesNanos) {
                    printRates(out, watcher, calendar, ++ratesReports % TABLE_EVERY == 0);
                    nextRatesNanos += RATES_EVERY.toNanos();
                }
                Thread.sleep(100);
            }
        }
    }

    private boolean shouldStop(Instant deadline, StreamsRunner runner) {
        if (runner.failure() != null) {
            throw new IllegalStateException("the stream stopped", runner.failure());
        }
        return stopRequested || (deadline != null && Instant.now().isAfter(deadline));
    }

    private void printRates(PrintWriter out, OutputWatcher watcher, SimulatedClock calendar, boolean withForces) {
        ForceRates national = watcher.rates(RateVocabulary.NATIONAL, RateVocabulary.ALL_TIME);
        long deadLetters = consoleMetrics == null ? 0 : consoleMetrics.deadLetterCount();
        synchronized (out) {
            out.printf("-- %s  national, all time: %s%s%n", calendar.instant().atZone(London.ZONE).toLocalDate(),
                    national == null ? "no claimed raids yet" : ConsoleReport.ratesLine(national, RateBase.DEFAULT),
                    deadLetters == 0 ? "" : "; " + deadLetters + " sent to the dead letters so far (the log file says why)");
            if (withForces) {
                ConsoleReport.forceTable(out, watcher.allRates(), TABLE_FORCES, RateBase.DEFAULT);
            }
            out.flush();
        }
    }

    private static void printLine(PrintWriter out, String line) {
        synchronized (out) {
            if (line.endsWith("\n")) {
                out.print(line);
            } else {
                out.println(line);
            }
            out.flush();
        }
    }
}
