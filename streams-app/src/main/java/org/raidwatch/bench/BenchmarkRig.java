package org.raidwatch.bench;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.raidwatch.deployment.TopicSetup;
import org.raidwatch.local.LocalStack;
import org.raidwatch.serde.SchemaRegistries;
import org.raidwatch.local.ProcessingProgress;
import org.raidwatch.runner.StreamsRunner;
import org.raidwatch.topology.TopicNames;
import org.raidwatch.topology.Topics;

/**
 * What the benchmarks run on: a private in-process broker and an in-memory schema registry, with
 * raidwatch's topics created at a chosen partition count, all in one temporary folder removed on
 * close. Also the measuring instruments they share: acknowledged loading of the inputs, the wait
 * for an application to have consumed them, and CPU time by thread.
 */
final class BenchmarkRig implements AutoCloseable {

    /** How often committed offsets and metrics are sampled. */
    static final Duration POLL_INTERVAL = Duration.ofMillis(200);

    /** A stream thread of a client is named {@code <application id>-<process id>-StreamThread-<n>}. */
    private static final Pattern STREAM_THREAD = Pattern.compile(".*-StreamThread-\\d+$");

    private final LocalStack stack;
    private final Admin admin;
    private final TopicNames names;
    private final Topics topics;

    private BenchmarkRig(LocalStack stack) {
        this.stack = stack;
        this.admin = stack.admin();
        this.names = stack.names();
        this.topics = stack.topics();
    }

    /** Starts the broker and creates raidwatch's topics with this many partitions. */
    static BenchmarkRig start(String prefix, int partitions) {
        return new BenchmarkRig(LocalStack.start(prefix, partitions));
    }

    Topics topics() {
        return topics;
    }

    TopicNames names() {
        return names;
    }

    Map<String, Object> clientProperties() {
        return stack.clientProperties();
    }

    /** Production's Streams settings (exactly-once, named resources), with state under the rig's folder. */
    Properties streamsProperties(String applicationId, int threads) {
        Properties props = stack.streamsProperties(applicationId);
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
        return props;
    }

    /** Production's Streams settings for one of several instances of an application in this process: each its own state folder. */
    Properties streamsProperties(String applicationId, int threads, int instance) {
        Properties props = streamsProperties(applicationId, threads);
        props.put(StreamsConfig.STATE_DIR_CONFIG, props.getProperty(StreamsConfig.STATE_DIR_CONFIG) + "-" + instance);
        return props;
    }

    /** Topics under other names than the defaults, created (those missing) with this many partitions, their serdes on the rig's registry. */
    Topics topicsNamed(TopicNames named, int partitions) {
        TopicSetup.createMissing(admin, named, partitions, (short) 1, 30_000);
        return Topics.create(named, SchemaRegistries.forUrl(stack.registryUrl()));
    }

