package org.raidwatch.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.raidwatch.demo.DemoDataset;
import org.raidwatch.rules.RuleSet;
import org.raidwatch.runner.StreamsRunner;
import org.raidwatch.topology.CaseTopology;
import org.raidwatch.topology.Topic;
import org.raidwatch.topology.Topics;

/**
 * How long a flag takes to reach a subscriber: a freshly started raidwatch instance is sent the
 * synthetic dataset's events at a steady rate, from the moment it first reports RUNNING, each
 * stamped with the time it is sent; a read_committed consumer of the flagged-cases topic notes, for
 * every flag change, the time it received it less the record's timestamp (Kafka Streams gives an
 * output the timestamp of the input that caused it). Flags raised by time passing carry the time
 * of the check that raised them, so they measure from then.
 */
public final class LatencyBenchmark {

    /** The slices whose p99 are reported, by when their inputs were sent. */
    public static final Duration SLICE = Duration.ofSeconds(10);
    /** After the last send, how long the flags may take to arrive before the run ends. */
    private static final Duration DRAIN = Duration.ofSeconds(30);
    private static final Duration QUIET = Duration.ofSeconds(3);

    private LatencyBenchmark() {
    }

    /**
     * @param rate      events offered per second
     * @param duration  how long they are offered
     */
    public record Options(int rate, Duration duration, long seed, int partitions, int threads, Duration timeout) {
    }

    /**
     * @param sent         events sent
     * @param sending      from the first send to the last
     * @param behind       the most the sender fell behind its schedule (the producer blocked), milliseconds
     * @param latenciesMs  every flag change's latency in milliseconds, in the order received
     * @param sliceP99Ms   the p99 of each slice of {@link #SLICE}, by when the flags' inputs were sent (NaN: no flag)
     * @param startup      from starting the instance until it reported RUNNING
     */
    public record Result(long sent, Duration sending, long behind, long[] latenciesMs, double[] sliceP99Ms, Duration startup) {

        public double percentile(double p) {
            return LatencyBenchmark.percentile(latenciesMs, p);
        }

        public long max() {
            return Arrays.stream(latenciesMs).max().orElse(-1);
        }

        public double offeredPerSecond() {
            return sent / Math.max(1e-9, sending.toNanos() / 1e9);
        }
    }

