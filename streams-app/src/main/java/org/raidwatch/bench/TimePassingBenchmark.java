package org.raidwatch.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.raidwatch.contract.Forces;
import org.raidwatch.contract.London;
import org.raidwatch.demo.SimulatedClock;
import org.raidwatch.rules.RuleSet;
import org.raidwatch.rules.WorkingDays;
import org.raidwatch.runner.StreamsRunner;
import org.raidwatch.schema.CaseFlag;
import org.raidwatch.schema.FlagStatus;
import org.raidwatch.schema.FoiStatus;
import org.raidwatch.schema.FoiUpdate;
import org.raidwatch.schema.RaidReport;
import org.raidwatch.topology.CaseTopology;
import org.raidwatch.topology.Topics;

/**
 * How raidwatch copes when time alone changes many cases at once: every case is a claimed raid
 * whose FOI request is still unanswered and not yet overdue; the calendar then jumps 60 days, so
 * every request falls overdue together, and the benchmark measures how long raidwatch takes to
 * raise every {@code foi-overdue} flag, how long its punctuations ran meanwhile, whether the
 * application stayed RUNNING, and whether any flag was raised twice.
 */
public final class TimePassingBenchmark {

    static final String APPLICATION_ID = "bench-time-passing";
    static final String RULE = "foi-overdue";
    /** The 20 working days the rule allows (its {@code @dueAfterWorkingDays}). */
    private static final int WORKING_DAYS_ALLOWED = 20;
    /** "Today" when the cases are loaded: a Monday clear of bank holidays. */
    static final LocalDate START_DAY = LocalDate.of(2025, 3, 3);
    /** Requests went out on the 20 days before the start, so their deadlines fall on many different days ahead. */
    private static final int REQUEST_DAYS = 20;
    public static final Duration CLOCK_JUMP = Duration.ofDays(60);
    public static final Duration TIME_CHECK_INTERVAL = Duration.ofMillis(250);
    /** After the last flag, how long to keep reading for a second copy of any flag. */
    private static final Duration DUPLICATE_WATCH = Duration.ofSeconds(3);

    private TimePassingBenchmark() {
    }

    /**
     * @param load               loading the cases' raid reports and FOI requests, every send acknowledged
     * @param inputsProcessed    from RUNNING until every input was consumed
     * @param raisedEarly        flags raised before the calendar moved (none is right)
     * @param raised             distinct cases with a raised flag
     * @param toFirstFlag        from the calendar's jump to the first flag read; null when none came
     * @param toRaiseAll         from the calendar's jump until every case's flag was read; null when not all came
     * @param duplicates         flags raised again for a case that already had one
     * @param punctuateLatencyMaxMs  the highest "punctuate-latency-max" of any stream thread seen while the flags came
     * @param punctuateLatencyAvgMs  "punctuate-latency-avg" when the last flag came (Kafka Streams' rolling window, about a minute)
     * @param punctuations       punctuations from the jump until the last flag came
     * @param disruptions        every departure from RUNNING, rebalance or failure after the start
     */
    public record Result(int cases, Duration load, Duration inputsProcessed, long raisedEarly, long raised,
                         Duration toFirstFlag, Duration toRaiseAll, long duplicates, double punctuateLatencyMaxMs,
                         double punctuateLatencyAvgMs, long punctuations, List<String> disruptions) {

        /** Every flag raised once, at the right time, with the application running throughout. */
        public boolean clean() {
            return toRaiseAll != null && raised == cases && raisedEarly == 0 && duplicates == 0 && disruptions.isEmpty();
        }
    }

    public static Result run(RuleSet rules, int cases, int partitions, Duration timeout) throws InterruptedException {
        checkDeadlinesFallInTheJump();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (BenchmarkRig rig = BenchmarkRig.start("raidwatch-bench-", partitions)) {
            Topics topics = rig.topics();
            long loadStarted = System.nanoTime();
            try (BenchmarkRig.Sender sender = rig.sender()) {
                for (int i = 0; i < cases; i++) {
                    sendCase(sender, topics, i);
                }
                sender.awaitAcknowledged();
            }
            Duration load = Duration.ofNanos(System.nanoTime() - loadStarted);
            Map<TopicPartition, Long> ends = rig.endOffsets(List.of(topics.raidReports().name(), topics.foiUpdates().name()));

            SimulatedClock calendar = new SimulatedClock(START_DAY.atTime(12, 0).atZone(London.ZONE).toInstant(), London.ZONE);
            CaseTopology.Settings settings = CaseTopology.Settings.liveWithClock(calendar, TIME_CHECK_INTERVAL)
                    .withInputPartitions(partitions);
            Properties props = rig.streamsProperties(APPLICATION_ID, 1);
            try (StreamsRunner runner = new StreamsRunner(CaseTopology.build(props, topics, rules, settings), props);
                 FlagCounter flags = new FlagCounter(rig.clientProperties(), topics)) {
                if (!runner.start(timeout)) {
                    throw new IllegalStateException("raidwatch did not start (state " + runner.state() + ")", runner.failure());
                }
                long running = System.nanoTime();
                StateWatch watch = StateWatch.start(runner);
                try {
                    return measure(runner, flags, watch, rig, ends, calendar, cases, running, deadline, load);
                } finally {
                    watch.stop();
                }
            }
        }
    }

