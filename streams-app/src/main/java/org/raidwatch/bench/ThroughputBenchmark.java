package org.raidwatch.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.kstream.Produced;
import org.raidwatch.demo.DemoDataset;
import org.raidwatch.rules.RuleSet;
import org.raidwatch.runner.StreamsRunner;
import org.raidwatch.serving.StateQueries;
import org.raidwatch.topology.CaseTopology;
import org.raidwatch.topology.FlagStoreChanges;
import org.raidwatch.topology.Topic;
import org.raidwatch.topology.TopicNames;
import org.raidwatch.topology.TopicRole;
import org.raidwatch.topology.Topics;

/**
 * How fast raidwatch processes raid reports and FOI updates, against what Kafka Streams itself
 * costs on the same machine. The synthetic national dataset is loaded once into the input topics;
 * then, after both applications have run once over a smaller dataset on topics of their own (so the
 * JIT has compiled the serdes, the topology and the rules before anything is timed), a pass-through
 * application (decode every record with the same Avro serde and encode it again, exactly-once) and
 * raidwatch take turns over the same inputs, {@code repeat} times each, every run with its own
 * application id and output topics. Medians are reported.
 */
public final class ThroughputBenchmark {

    /** Events per raid in the synthetic dataset, about: used to size it from a count of events. */
    private static final double EVENTS_PER_RAID = 2.5;
    /**
     * The warm-up runs' dataset by default, whatever the measured one's size: a smaller one left the
     * JIT still compiling through a 100,000-event measurement (its three runs sped up by 80%).
     */
    public static final int DEFAULT_WARM_UP_EVENTS = 200_000;

    /** How long the rate-deltas record count must stay unchanged to be final: several rate flushes. */
    private static final Duration RATE_DELTAS_QUIET = Duration.ofSeconds(3);

    private ThroughputBenchmark() {
    }

    /**
     * What to measure.
     *
     * @param events     events in the dataset (the dataset is cut to exactly this many); 0 to size it by {@code raids}
     * @param raids      raids in the dataset, when {@code events} is 0
     * @param instances  Kafka Streams instances of each application in this process, each with {@code threads} stream threads
     * @param repeat     how many times each application runs over the inputs
     * @param warmUpEvents events in the dataset both applications run over first, untimed
     * @param listFlags  run raidwatch a second time in every round, listing its first 1,000 open flags once a
     *                   second as a dashboard does, to measure what listing costs the stream
     */
    public record Options(long events, int raids, long seed, int partitions, int threads, int instances, int repeat, int warmUpEvents,
                          boolean listFlags, Duration timeout) {
    }

    /**
     * One application's pass over the inputs.
     *
     * @param startup            from starting the application until it reported RUNNING
     * @param processing         from RUNNING until its committed offsets reached the end of the inputs
     * @param streamThreadCpu    CPU time of its stream threads, nanoseconds (-1 when the JVM cannot tell)
     * @param clientThreadCpu    CPU time of every thread of the application (stream threads, producer I/O, heartbeats)
     * @param processCpu         CPU time of the whole process meanwhile, the in-process broker's included
     * @param heapPeak           the most heap in use seen meanwhile (sampled every 50 ms), bytes
     * @param rssPeak            the process's peak resident set meanwhile (the broker's included), bytes; -1 when unknown
     * @param rateDeltaRecords   records raidwatch wrote to its rate-deltas repartition topic (-1 for the baseline)
     * @param listingMillis      how long each flags listing asked meanwhile took (empty unless asked for)
     * @param rocksDb            the RocksDB memory of the application's stores once the inputs were consumed
     */
    public record Run(String name, long events, Duration startup, Duration processing, long streamThreadCpu,
                      long clientThreadCpu, long processCpu, long heapPeak, long rssPeak, long rateDeltaRecords, List<Long> listingMillis,
                      RocksDbMemory rocksDb) {

        public double eventsPerSecond() {
            return events / (processing.toNanos() / 1e9);
        }

        public double streamThreadMicrosPerEvent() {
            return streamThreadCpu < 0 ? Double.NaN : streamThreadCpu / 1e3 / events;
        }

        public double clientThreadMicrosPerEvent() {
            return clientThreadCpu < 0 ? Double.NaN : clientThreadCpu / 1e3 / events;
        }

        public double processMicrosPerEvent() {
            return processCpu / 1e3 / events;
        }
    }