    /** The p-th percentile (0 to 100) by the nearest-rank method; NaN for no values. */
    public static double percentile(long[] values, double p) {
        if (values.length == 0) {
            return Double.NaN;
        }
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    public static Result run(RuleSet rules, Options options, Consumer<String> progress) throws InterruptedException {
        BenchmarkRig.enableThreadCpuTime();
        long wanted = (long) options.rate() * options.duration().toSeconds();
        List<DemoDataset.Event> events = ThroughputBenchmark.dataset(options.seed(), wanted, 0);
        try (BenchmarkRig rig = BenchmarkRig.start("raidwatch-bench-", options.partitions())) {
            Topics topics = rig.topics();
            List<ProducerRecord<String, byte[]>> records = new ArrayList<>(events.size());
            for (DemoDataset.Event event : events) {
                records.add(event.report() != null
                        ? record(topics.raidReports(), event.report().getRaidId(), event.report())
                        : record(topics.foiUpdates(), event.foiUpdate().getRaidId(), event.foiUpdate()));
            }
            FlagClock flags = new FlagClock(rig.clientProperties(), topics.flaggedCases().name());
            Thread subscriber = new Thread(flags, "raidwatch-bench-subscriber");
            subscriber.setDaemon(true);
            subscriber.start();
            Properties props = rig.streamsProperties("bench-latency", options.threads());
            CaseTopology.Settings settings = CaseTopology.Settings.live().withInputPartitions(options.partitions());
            long created = System.nanoTime();
            try (StreamsRunner runner = new StreamsRunner(CaseTopology.build(props, topics, rules, settings), props)) {
                if (!runner.start(options.timeout())) {
                    throw new IllegalStateException("raidwatch did not start (state " + runner.state() + ")", runner.failure());
                }
                Duration startup = Duration.ofNanos(System.nanoTime() - created);
                progress.accept(String.format(java.util.Locale.ROOT, "RUNNING after %.1f s; sending %,d events at %,d a second",
                        startup.toNanos() / 1e9, records.size(), options.rate()));
                long startMs = System.currentTimeMillis();
                long started = System.nanoTime();
                long behind = 0;
                try (BenchmarkRig.Sender sender = rig.sender()) {
                    for (int i = 0; i < records.size(); i++) {
                        long due = started + (long) (i * 1e9 / options.rate());
                        long wait = due - System.nanoTime();
                        if (wait > 0) {
                            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                        } else {
                            behind = Math.max(behind, -wait / 1_000_000);
                        }
                        ProducerRecord<String, byte[]> r = records.get(i);
                        sender.send(new ProducerRecord<>(r.topic(), null, System.currentTimeMillis(), r.key(), r.value()));
                        if (runner.failure() != null) {
                            throw new IllegalStateException("raidwatch stopped on an error", runner.failure());
                        }
                    }
                    sender.awaitAcknowledged();
                }
                Duration sending = Duration.ofNanos(System.nanoTime() - started);
                progress.accept("sent; waiting for the last flags");
                flags.awaitQuiet(QUIET, DRAIN);
                long[] latencies = flags.latencies();
                long[] stamps = flags.timestamps();
                int slices = (int) Math.max(1, (sending.toMillis() + SLICE.toMillis() - 1) / SLICE.toMillis());
                double[] sliceP99 = new double[slices];
                for (int s = 0; s < slices; s++) {
                    long from = startMs + s * SLICE.toMillis();
                    long to = from + SLICE.toMillis();
                    List<Long> in = new ArrayList<>();
                    for (int i = 0; i < latencies.length; i++) {
                        if (stamps[i] >= from && stamps[i] < to) {
                            in.add(latencies[i]);
                        }
                    }
                    sliceP99[s] = percentile(in.stream().mapToLong(Long::longValue).toArray(), 99);
                }
                return new Result(records.size(), sending, behind, latencies, sliceP99, startup);
            } finally {
                flags.stop();
                subscriber.join(10_000);
            }
        }
    }

    private static <V> ProducerRecord<String, byte[]> record(Topic<String, V> topic, String raidId, V value) {
        return new ProducerRecord<>(topic.name(), raidId, topic.valueSerde().serializer().serialize(topic.name(), value));
    }

    /** A read_committed subscriber noting, for each flag change, when it arrived less its record's timestamp. */
    private static final class FlagClock implements Runnable {

        private final KafkaConsumer<byte[], byte[]> consumer;
        private final String topic;
        private final List<long[]> received = new ArrayList<>();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private volatile boolean stopped;
        private volatile long lastArrival = System.nanoTime();

        FlagClock(Map<String, Object> clientProperties, String topic) {
            Map<String, Object> props = new HashMap<>(clientProperties);
            props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            this.topic = topic;
        }

        @Override
        public void run() {
            try {
                List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                        .map(p -> new TopicPartition(topic, p.partition())).toList();
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                while (!stopped) {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(20))) {
                        long now = System.currentTimeMillis();
                        synchronized (received) {
                            received.add(new long[] {now - record.timestamp(), record.timestamp()});
                        }
                        lastArrival = System.nanoTime();
                    }
                }
            } catch (RuntimeException e) {
                failure.set(e);
            } finally {
                consumer.close(Duration.ofSeconds(5));
            }
        }

        /** Waits until no flag has arrived for {@code quiet}, at most {@code limit}. */
        void awaitQuiet(Duration quiet, Duration limit) throws InterruptedException {
            long deadline = System.nanoTime() + limit.toNanos();
            while (System.nanoTime() < deadline && System.nanoTime() - lastArrival < quiet.toNanos()) {
                if (failure.get() != null) {
                    throw new IllegalStateException("the flag subscriber failed", failure.get());
                }
                Thread.sleep(100);
            }
        }

        long[] latencies() {
            synchronized (received) {
                return received.stream().mapToLong(r -> r[0]).toArray();
            }
        }

        long[] timestamps() {
            synchronized (received) {
                return received.stream().mapToLong(r -> r[1]).toArray();
            }
        }

        void stop() {
            stopped = true;
        }
    }
}