    /** From RUNNING: wait for the inputs, move the calendar, count the flags as they come. */
    private static Result measure(StreamsRunner runner, FlagCounter flags, StateWatch watch, BenchmarkRig rig,
                                  Map<TopicPartition, Long> ends, SimulatedClock calendar, int cases, long running,
                                  long deadline, Duration load) throws InterruptedException {
        double rebalancesAtStart = rebalances(runner);
        long consumed = rig.awaitInputsConsumed(APPLICATION_ID, ends, runner, deadline);
        // What was raised before the jump has been committed with the inputs; read it all.
        flags.readFor(Duration.ofSeconds(1));
        long raisedEarly = flags.raised();

        long punctuationsAtJump = punctuations(runner);
        calendar.advanceTo(calendar.instant().plus(CLOCK_JUMP));
        long jumped = System.nanoTime();
        long firstFlag = -1;
        long allRaised = -1;
        double latencyMax = Double.NaN;
        double latencyAvg = Double.NaN;
        long punctuationsAtEnd = punctuationsAtJump;
        while (System.nanoTime() < deadline && runner.failure() == null) {
            flags.readFor(BenchmarkRig.POLL_INTERVAL);
            long now = System.nanoTime();
            if (firstFlag < 0 && flags.raised() > raisedEarly) {
                firstFlag = now;
            }
            latencyMax = max(latencyMax, threadMetric(runner, "punctuate-latency-max"));
            latencyAvg = threadMetric(runner, "punctuate-latency-avg");
            punctuationsAtEnd = punctuations(runner);
            if (flags.raised() >= cases) {
                allRaised = now;
                break;
            }
        }
        if (allRaised >= 0) {
            // A flag raised twice would come after its first copy; give it time to show.
            flags.readFor(DUPLICATE_WATCH);
            latencyMax = max(latencyMax, threadMetric(runner, "punctuate-latency-max"));
        }
        List<String> disruptions = new ArrayList<>(watch.stop());
        double rebalanceCount = rebalances(runner) - rebalancesAtStart;
        if (rebalanceCount > 0) {
            disruptions.add((long) rebalanceCount + " rebalance(s) after the start");
        }
        if (runner.failure() != null) {
            disruptions.add("stopped on an error: " + runner.failure());
        }
        return new Result(cases, load, Duration.ofNanos(consumed - running), raisedEarly, flags.raised(),
                firstFlag < 0 ? null : Duration.ofNanos(firstFlag - jumped),
                allRaised < 0 ? null : Duration.ofNanos(allRaised - jumped), flags.duplicates(),
                latencyMax, latencyAvg, punctuationsAtEnd - punctuationsAtJump, disruptions);
    }

    /** The benchmark means something only if no request is overdue at the start and every one is after the jump. */
    private static void checkDeadlinesFallInTheJump() {
        LocalDate end = START_DAY.plusDays(CLOCK_JUMP.toDays());
        for (int i = 0; i < REQUEST_DAYS; i++) {
            LocalDate requestedOn = requestedOn(i);
            if (WorkingDays.between(requestedOn, START_DAY) > WORKING_DAYS_ALLOWED
                    || WorkingDays.between(requestedOn, end) <= WORKING_DAYS_ALLOWED) {
                throw new IllegalStateException("a request sent on " + requestedOn + " is not due between " + START_DAY + " and " + end);
            }
        }
    }

    private static LocalDate requestedOn(int caseNumber) {
        return START_DAY.minusDays(1 + caseNumber % REQUEST_DAYS);
    }