    /**
     * @param raidReports  raid reports among the events
     * @param load         how long loading the pre-serialized events took, every send acknowledged
     * @param warmUpEvents events in the warm-up dataset both applications ran over first, untimed
     * @param baselines    the pass-through's runs, in order
     * @param pipelines    raidwatch's runs, in order (each ran right after the baseline run of the same index)
     * @param listed       raidwatch's runs with its flags listed once a second, one a round (before the plain
     *                     run in even rounds, after it in odd ones); empty unless asked for
     */
    public record Result(long events, long raidReports, Duration load, long warmUpEvents, List<Run> baselines, List<Run> pipelines,
                         List<Run> listed) {

        public double listedEventsPerSecond() {
            return median(listed, Run::eventsPerSecond);
        }

        /** The median over the rounds of how much lower the listed run's throughput was than the plain one's (0.05: 5% lower). */
        public double listingCost() {
            List<Double> costs = new ArrayList<>();
            for (int i = 0; i < listed.size(); i++) {
                costs.add(1 - listed.get(i).eventsPerSecond() / pipelines.get(i).eventsPerSecond());
            }
            return median(costs, c -> c);
        }

        public double baselineEventsPerSecond() {
            return median(baselines, Run::eventsPerSecond);
        }

        public double pipelineEventsPerSecond() {
            return median(pipelines, Run::eventsPerSecond);
        }

        /** The median of the pairs' ratios (each raidwatch run against the baseline run just before it). */
        public double ratio() {
            List<Double> ratios = new ArrayList<>();
            for (int i = 0; i < pipelines.size(); i++) {
                ratios.add(pipelines.get(i).eventsPerSecond() / baselines.get(i).eventsPerSecond());
            }
            return median(ratios, r -> r);
        }

        public double pipelineCpuMicrosPerEvent() {
            return median(pipelines, Run::streamThreadMicrosPerEvent);
        }

        public double baselineCpuMicrosPerEvent() {
            return median(baselines, Run::streamThreadMicrosPerEvent);
        }

        public double pipelineHeapPeakMib() {
            return median(pipelines, r -> r.heapPeak() / 1048576.0);
        }

        public double pipelineRssPeakMib() {
            return median(pipelines, r -> r.rssPeak() < 0 ? Double.NaN : r.rssPeak() / 1048576.0);
        }

        public double rateDeltaRecordsPerEvent() {
            return median(pipelines, r -> (double) r.rateDeltaRecords() / r.events());
        }

        public double rocksDbMib(ToDoubleFunction<RocksDbMemory> part) {
            return median(pipelines, r -> part.applyAsDouble(r.rocksDb()) / 1048576.0);
        }

        public long rocksDbEstimatedKeys() {
            return Math.round(median(pipelines, r -> r.rocksDb().estimatedKeys()));
        }

        /** Every flags listing's duration over raidwatch's listed runs, in milliseconds, sorted. */
        public long[] listingMillis() {
            return listed.stream().flatMap(r -> r.listingMillis().stream()).mapToLong(Long::longValue).sorted().toArray();
        }
    }

    /**
     * RocksDB's own memory, off the Java heap, summed over the application's persistent stores (Kafka
     * Streams' properties-based metrics): memtables, block caches, and the index and filter blocks
     * of the table readers; and how many keys the stores estimate they hold.
     */
    public record RocksDbMemory(long memTables, long blockCache, long tableReaders, long estimatedKeys) {

        static RocksDbMemory of(List<StreamsRunner> runners) {
            return new RocksDbMemory(sum(runners, "size-all-mem-tables"), sum(runners, "block-cache-usage"),
                    sum(runners, "estimate-table-readers-mem"), sum(runners, "estimate-num-keys"));
        }

        private static long sum(List<StreamsRunner> runners, String metric) {
            return (long) runners.stream().flatMap(runner -> BenchmarkRig.metricValues(runner.kafkaStreams().metrics(),
                    "stream-state-metrics", metric, tags -> true).stream()).mapToDouble(Double::doubleValue).sum();
        }
    }

    /** The median of the values (the mean of the middle two for an even count). */
    static <T> double median(List<T> items, ToDoubleFunction<T> value) {
        double[] values = items.stream().mapToDouble(value).sorted().toArray();
        if (values.length == 0) {
            return Double.NaN;
        }
        int middle = values.length / 2;
        return values.length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }

