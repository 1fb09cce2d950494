package org.raidwatch.cli;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.raidwatch.bench.DatasetFiles;
import org.raidwatch.bench.FlagsRequestLoad;
import org.raidwatch.bench.LatencyBenchmark;
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
                "  throughput    the synthetic national dataset through a pass-through application and through raidwatch, warmed and alternated: events/s, CPU per event, memory",
                "  latency       a fresh instance sent events at a steady rate: how long each flag takes to reach a read_committed subscriber",
                "  dataset       write the synthetic dataset as JSON Lines files, to replay at a chosen size",
                "  flags         many clients at once asking a running raidwatch for its flags listing: p50, p99, max",
                "  time-passing  many unanswered FOI requests falling overdue at once: time to raise every flag, punctuation latency, stability",
                "Run on a quiet machine; the runs must be long enough for the baseline to be more than noise."},
        subcommands = {BenchCommand.Throughput.class, BenchCommand.Latency.class, BenchCommand.TimePassing.class,
                BenchCommand.Dataset.class, BenchCommand.Flags.class})
final class BenchCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a benchmark: throughput, latency or time-passing");
    }

    @Command(name = "throughput", mixinStandardHelpOptions = true, sortOptions = false,
            header = "Events per second and CPU per event, raidwatch against a pass-through baseline.",
            description = {
                    "Generates the demo's synthetic national dataset, loads every event into raid-reports and foi-updates (Avro, keyed by raid id, every send acknowledged). "
                            + "Both applications first run once, untimed, over a smaller dataset on topics of their own, so the JIT has compiled them before anything is measured. "
                            + "Then they take turns over the same inputs, --repeat times each, every run from a cold start with its own application id:",
                    "  baseline   exactly-once pass-through: decode every record with raidwatch's Avro serde, encode it again to a copy topic",
                    "  raidwatch  the production topology, live, with output topics of its own",
                    "For each run: time from RUNNING until its committed offsets reach the end of both inputs, events/s, CPU per event of its stream threads, of all its threads and of the whole process (the broker's included), the most heap in use and the process's peak resident set. "
                            + "Then the medians, raidwatch's throughput as a fraction of the baseline's (the median of each round's ratio), and the records raidwatch wrote to its rate-deltas repartition topic per input event.",
                    "Log lines go to raidwatch-bench.log in ~/.local/state/raidwatch (or $XDG_STATE_HOME/raidwatch); progress to standard error.",
                    "Exit status: 0 measured; 1 a run failed or did not finish within --timeout; 2 usage error."})
    static final class Throughput implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--events", paramLabel = "N", defaultValue = "1000000",
                description = "Events in the synthetic dataset, raid reports and FOI updates together (default: ${DEFAULT-VALUE}).")
        long events;

        @Option(names = "--raids", paramLabel = "N",
                description = "Size the dataset by raids instead (each brings a report and usually FOI updates, about 2.6 events).")
        Integer raids;

        @Option(names = "--partitions", paramLabel = "P", defaultValue = "2",
                description = "Partitions of each input topic (default: ${DEFAULT-VALUE}).")
        int partitions;

        @Option(names = "--threads", paramLabel = "T", defaultValue = "1",
                description = "Stream threads of each instance (default: ${DEFAULT-VALUE}).")
        int threads;

        @Option(names = "--instances", paramLabel = "I", defaultValue = "1",
                description = "Instances of each application, in this process, sharing the work (default: ${DEFAULT-VALUE}).")
        int instances;

        @Option(names = "--repeat", paramLabel = "K", defaultValue = "3",
                description = "Runs of each application, alternating; medians are reported (default: ${DEFAULT-VALUE}).")
        int repeat;

        @Option(names = "--seed", paramLabel = "S", defaultValue = "" + DemoDataset.DEFAULT_SEED,
                description = "Seed of the synthetic dataset; the same seed gives the same data (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--warm-up", paramLabel = "N", defaultValue = "" + ThroughputBenchmark.DEFAULT_WARM_UP_EVENTS,
                description = "Events both applications run over first, on other topics, to warm the JIT (default: ${DEFAULT-VALUE}).")
        int warmUp;

        @Option(names = "--list-flags", description = "Run raidwatch twice a round, once listing its first 1,000 open flags once a second "
                + "as a dashboard does: what listing costs the stream, measured in the same run.")
        boolean listFlags;

        @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30m", converter = DurationConverter.class,
                description = "Give up when one run takes longer (default: ${DEFAULT-VALUE}).")
        Duration timeout;

        @Option(names = "--json", description = "Print one line of JSON with the medians and every run instead of the table.")
        boolean json;

        @Mixin
        RulesOption rules;

        @Override
        public Integer call() throws Exception {
            if (events < 1 || (raids != null && raids < 1) || partitions < 1 || threads < 1 || instances < 1 || repeat < 1 || warmUp < 1) {
                throw new Failures.UsageFailure("--events, --raids, --partitions, --threads, --instances, --repeat and --warm-up must be positive");
            }
            RuleSet ruleSet = rules.load();
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            ThroughputBenchmark.Options options = new ThroughputBenchmark.Options(raids != null ? 0 : events, raids != null ? raids : 0,
                    seed, partitions, threads, instances, repeat, warmUp, listFlags, timeout);
            String setup = String.format(Locale.ROOT, "seed %d, %d partitions, %d instance%s of %d stream thread%s, exactly-once, rule set %s (%s)",
                    seed, partitions, instances, instances == 1 ? "" : "s", threads, threads == 1 ? "" : "s", ruleSet.version(), ruleSet.source());
            if (!json) {
                out.println("raidwatch bench throughput: " + setup);
                out.flush();
            }
            ThroughputBenchmark.Result result = ConsoleLogging.divertedWhile(err, "bench", () -> ThroughputBenchmark.run(ruleSet, options,
                    line -> {
                        err.println("raidwatch bench throughput: " + line);
                        err.flush();
                    }));
            List<String> command = new ArrayList<>(raids != null ? List.of("--raids", "" + raids) : List.of("--events", "" + events));
            command.addAll(List.of("--partitions", "" + partitions, "--threads", "" + threads, "--instances", "" + instances,
                    "--repeat", "" + repeat, "--warm-up", "" + warmUp, "--seed", "" + seed, "--timeout", timeout.toString()));
            if (listFlags) {
                command.add("--list-flags");
            }
            rulesOption(rules, command);
            if (json) {
                command.add("--json");
                out.println(BenchJson.throughput(result, options, ruleSet.version(), commandLine("throughput", command)));
                out.flush();
                return ExitCodes.OK;
            }
            out.printf(Locale.ROOT, "  %,d events (%,d raid reports, %,d FOI updates) loaded in %.1f s, every one acknowledged;"
                            + " warmed up on %,d other events%n%n", result.events(), result.raidReports(), result.events() - result.raidReports(),
                    seconds(result.load()), result.warmUpEvents());
            out.printf(Locale.ROOT, "  %-12s %8s %11s %10s %14s %14s %14s %9s %9s%n", "", "startup", "processing", "events/s",
                    "stream-thread", "app threads", "process", "heap peak", "RSS peak");
            out.printf(Locale.ROOT, "  %-12s %8s %11s %10s %14s %14s %14s %9s %9s%n", "", "s", "s", "", "CPU us/event", "CPU us/event",
                    "CPU us/event", "MiB", "MiB");
            for (int i = 0; i < result.pipelines().size(); i++) {
                for (ThroughputBenchmark.Run run : List.of(result.baselines().get(i), result.pipelines().get(i))) {
                    out.printf(Locale.ROOT, "  %-12s %8.2f %11.2f %,10.0f %14.2f %14.2f %14.2f %,9.0f %,9.0f%n", run.name() + " " + (i + 1),
                            seconds(run.startup()), seconds(run.processing()), run.eventsPerSecond(),
                            run.streamThreadMicrosPerEvent(), run.clientThreadMicrosPerEvent(), run.processMicrosPerEvent(),
                            run.heapPeak() / 1048576.0, run.rssPeak() < 0 ? Double.NaN : run.rssPeak() / 1048576.0);
                }
            }
            out.printf(Locale.ROOT, "%n  medians of %d runs each:%n", repeat);
            out.printf(Locale.ROOT, "  %-34s %,12.0f events/s, %8.2f us of stream-thread CPU per event%n", "raidwatch",
                    result.pipelineEventsPerSecond(), result.pipelineCpuMicrosPerEvent());
            out.printf(Locale.ROOT, "  %-34s %,12.0f events/s, %8.2f us of stream-thread CPU per event%n", "baseline (pass-through)",
                    result.baselineEventsPerSecond(), result.baselineCpuMicrosPerEvent());
            out.printf(Locale.ROOT, "  %-34s %12.3f%n", "throughput ratio (raidwatch/baseline)", result.ratio());
            out.printf(Locale.ROOT, "  %-34s %12.1fx%n", "CPU per event vs the baseline's",
                    result.pipelineCpuMicrosPerEvent() / result.baselineCpuMicrosPerEvent());
            out.printf(Locale.ROOT, "  %-34s %,12.0f MiB heap, %,.0f MiB resident (the broker's included)%n", "raidwatch's peak memory",
                    result.pipelineHeapPeakMib(), result.pipelineRssPeakMib());
            out.printf(Locale.ROOT, "  %-34s %,12.0f MiB memtables, %,.0f MiB block caches, %,.0f MiB table readers; %,d keys%n",
                    "RocksDB at the end (off heap)", result.rocksDbMib(ThroughputBenchmark.RocksDbMemory::memTables),
                    result.rocksDbMib(ThroughputBenchmark.RocksDbMemory::blockCache),
                    result.rocksDbMib(ThroughputBenchmark.RocksDbMemory::tableReaders), result.rocksDbEstimatedKeys());
            out.printf(Locale.ROOT, "  %-34s %12.4f per input event%n", "rate-deltas repartition records", result.rateDeltaRecordsPerEvent());
            if (listFlags) {
                out.printf(Locale.ROOT, "  %-34s %,12.0f events/s, %.1f%% below raidwatch's (median of the rounds)%n",
                        "raidwatch, flags listed each second", result.listedEventsPerSecond(), 100 * result.listingCost());
                long[] listings = result.listingMillis();
                out.printf(Locale.ROOT, "  %-34s %12d, %.0f ms median, %d ms at most%n", "flags listings (1,000 open flags)", listings.length,
                        LatencyBenchmark.percentile(listings, 50), listings.length == 0 ? -1 : listings[listings.length - 1]);
            }
            out.println("  command: " + commandLine("throughput", command));
            out.flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "latency", mixinStandardHelpOptions = true, sortOptions = false,
            header = "How long a flag takes to reach a subscriber, at a steady rate of events.",
            description = {
                    "Starts raidwatch on a private broker and, from the moment it first reports RUNNING, sends it the synthetic dataset's events at --rate a second for --duration, "
                            + "each stamped with the time it is sent. A read_committed consumer of flagged-cases notes, for every flag change, the time it received it less the record's "
                            + "timestamp (an output carries the timestamp of the input that caused it).",
                    "Reports p50, p99 and the maximum over the run, and the p99 of each 10-second slice by when the inputs were sent (the first slices show a fresh instance).",
                    "Log lines go to raidwatch-bench.log in ~/.local/state/raidwatch (or $XDG_STATE_HOME/raidwatch); progress to standard error.",
                    "Exit status: 0 measured; 1 a run failed; 2 usage error."})
    static final class Latency implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--rate", paramLabel = "R", defaultValue = "1000", description = "Events offered per second (default: ${DEFAULT-VALUE}).")
        int rate;

        @Option(names = "--duration", paramLabel = "DURATION", defaultValue = "60s", converter = DurationConverter.class,
                description = "How long events are offered (default: ${DEFAULT-VALUE}).")
        Duration duration;

        @Option(names = "--partitions", paramLabel = "P", defaultValue = "2",
                description = "Partitions of each input topic (default: ${DEFAULT-VALUE}).")
        int partitions;

        @Option(names = "--threads", paramLabel = "T", defaultValue = "1", description = "Stream threads (default: ${DEFAULT-VALUE}).")
        int threads;

        @Option(names = "--seed", paramLabel = "S", defaultValue = "" + DemoDataset.DEFAULT_SEED,
                description = "Seed of the synthetic dataset (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "5m", converter = DurationConverter.class,
                description = "Give up when raidwatch has not started by then (default: ${DEFAULT-VALUE}).")
        Duration timeout;

        @Option(names = "--json", description = "Print one line of JSON instead of the report.")
        boolean json;

        @Mixin
        RulesOption rules;

        @Override
        public Integer call() throws Exception {
            if (rate < 1 || duration.toSeconds() < 1 || partitions < 1 || threads < 1) {
                throw new Failures.UsageFailure("--rate, --partitions and --threads must be positive and --duration at least a second");
            }
            RuleSet ruleSet = rules.load();
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            LatencyBenchmark.Options options = new LatencyBenchmark.Options(rate, duration, seed, partitions, threads, timeout);
            if (!json) {
                out.printf(Locale.ROOT, "raidwatch bench latency: %,d events/s for %s, seed %d, %d partitions, %d stream thread%s, exactly-once, rule set %s (%s)%n",
                        rate, duration, seed, partitions, threads, threads == 1 ? "" : "s", ruleSet.version(), ruleSet.source());
                out.flush();
            }
            LatencyBenchmark.Result result = ConsoleLogging.divertedWhile(err, "bench", () -> LatencyBenchmark.run(ruleSet, options,
                    line -> {
                        err.println("raidwatch bench latency: " + line);
                        err.flush();
                    }));
            List<String> command = new ArrayList<>(List.of("--rate", "" + rate, "--duration", duration.toString(), "--partitions",
                    "" + partitions, "--threads", "" + threads, "--seed", "" + seed, "--timeout", timeout.toString()));
            rulesOption(rules, command);
            if (json) {
                command.add("--json");
                out.println(BenchJson.latency(result, options, ruleSet.version(), commandLine("latency", command)));
                out.flush();
                return ExitCodes.OK;
            }
            out.printf(Locale.ROOT, "  started in %.1f s; sent %,d events in %.1f s (%,.0f a second; the sender fell behind its schedule by at most %d ms)%n",
                    seconds(result.startup()), result.sent(), seconds(result.sending()), result.offeredPerSecond(), result.behind());
            out.printf(Locale.ROOT, "  %,d flag changes received: p50 %.0f ms, p99 %.0f ms, max %d ms%n", result.latenciesMs().length,
                    result.percentile(50), result.percentile(99), result.max());
            StringBuilder slices = new StringBuilder();
            for (double p99 : result.sliceP99Ms()) {
                slices.append(slices.length() == 0 ? "" : ", ").append(Double.isNaN(p99) ? "-" : String.format(Locale.ROOT, "%.0f", p99));
            }
            out.println("  p99 of each 10-second slice, ms: " + slices);
            out.println("  command: " + commandLine("latency", command));
            out.flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "dataset", mixinStandardHelpOptions = true, sortOptions = false,
            header = "Write the synthetic national dataset as files replay reads.",
            description = {
                    "Writes raid-reports.jsonl and foi-updates.jsonl (JSON Lines, the input contract's fields) to --out: the demo's synthetic dataset "
                            + "of --raids raids (each a report, and usually FOI updates: about 2.6 rows a raid), in the order the events happen. "
                            + "The same --raids and --seed give the same files.",
                    "Exit status: 0 written; 2 usage error or a folder that cannot be written."})
    static final class Dataset implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--raids", paramLabel = "N", defaultValue = "400000", description = "Raids (default: ${DEFAULT-VALUE}).")
        int raids;

        @Option(names = "--seed", paramLabel = "S", defaultValue = "" + DemoDataset.DEFAULT_SEED,
                description = "Seed of the synthetic dataset (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--out", paramLabel = "DIR", required = true, description = "Folder for the two files (created if missing).")
        Path out;

        @Override
        public Integer call() throws Exception {
            if (raids < 1) {
                throw new Failures.UsageFailure("--raids must be positive");
            }
            DatasetFiles.Written written;
            try {
                written = DatasetFiles.write(DemoDataset.generate(seed, raids), out);
            } catch (java.io.IOException e) {
                throw new Failures.UsageFailure("cannot write the dataset to " + out + ": " + e.getMessage());
            }
            PrintWriter console = spec.commandLine().getOut();
            console.printf(Locale.ROOT, "raidwatch bench dataset: %,d raids, seed %d%n  %s: %,d rows%n  %s: %,d rows%n", raids, seed,
                    written.raidReports(), written.raidReportRows(), written.foiUpdates(), written.foiUpdateRows());
            console.flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "flags", mixinStandardHelpOptions = true, sortOptions = false,
            header = "How fast a running raidwatch lists flags to many dashboards at once.",
            description = {
                    "Sends GET --url from --clients threads at once, --rounds requests each one after the other (after --warm-up untimed ones), "
                            + "accepting gzip as browsers do, to a raidwatch already running "
                            + "(run, or demo: for example demo --raids 400000 --speed 100000 --http-port 8080 holds about a million flags once fed). "
                            + "Each request is timed from sending to the answer's last byte.",
                    "Reports p50, p99 and the maximum, how many flags matched (the answers' total) and the failures.",
                    "Exit status: 0 measured, every request answered 200; 1 some request failed or was not answered; 2 usage error."})
    static final class Flags implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--url", paramLabel = "URL", defaultValue = "http://127.0.0.1:8080/api/flags?limit=1000",
                description = "The listing to ask (default: ${DEFAULT-VALUE}).")
        java.net.URI url;

        @Option(names = "--clients", paramLabel = "C", defaultValue = "50", description = "Clients asking at once (default: ${DEFAULT-VALUE}).")
        int clients;

        @Option(names = "--rounds", paramLabel = "N", defaultValue = "20",
                description = "Requests each client sends, one after the other (default: ${DEFAULT-VALUE}).")
        int rounds;

        @Option(names = "--warm-up", paramLabel = "N", defaultValue = "2",
                description = "Untimed requests each client sends first (default: ${DEFAULT-VALUE}).")
        int warmUp;

        @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "60s", converter = DurationConverter.class,
                description = "How long one request may take (default: ${DEFAULT-VALUE}).")
        Duration timeout;

        @Option(names = "--json", description = "Print one line of JSON instead of the summary.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            if (clients < 1 || rounds < 1 || warmUp < 0) {
                throw new Failures.UsageFailure("--clients and --rounds must be positive, --warm-up not negative");
            }
            if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) {
                throw new Failures.UsageFailure("--url must be an http or https address, got " + url);
            }
            FlagsRequestLoad.Result result = FlagsRequestLoad.run(new FlagsRequestLoad.Options(url, clients, rounds, warmUp, timeout));
            PrintWriter out = spec.commandLine().getOut();
            List<String> command = new ArrayList<>(List.of("--url", url.toString(), "--clients", "" + clients, "--rounds", "" + rounds,
                    "--warm-up", "" + warmUp, "--timeout", timeout.toString()));
            if (json) {
                command.add("--json");
                out.println(BenchJson.flags(result, clients, rounds, commandLine("flags", command)));
            } else {
                out.printf(Locale.ROOT, "raidwatch bench flags: %d clients x %d requests of %s in %.1f s%n", clients, rounds, url,
                        seconds(result.wall()));
                out.printf(Locale.ROOT, "  answered          %,d (%,d flags matched; %,d bytes an answer)%n", result.millis().length,
                        result.total(), result.bytes());
                out.printf(Locale.ROOT, "  p50 / p99 / max   %.0f / %.0f / %d ms%n", result.percentile(50), result.percentile(99), result.max());
                out.printf(Locale.ROOT, "  failed            %,d%s%n", result.failures(),
                        result.firstFailure() == null ? "" : " (first: " + result.firstFailure() + ")");
                out.println("  command: " + commandLine("flags", command));
            }
            out.flush();
            return result.failures() == 0 ? ExitCodes.OK : ExitCodes.FAILED;
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
