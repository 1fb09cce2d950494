package org.raidwatch.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
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
import org.raidwatch.topology.CaseTopology;
import org.raidwatch.topology.Topic;
import org.raidwatch.topology.Topics;

/**
 * How fast raidwatch processes raid reports and FOI updates, against what Kafka Streams itself
 * costs on the same machine: the synthetic national dataset is loaded once into the input topics,
 * then read by a pass-through application (decode every record with the same Avro serde and encode
 * it again, exactly-once) and by raidwatch, each with its own application id, one after the other.
 */
public final class ThroughputBenchmark {

    static final String BASELINE_ID = "bench-baseline";
    static final String RAIDWATCH_ID = "bench-raidwatch";
    static final String RAID_REPORTS_COPY = "bench-raid-reports-copy";
    static final String FOI_UPDATES_COPY = "bench-foi-updates-copy";

    /** How long the rate-deltas record count must stay unchanged to be final: several rate flushes. */
    private static final Duration RATE_DELTAS_QUIET = Duration.ofSeconds(3);

    private ThroughputBenchmark() {
    }

    /**
     * One application's pass over the inputs.
     *
     * @param startup            from starting the application until it reported RUNNING
     * @param processing         from RUNNING until its committed offsets reached the end of the inputs
     * @param streamThreadCpu    CPU time of its stream threads, nanoseconds (-1 when the JVM cannot tell)
     * @param clientThreadCpu    CPU time of every thread of the application (stream threads, producer I/O, heartbeats)
     * @param processCpu         CPU time of the whole process meanwhile, the in-process broker's included
     * @param rateDeltaRecords   records raidwatch wrote to its rate-deltas repartition topic (-1 for the baseline)
     */
    public record Run(String name, long events, Duration startup, Duration processing, long streamThreadCpu,
                      long clientThreadCpu, long processCpu, long rateDeltaRecords) {

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
     */
    public record Result(int raids, long events, long raidReports, Duration load, Run baseline, Run raidwatch) {
    }

    public static Result run(RuleSet rules, int raids, long seed, int partitions, int threads, Duration timeout)
            throws InterruptedException {
        BenchmarkRig.enableThreadCpuTime();
        List<DemoDataset.Event> events = DemoDataset.generate(seed, raids);
        try (BenchmarkRig rig = BenchmarkRig.start("raidwatch-bench-", partitions)) {
            Topics topics = rig.topics();
            long raidReports = events.stream().filter(e -> e.report() != null).count();
            Duration load = load(rig, events);
            Map<TopicPartition, Long> ends = rig.endOffsets(List.of(topics.raidReports().name(), topics.foiUpdates().name()));
            long loaded = ends.values().stream().mapToLong(Long::longValue).sum();
            if (loaded != events.size()) {
                throw new IllegalStateException("the input topics hold " + loaded + " records, " + events.size() + " were sent");
            }
            rig.createTopic(RAID_REPORTS_COPY, partitions);
            rig.createTopic(FOI_UPDATES_COPY, partitions);

            Run baseline = measure(rig, "baseline", BASELINE_ID, threads, props -> passThrough(props, topics),
                    ends, events.size(), timeout, null);
            CaseTopology.Settings settings = CaseTopology.Settings.live().withInputPartitions(partitions);
            Run raidwatch = measure(rig, "raidwatch", RAIDWATCH_ID, threads,
                    props -> CaseTopology.build(props, topics, rules, settings), ends, events.size(), timeout,
                    RAIDWATCH_ID + "-" + CaseTopology.RATE_DELTAS_TOPIC + "-repartition");
            return new Result(raids, events.size(), raidReports, load, baseline, raidwatch);
        }
    }

    /** Loads the events, serialized beforehand so that encoding them is not part of the load time. */
    private static Duration load(BenchmarkRig rig, List<DemoDataset.Event> events) {
        List<ProducerRecord<String, byte[]>> records = serialized(events, rig.topics());
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
     * Runs one application from a cold start until it has consumed every input, and measures it.
     *
     * @param rateDeltasTopic the repartition topic whose records to count once the rates have settled; null for none
     */
    private static Run measure(BenchmarkRig rig, String name, String applicationId, int threads,
                               Function<Properties, Topology> topology, Map<TopicPartition, Long> ends, long events,
                               Duration timeout, String rateDeltasTopic) throws InterruptedException {
        Properties props = rig.streamsProperties(applicationId, threads);
        Topology built = topology.apply(props);
        long deadline = System.nanoTime() + timeout.toNanos();
        long cpuBefore = BenchmarkRig.processCpuNanos();
        long started = System.nanoTime();
        try (StreamsRunner runner = new StreamsRunner(built, props)) {
            if (!runner.start(timeout)) {
                throw new IllegalStateException(applicationId + " did not start (state " + runner.state() + ")", runner.failure());
            }
            long running = System.nanoTime();
            long consumed = rig.awaitInputsConsumed(applicationId, ends, runner, deadline);
            // Sampled before closing, while the threads are alive; the settling below is idle time.
            BenchmarkRig.ThreadCpu threadCpu = BenchmarkRig.threadCpu(applicationId);
            long processCpu = BenchmarkRig.processCpuNanos() - cpuBefore;
            long rateDeltas = rateDeltasTopic == null ? -1 : settledRecordsSent(runner, rateDeltasTopic, deadline);
            return new Run(name, events, Duration.ofNanos(running - started), Duration.ofNanos(consumed - running),
                    threadCpu.streamThreads(), threadCpu.clientThreads(), processCpu, rateDeltas);
        }
    }

    /**
     * Records the application's producers sent to a topic, once the count has stopped moving (rate
     * sums are sent on a wall-clock flush after the inputs are consumed). Counted from the
     * producers' own metrics rather than by reading the topic: Kafka Streams purges consumed
     * repartition records, and a topic's offsets also count transaction markers.
     */
    private static long settledRecordsSent(StreamsRunner runner, String topic, long deadlineNanos) throws InterruptedException {
        long count = recordsSent(runner, topic);
        long unchangedSince = System.nanoTime();
        while (System.nanoTime() - unchangedSince < RATE_DELTAS_QUIET.toNanos() && System.nanoTime() < deadlineNanos) {
            Thread.sleep(BenchmarkRig.POLL_INTERVAL.toMillis());
            long now = recordsSent(runner, topic);
            if (now != count) {
                count = now;
                unchangedSince = System.nanoTime();
            }
        }
        return count;
    }

    private static long recordsSent(StreamsRunner runner, String topic) {
        return (long) BenchmarkRig.metricValues(runner.kafkaStreams().metrics(), "producer-topic-metrics", "record-send-total",
                tags -> topic.equals(tags.get("topic"))).stream().mapToDouble(Double::doubleValue).sum();
    }

    /**
     * The baseline: each input record decoded with raidwatch's Avro serde and encoded again to a copy
     * topic, nothing else; every node named, as raidwatch's settings require.
     */
    static Topology passThrough(Properties props, Topics topics) {
        StreamsBuilder builder = new StreamsBuilder(new TopologyConfig(new StreamsConfig(props)));
        copy(builder, topics.raidReports(), RAID_REPORTS_COPY, "raid-reports");
        copy(builder, topics.foiUpdates(), FOI_UPDATES_COPY, "foi-updates");
        return builder.build(props);
    }

    private static <V> void copy(StreamsBuilder builder, Topic<String, V> input, String output, String name) {
        builder.stream(input.name(), input.consumed(name + "-source"))
                .to(output, Produced.with(input.keySerde(), input.valueSerde()).withName(name + "-copy-sink"));
    }
}