    /** The dataset the options ask for: by events, cut to exactly that many; or by raids. */
    public static List<DemoDataset.Event> dataset(long seed, long events, int raids) {
        if (events <= 0) {
            return DemoDataset.generate(seed, raids);
        }
        int sized = (int) Math.min(Integer.MAX_VALUE, Math.ceil(events / EVENTS_PER_RAID));
        List<DemoDataset.Event> generated = DemoDataset.generate(seed, sized);
        while (generated.size() < events) {
            sized = (int) Math.min(Integer.MAX_VALUE, sized * 1.1 + 1);
            generated = DemoDataset.generate(seed, sized);
        }
        return List.copyOf(generated.subList(0, (int) events));
    }

    /**
     * Runs the benchmark.
     *
     * @param progress told what is happening, a line at a time (a run can take minutes)
     */
    public static Result run(RuleSet rules, Options options, Consumer<String> progress) throws InterruptedException {
        BenchmarkRig.enableThreadCpuTime();
        List<DemoDataset.Event> events = dataset(options.seed(), options.events(), options.raids());
        List<DemoDataset.Event> warmUp = dataset(options.seed() + 1, options.warmUpEvents(), 0);
        try (BenchmarkRig rig = BenchmarkRig.start("raidwatch-bench-", options.partitions())) {
            progress.accept(String.format(java.util.Locale.ROOT, "loading %,d events", events.size()));
            Topics topics = rig.topics();
            long raidReports = events.stream().filter(e -> e.report() != null).count();
            Duration load = load(rig, topics, events);
            Map<TopicPartition, Long> ends = loadedEnds(rig, topics, events.size());

            progress.accept(String.format(java.util.Locale.ROOT, "warming up: both applications over %,d other events on other topics",
                    warmUp.size()));
            Topics warmUpTopics = rig.topicsNamed(prefixed("warm-up-"), options.partitions());
            load(rig, warmUpTopics, warmUp);
            Map<TopicPartition, Long> warmUpEnds = loadedEnds(rig, warmUpTopics, warmUp.size());
            baseline(rig, options, warmUpTopics, "warm-up", warmUpEnds, warmUp.size());
            pipeline(rig, rules, options, warmUpTopics, "warm-up", warmUpEnds, warmUp.size(), options.listFlags());

            List<Run> baselines = new ArrayList<>();
            List<Run> pipelines = new ArrayList<>();
            List<Run> listed = new ArrayList<>();
            for (int round = 1; round <= options.repeat(); round++) {
                progress.accept("round " + round + " of " + options.repeat() + ": baseline");
                baselines.add(baseline(rig, options, topics, "" + round, ends, events.size()));
                // Each raidwatch run writes outputs of its own, so none starts with another's flags in its global store.
                boolean listedFirst = options.listFlags() && round % 2 == 0;
                if (listedFirst) {
                    listed.add(listedPipeline(rig, rules, options, round, ends, events.size(), progress));
                }
                progress.accept("round " + round + " of " + options.repeat() + ": raidwatch");
                Topics runTopics = rig.topicsNamed(inputsWithOutputsPrefixed("run-" + round + "-"), options.partitions());
                pipelines.add(pipeline(rig, rules, options, runTopics, "" + round, ends, events.size(), false));
                if (options.listFlags() && !listedFirst) {
                    listed.add(listedPipeline(rig, rules, options, round, ends, events.size(), progress));
                }
            }
            return new Result(events.size(), raidReports, load, warmUp.size(), baselines, pipelines, listed);
        }
    }

    private static Run baseline(BenchmarkRig rig, ThroughputBenchmark.Options options, Topics topics, String round,
                                Map<TopicPartition, Long> ends, long events) throws InterruptedException {
        String applicationId = "bench-baseline-" + round;
        String copyPrefix = "bench-copy-" + round + "-";
        rig.createTopic(copyPrefix + topics.raidReports().name(), options.partitions());
        rig.createTopic(copyPrefix + topics.foiUpdates().name(), options.partitions());
        return measure(rig, "baseline", applicationId, options, props -> passThrough(props, topics, copyPrefix), ends, events, null, null);
    }

    private static Run listedPipeline(BenchmarkRig rig, RuleSet rules, ThroughputBenchmark.Options options, int round,
                                      Map<TopicPartition, Long> ends, long events, Consumer<String> progress) throws InterruptedException {
        progress.accept("round " + round + " of " + options.repeat() + ": raidwatch, its flags listed once a second");
        Topics runTopics = rig.topicsNamed(inputsWithOutputsPrefixed("listed-" + round + "-"), options.partitions());
        return pipeline(rig, rules, options, runTopics, "listed-" + round, ends, events, true);
    }