    /** One case: a claimed raid reported two months before its FOI request, and the request, unanswered. */
    private static void sendCase(BenchmarkRig.Sender sender, Topics topics, int caseNumber) {
        String raidId = String.format(Locale.ROOT, "T%07d", caseNumber);
        String force = Forces.CANONICAL_NAMES.get(caseNumber % Forces.CANONICAL_NAMES.size());
        LocalDate requestedOn = requestedOn(caseNumber);
        LocalDate raidDate = requestedOn.minusDays(60);
        RaidReport report = RaidReport.newBuilder()
                .setRaidId(raidId).setRevision(0).setForce(force).setRaidDate(raidDate)
                .setReportedAt(raidDate.plusDays(1).atTime(9, 0).atZone(London.ZONE).toInstant())
                .setTraffickingClaimed(true).setModernSlaveryClaimed(false)
                .build();
        FoiUpdate request = FoiUpdate.newBuilder()
                .setFoiId("FOI-" + raidId).setRaidId(raidId).setForce(force).setRequestedOn(requestedOn)
                .setStatus(FoiStatus.REQUESTED).setRevision(0)
                .build();
        String reports = topics.raidReports().name();
        String updates = topics.foiUpdates().name();
        sender.send(new ProducerRecord<>(reports, raidId, topics.raidReports().valueSerde().serializer().serialize(reports, report)));
        sender.send(new ProducerRecord<>(updates, raidId, topics.foiUpdates().valueSerde().serializer().serialize(updates, request)));
    }

    /** The highest value of a stream-thread metric across the application's stream threads. */
    private static double threadMetric(StreamsRunner runner, String name) {
        return BenchmarkRig.metricValues(runner.kafkaStreams().metrics(), "stream-thread-metrics", name, tags -> true).stream()
                .mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    private static long punctuations(StreamsRunner runner) {
        return (long) BenchmarkRig.metricValues(runner.kafkaStreams().metrics(), "stream-thread-metrics", "punctuate-total", tags -> true)
                .stream().mapToDouble(Double::doubleValue).sum();
    }

    /** Rebalances the application's consumers have joined (the classic group protocol's count). */
    private static double rebalances(StreamsRunner runner) {
        return BenchmarkRig.metricValues(runner.kafkaStreams().metrics(), "consumer-coordinator-metrics", "rebalance-total", tags -> true)
                .stream().mapToDouble(Double::doubleValue).sum();
    }

    private static double max(double a, double b) {
        return Double.isNaN(a) ? b : Double.isNaN(b) ? a : Math.max(a, b);
    }

    /**
     * Watches the application's state from a thread of its own, often enough to see a short
     * rebalance: the runner owns the application's one state listener.
     */
    private static final class StateWatch {
        private final List<String> departures = Collections.synchronizedList(new ArrayList<>());
        private final long started = System.nanoTime();
        private volatile boolean watching = true;
        private Thread thread;

        static StateWatch start(StreamsRunner runner) {
            StateWatch watch = new StateWatch();
            watch.thread = new Thread(() -> watch.follow(runner), "raidwatch-bench-state-watch");
            watch.thread.setDaemon(true);
            watch.thread.start();
            return watch;
        }

        private void follow(StreamsRunner runner) {
            KafkaStreams.State last = KafkaStreams.State.RUNNING;
            while (watching) {
                KafkaStreams.State now = runner.state();
                if (now != last) {
                    departures.add(String.format(Locale.ROOT, "%s -> %s at %.1f s", last, now,
                            (System.nanoTime() - started) / 1e9));
                    last = now;
                }
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        List<String> stop() throws InterruptedException {
            watching = false;
            thread.join(TimeUnit.SECONDS.toMillis(5));
            synchronized (departures) {
                return List.copyOf(departures);
            }
        }
    }

    /**
     * Reads flagged-cases as a subscriber would (read_committed, from the beginning) and counts, per
     * raid, the {@code foi-overdue} flags RAISED.
     */
    private static final class FlagCounter implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final Topics topics;
        private final Set<String> raisedRaids = new HashSet<>();
        private long duplicates;

        FlagCounter(Map<String, Object> clientProperties, Topics topics) {
            Map<String, Object> props = new HashMap<>(clientProperties);
            props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString().toLowerCase(Locale.ROOT));
            props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
            this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            this.topics = topics;
            String topic = topics.flaggedCases().name();
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        }

        /** Reads whatever arrives for about this long. */
        void readFor(Duration period) {
            long until = System.nanoTime() + period.toNanos();
            do {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(50))) {
                    count(record);
                }
            } while (System.nanoTime() < until);
        }

        private void count(ConsumerRecord<byte[], byte[]> record) {
            // The key is <raid id>|<rule id>: other rules' flags need no decoding.
            if (record.key() == null || !new String(record.key(), StandardCharsets.UTF_8).endsWith("|" + RULE)) {
                return;
            }
            CaseFlag flag = topics.flaggedCases().valueSerde().deserializer().deserialize(record.topic(), record.value());
            if (flag.getStatus() == FlagStatus.RAISED && RULE.equals(flag.getRuleId().toString())
                    && !raisedRaids.add(flag.getRaidId().toString())) {
                duplicates++;
            }
        }

        long raised() {
            return raisedRaids.size();
        }

        long duplicates() {
            return duplicates;
        }

        @Override
        public void close() {
            consumer.close(Duration.ofSeconds(5));
        }
    }
}