    void createTopic(String name, int partitions) {
        try {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create topic " + name + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic " + name, e);
        }
    }

    /** A producer that counts acknowledgements, so a load that lost a record fails instead of skewing a result. */
    Sender sender() {
        return new Sender(clientProperties());
    }

    /** The end offset of every partition of the topics, read once the inputs are loaded. */
    Map<TopicPartition, Long> endOffsets(Collection<String> topicNames) throws InterruptedException {
        try {
            List<TopicPartition> partitions = new ArrayList<>();
            admin.describeTopics(topicNames).allTopicNames().get(30, TimeUnit.SECONDS).forEach((name, description) ->
                    description.partitions().forEach(p -> partitions.add(new TopicPartition(name, p.partition()))));
            return admin.listOffsets(partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest())))
                    .all().get(30, TimeUnit.SECONDS).entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot read the end offsets of " + topicNames + ": " + e.getMessage(), e);
        }
    }

    /**
     * Waits until the application has committed the end of every input partition, and returns when
     * (System.nanoTime) it saw that.
     *
     * <p>Why "committed == end" is exact here: the inputs are written by a plain idempotent producer,
     * not in transactions, so they hold no transaction markers and their end offset is the last
     * record's offset + 1. Under exactly-once Kafka Streams commits a task's input offsets in the
     * same transaction as everything those records produced (outputs, repartition records, state
     * changelogs), so when the committed offset reaches the end, every input has been processed and
     * its effects are committed. (Markers sit only in the topics the applications write.)
     *
     * @throws IllegalStateException when the application fails or the deadline passes
     */
    long awaitInputsConsumed(String applicationId, Map<TopicPartition, Long> ends, StreamsRunner runner, long deadlineNanos)
            throws InterruptedException {
        return awaitInputsConsumed(applicationId, ends, List.of(runner), deadlineNanos);
    }

    /** As {@link #awaitInputsConsumed(String, Map, StreamsRunner, long)}, for the instances of one application. */
    long awaitInputsConsumed(String applicationId, Map<TopicPartition, Long> ends, List<StreamsRunner> runners, long deadlineNanos)
            throws InterruptedException {
        List<String> behind = List.of();
        while (System.nanoTime() < deadlineNanos) {
            for (StreamsRunner runner : runners) {
                if (runner.failure() != null) {
                    throw new IllegalStateException(applicationId + " stopped on an error", runner.failure());
                }
            }
            long now = System.nanoTime();
            behind = ProcessingProgress.partitionsBehind(admin, applicationId, ends);
            if (behind.isEmpty()) {
                return now;
            }
            Thread.sleep(POLL_INTERVAL.toMillis());
        }
        throw new IllegalStateException(applicationId + " did not consume its inputs in time; behind: " + behind
                + "; states " + runners.stream().map(StreamsRunner::state).toList());
    }

    /** CPU time of the JVM process so far: every thread, the in-process broker's included. */
    static long processCpuNanos() {
        return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /**
     * CPU time of an application's live threads, in nanoseconds.
     *
     * @param streamThreads   its stream threads, which poll, process, punctuate and commit
     * @param clientThreads   every thread named after it: the stream threads, their producers' I/O
     *                        threads, the consumers' heartbeat threads, the state updater
     */
    record ThreadCpu(long streamThreads, long clientThreads) {
    }

    static ThreadCpu threadCpu(String applicationId) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        if (!threads.isThreadCpuTimeSupported()) {
            return new ThreadCpu(-1, -1);
        }
        long stream = 0;
        long client = 0;
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null || !info.getThreadName().contains(applicationId + "-")) {
                continue;
            }
            long cpu = Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
            client += cpu;
            if (info.getThreadName().startsWith(applicationId + "-") && STREAM_THREAD.matcher(info.getThreadName()).matches()) {
                stream += cpu;
            }
        }
        return new ThreadCpu(stream, client);
    }

    /** Turns thread CPU timing on when the JVM supports it but has it off. */
    static void enableThreadCpuTime() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        if (threads.isThreadCpuTimeSupported() && !threads.isThreadCpuTimeEnabled()) {
            threads.setThreadCpuTimeEnabled(true);
        }
    }

    /** The values of the metrics with this group and name whose tags pass the filter (one per thread or client). */
    static List<Double> metricValues(Map<MetricName, ? extends Metric> metrics, String group, String name,
                                     Predicate<Map<String, String>> tags) {
        List<Double> values = new ArrayList<>();
        metrics.forEach((metricName, metric) -> {
            if (metricName.group().equals(group) && metricName.name().equals(name) && tags.test(metricName.tags())
                    && metric.metricValue() instanceof Number number && !Double.isNaN(number.doubleValue())) {
                values.add(number.doubleValue());
            }
        });
        return values;
    }

    @Override
    public void close() {
        stack.close();
    }

    /** Sends pre-serialized records and checks, at the end, that the broker acknowledged every one. */
    static final class Sender implements AutoCloseable {

        private final KafkaProducer<String, byte[]> producer;
        private final AtomicLong acknowledged = new AtomicLong();
        private final AtomicReference<Exception> firstFailure = new AtomicReference<>();
        private long sent;

        private Sender(Map<String, Object> clientProperties) {
            Map<String, Object> props = new HashMap<>(clientProperties);
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
            props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
            this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        }

        void send(ProducerRecord<String, byte[]> record) {
            Exception failed = firstFailure.get();
            if (failed != null) {
                throw new IllegalStateException("the broker refused an input record: " + failed.getMessage(), failed);
            }
            producer.send(record, (metadata, error) -> {
                if (error == null) {
                    acknowledged.incrementAndGet();
                } else {
                    firstFailure.compareAndSet(null, error);
                }
            });
            sent++;
        }

        /**
         * Waits for every send to complete (flush returns only when each record's callback has run).
         *
         * @return how many records were sent and acknowledged
         * @throws IllegalStateException when any record was not acknowledged
         */
        long awaitAcknowledged() {
            producer.flush();
            Exception failed = firstFailure.get();
            if (failed != null || acknowledged.get() != sent) {
                throw new IllegalStateException("only " + acknowledged.get() + " of " + sent + " input records were acknowledged"
                        + (failed == null ? "" : ": " + failed.getMessage()), failed);
            }
            return sent;
        }

        @Override
        public void close() {
            producer.close(Duration.ofSeconds(10));
        }
    }
}