    private static Run pipeline(BenchmarkRig rig, RuleSet rules, ThroughputBenchmark.Options options, Topics topics, String round,
                                Map<TopicPartition, Long> ends, long events, boolean listFlags) throws InterruptedException {
        String applicationId = "bench-raidwatch-" + round;
        CaseTopology.Settings settings = CaseTopology.Settings.live().withInputPartitions(options.partitions());
        List<FlagStoreChanges> flagChanges = new ArrayList<>(); // each instance's, in the order they are built
        return measure(rig, "raidwatch", applicationId, options, props -> {
            FlagStoreChanges changes = new FlagStoreChanges();
            flagChanges.add(changes);
            return CaseTopology.build(props, topics, rules, settings, changes);
        }, ends, events, applicationId + "-" + CaseTopology.RATE_DELTAS_TOPIC + "-repartition",
                listFlags ? new Listed(topics, flagChanges) : null);
    }

    /** What the flags listing of the first instance reads: its topics and the changes its flags store takes. */
    private record Listed(Topics topics, List<FlagStoreChanges> flagChangesByInstance) {
        StateQueries queries(StreamsRunner first) {
            return StateQueries.of(first, topics, flagChangesByInstance.get(0));
        }
    }

    private static TopicNames prefixed(String prefix) {
        Map<TopicRole, String> names = new EnumMap<>(TopicRole.class);
        for (TopicRole role : TopicRole.values()) {
            names.put(role, prefix + role.defaultName());
        }
        return TopicNames.of(names);
    }

    private static TopicNames inputsWithOutputsPrefixed(String prefix) {
        Map<TopicRole, String> names = new EnumMap<>(TopicRole.class);
        for (TopicRole role : TopicRole.values()) {
            boolean input = role == TopicRole.RAID_REPORTS || role == TopicRole.FOI_UPDATES;
            names.put(role, input ? role.defaultName() : prefix + role.defaultName());
        }
        return TopicNames.of(names);
    }

    private static Map<TopicPartition, Long> loadedEnds(BenchmarkRig rig, Topics topics, long expected) throws InterruptedException {
        Map<TopicPartition, Long> ends = rig.endOffsets(List.of(topics.raidReports().name(), topics.foiUpdates().name()));
        long loaded = ends.values().stream().mapToLong(Long::longValue).sum();
        if (loaded != expected) {
            throw new IllegalStateException("the input topics hold " + loaded + " records, " + expected + " were sent");
        }
        return ends;
    }

    /** Loads the events, serialized beforehand so that encoding them is not part of the load time. */
    private static Duration load(BenchmarkRig rig, Topics topics, List<DemoDataset.Event> events) {
        List<ProducerRecord<String, byte[]>> records = serialized(events, topics);
        long started = System.nanoTime();
        try (BenchmarkRig.Sender sender = rig.sender()) {
            records.forEach(sender::send);
            sender.awaitAcknowledged();
        }
        return Duration.ofNanos(System.nanoTime() - started);
    }

    private static List<ProducerRecord<String, byte[]>> serialized(List<DemoDataset.Event> events, Topics topics) {
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>(events.size());
        for (DemoDataset.Event event : events) {
            if (event.report() != null) {
                records.add(record(topics.raidReports(), event.report().getRaidId(), event.report()));
            } else {
                records.add(record(topics.foiUpdates(), event.foiUpdate().getRaidId(), event.foiUpdate()));
            }
        }
        return records;
    }

    private static <V> ProducerRecord<String, byte[]> record(Topic<String, V> topic, String raidId, V value) {
        return new ProducerRecord<>(topic.name(), raidId, topic.valueSerde().serializer().serialize(topic.name(), value));
    }

    /**
     * Runs one application (its instances in this process) from a cold start until it has consumed
     * every input, and measures it.
     *
     * @param rateDeltasTopic the repartition topic whose records to count once the rates have settled; null for none
     */
    private static Run measure(BenchmarkRig rig, String name, String applicationId, Options options,
                               Function<Properties, Topology> topology, Map<TopicPartition, Long> ends, long events,
                               String rateDeltasTopic, Listed listed) throws InterruptedException {
        System.gc(); // the previous run's garbage is not this one's heap
        long deadline = System.nanoTime() + options.timeout().toNanos();
        List<StreamsRunner> runners = new ArrayList<>();
        try (MemoryWatch memory = MemoryWatch.start()) {
            long cpuBefore = BenchmarkRig.processCpuNanos();
            long started = System.nanoTime();
            try {
                for (int i = 0; i < options.instances(); i++) {
                    Properties props = rig.streamsProperties(applicationId, options.threads(), i);
                    runners.add(new StreamsRunner(topology.apply(props), props));
                }
                startTogether(applicationId, runners, options.timeout());
                long running = System.nanoTime();
                long consumed;
                List<Long> listingMillis;
                try (FlagsListingLoad listing = listed == null ? null : FlagsListingLoad.start(listed.queries(runners.get(0)))) {
                    consumed = rig.awaitInputsConsumed(applicationId, ends, runners, deadline);
                    listingMillis = listing == null ? List.of() : listing.millis();
                }
                // Sampled before closing, while the threads are alive; the settling below is idle time.
                BenchmarkRig.ThreadCpu threadCpu = BenchmarkRig.threadCpu(applicationId);
                long processCpu = BenchmarkRig.processCpuNanos() - cpuBefore;
                MemoryWatch.Peaks peaks = memory.peaks();
                RocksDbMemory rocksDb = RocksDbMemory.of(runners);
                long rateDeltas = rateDeltasTopic == null ? -1 : settledRecordsSent(runners, rateDeltasTopic, deadline);
                return new Run(name, events, Duration.ofNanos(running - started), Duration.ofNanos(consumed - running),
                        threadCpu.streamThreads(), threadCpu.clientThreads(), processCpu, peaks.heap(), peaks.rss(), rateDeltas, listingMillis, rocksDb);
            } finally {
                runners.forEach(StreamsRunner::close);
            }
        }
    }

    /** Starts the instances at once (one after the other, each would rebalance the ones already running). */
    private static void startTogether(String applicationId, List<StreamsRunner> runners, Duration timeout) throws InterruptedException {
        List<java.util.concurrent.CompletableFuture<Boolean>> started = runners.stream()
                .map(runner -> java.util.concurrent.CompletableFuture.supplyAsync(() -> runner.start(timeout))).toList();
        for (int i = 0; i < runners.size(); i++) {
            boolean running;
            try {
                running = started.get(i).get();
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException(applicationId + " did not start: " + e.getCause(), e.getCause());
            }
            if (!running) {
                throw new IllegalStateException(applicationId + " did not start (state " + runners.get(i).state() + ")",
                        runners.get(i).failure());
            }
        }
    }

    /**
     * Records the application's producers sent to a topic, once the count has stopped moving (rate
     * sums are sent on a wall-clock flush after the inputs are consumed). Counted from the
     * producers' own metrics rather than by reading the topic: Kafka Streams purges consumed
     * repartition records, and a topic's offsets also count transaction markers.
     */
    private static long settledRecordsSent(List<StreamsRunner> runners, String topic, long deadlineNanos) throws InterruptedException {
        long count = recordsSent(runners, topic);
        long unchangedSince = System.nanoTime();
        while (System.nanoTime() - unchangedSince < RATE_DELTAS_QUIET.toNanos() && System.nanoTime() < deadlineNanos) {
            Thread.sleep(BenchmarkRig.POLL_INTERVAL.toMillis());
            long now = recordsSent(runners, topic);
            if (now != count) {
                count = now;
                unchangedSince = System.nanoTime();
            }
        }
        return count;
    }

    private static long recordsSent(List<StreamsRunner> runners, String topic) {
        return (long) runners.stream().flatMap(runner -> BenchmarkRig.metricValues(runner.kafkaStreams().metrics(),
                "producer-topic-metrics", "record-send-total", tags -> topic.equals(tags.get("topic"))).stream())
                .mapToDouble(Double::doubleValue).sum();
    }

    /**
     * The baseline: each input record decoded with raidwatch's Avro serde and encoded again to a copy
     * topic, nothing else; every node named, as raidwatch's settings require.
     */
    static Topology passThrough(Properties props, Topics topics, String copyPrefix) {
        StreamsBuilder builder = new StreamsBuilder(new TopologyConfig(new StreamsConfig(props)));
        copy(builder, topics.raidReports(), copyPrefix + topics.raidReports().name(), "raid-reports");
        copy(builder, topics.foiUpdates(), copyPrefix + topics.foiUpdates().name(), "foi-updates");
        return builder.build(props);
    }

    private static <V> void copy(StreamsBuilder builder, Topic<String, V> input, String output, String name) {
        builder.stream(input.name(), input.consumed(name + "-source"))
                .to(output, Produced.with(input.keySerde(), input.valueSerde()).withName(name + "-copy-sink"));
    }
}
