package org.raidwatch.alerts;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.raidwatch.contract.LogText;
import org.raidwatch.schema.CaseFlag;
import org.raidwatch.serde.SchemaRegistryUnavailableException;
import org.raidwatch.topology.Topic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A subscriber to the flagged-cases topic: follows every flag change (a flag RAISED, UPDATED or
 * RESOLVED on a raid) as a member of its own consumer group, hands those that pass a
 * {@link FlagFilter} to a {@link Handler} (print it, POST it), and commits a record's offset only once
 * the record is handled: delivered, or skipped because it does not match. Delivery is therefore
 * at-least-once: a flag change is never lost, and only one whose handling was cut short by a stop or
 * a crash may be handled again.
 *
 * <p>A handler that fails (or a schema registry that does not answer) is retried, with a wait that
 * starts at {@link Settings#firstBackoff()} and doubles up to {@link Settings#maxBackoff()}, for as
 * long as it takes. While it waits the partitions are paused and the consumer keeps polling, so the
 * group never drops it for exceeding {@code max.poll.interval.ms}; the failed record and the ones
 * after it are read again afterwards. A record that is not a CaseFlag at all (corrupt, unknown schema
 * id) can never be delivered: it is logged and skipped.
 *
 * <p>{@link #run()} blocks until {@link #stop()}, an interrupt of its thread, or a limit of the
 * settings; it commits what was handled before it returns. Reads are read_committed: raidwatch writes
 * flags in exactly-once transactions, and an aborted transaction's flags never happened.
 */
public final class FlagSubscription {

    private static final Logger LOG = LoggerFactory.getLogger(FlagSubscription.class);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration PAUSED_POLL = Duration.ofMillis(200);

    /** Where reading starts. */
    public enum Start {
        /** The group's committed position; a group without one starts with the flag changes written from now on. */
        NEW_FLAGS,
        /** The group's committed position; a group without one starts from the earliest flag change in the topic. */
        EARLIEST_FOR_NEW_GROUP,
        /** The earliest flag change in the topic, whatever the group committed (each partition once per run). */
        WHOLE_TOPIC
    }

    /** What a subscriber does with a flag change that matches its filter. */
    @FunctionalInterface
    public interface Handler {
        /** @return whether the flag change was handled; a failure is retried after a wait */
        Attempt handle(CaseFlag flag) throws InterruptedException;
    }

    /** The outcome of handling one flag change: done, or failed with a short reason for the log. */
    public record Attempt(boolean done, String failure) {
        public static Attempt ok() {
            return new Attempt(true, null);
        }

        public static Attempt failed(String reason) {
            return new Attempt(false, reason);
        }
    }

    /**
     * @param name           how the subscriber is named in logs, e.g. "alerts webhook"
     * @param group          consumer group; its committed offsets are where a restart resumes
     * @param firstBackoff   first wait after a failure; it doubles with each failure in a row
     * @param maxBackoff     the longest wait
     * @param maxFlags       stop after handling this many matching flag changes (0: no limit)
     * @param idleTimeout    stop when no record has arrived for this long once partitions are assigned (null: never)
     * @param progressEvery  log the counts this often (null: never)
     * @param maxPollRecords records per poll (0: Kafka's default); small when handling one can take seconds
     * @param passUndecodable pass over a record that cannot be decoded as a flag (a terminal's view); when
     *                       false, such a record is a failed attempt, retried until it decodes, and nothing
     *                       behind it on its partition is committed (at least once: a schema the registry
     *                       does not serve yet, or a reader that needs upgrading, loses no alert)
     */
    public record Settings(String name, String group, Start start, Duration firstBackoff, Duration maxBackoff, long maxFlags,
                           Duration idleTimeout, Duration progressEvery, int maxPollRecords, boolean passUndecodable) {
    }

    /**
     * What a subscription did.
     *
     * @param handled        matching flag changes handled (printed, delivered)
     * @param skipped        records passed over: not matching the filter, or a tombstone
     * @param undecodable    records that are not a CaseFlag, logged and passed over
     * @param failedAttempts attempts that failed and were retried (or will be, at the next start)
     * @param pending        whether the last attempt failed and the flag change is not handled yet
     * @param stoppedBecause why it stopped, in words
     */
    public record Summary(long handled, long skipped, long undecodable, long failedAttempts, boolean pending, String stoppedBecause) {
    }

    private final Map<String, Object> clientProperties;
    private final Topic<String, CaseFlag> topic;
    private final Deserializer<CaseFlag> values;
    private final FlagFilter filter;
    private final Settings settings;
    private final Handler handler;

    private final AtomicLong handled = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong undecodable = new AtomicLong();
    private final AtomicLong failedAttempts = new AtomicLong();
    private volatile boolean pending;
    private volatile boolean stopRequested;
    private volatile String stoppedBecause = "stopped on request";
    private volatile KafkaConsumer<byte[], byte[]> consumer;

    // Touched only by the thread in run().
    private final Map<TopicPartition, Long> toCommit = new HashMap<>();
    private final Set<TopicPartition> startedFromBeginning = new HashSet<>();
    private Duration backoff;
    private long failuresInARow;
    private boolean assigned;
    private long lastActivityNanos;
    private long nextProgressNanos;

    public FlagSubscription(Map<String, Object> clientProperties, Topic<String, CaseFlag> topic, FlagFilter filter, Settings settings,
                            Handler handler) {
        this.clientProperties = Map.copyOf(clientProperties);
        this.topic = topic;
        this.values = topic.valueSerde().deserializer();
        this.filter = filter;
        this.settings = settings;
        this.handler = handler;
        this.backoff = settings.firstBackoff();
    }

    /** Follows the topic until stopped; commits what was handled, closes the consumer, and says what it did. */
    public Summary run() {
        boolean interrupted = false;
        KafkaConsumer<byte[], byte[]> kafka = new KafkaConsumer<>(consumerProperties(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumer = kafka;
        try {
            kafka.subscribe(List.of(topic.name()), new Rebalance());
            lastActivityNanos = System.nanoTime();
            nextProgressNanos = settings.progressEvery() == null ? Long.MAX_VALUE : System.nanoTime() + settings.progressEvery().toNanos();
            follow();
        } catch (WakeupException stopping) {
            // stop() woke a blocking call
        } catch (InterruptException | InterruptedException stopping) {
            // Stopped from inside the JVM (an embedding application or a test): shut down as on SIGTERM.
            interrupted = true;
        } finally {
            // Clear the interrupt, or the last commit and the close would be cut short by it too.
            interrupted |= Thread.interrupted();
            commitQuietly();
            try {
                kafka.close(CloseOptions.timeout(Duration.ofSeconds(5)));
            } catch (KafkaException e) {
                LOG.warn("{}: closing the consumer: {}", settings.name(), e.toString());
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        return summary();
    }

    /** Asks {@link #run()} to stop after the record in hand; safe from any thread, a shutdown hook among them. */
    public void stop() {
        stopRequested = true;
        KafkaConsumer<byte[], byte[]> running = consumer;
        if (running != null) {
            running.wakeup();
        }
    }

    /** The counts so far. */
    public Summary summary() {
        return new Summary(handled.get(), skipped.get(), undecodable.get(), failedAttempts.get(), pending, stoppedBecause);
    }

    private Map<String, Object> consumerProperties() {
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, settings.group());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // Flags are written in exactly-once transactions; an aborted one's records never happened.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString().toLowerCase(Locale.ROOT));
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, settings.start() == Start.NEW_FLAGS ? "latest" : "earliest");
        if (settings.maxPollRecords() > 0) {
            props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, settings.maxPollRecords());
        }
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "raidwatch-" + settings.name().replace(' ', '-'));
        return props;
    }

    private void follow() throws InterruptedException {
        KafkaConsumer<byte[], byte[]> kafka = consumer;
        while (!stopRequested) {
            ConsumerRecords<byte[], byte[]> records = kafka.poll(POLL);
            if (!records.isEmpty()) {
                lastActivityNanos = System.nanoTime();
            }
            String failure = handleBatch(records);
            commit();
            if (failure != null) {
                waitBeforeRetry(failure);
            }
            if (!stopRequested && settings.idleTimeout() != null && assigned
                    && System.nanoTime() - lastActivityNanos >= settings.idleTimeout().toNanos()) {
                stoppedBecause = "no new flag change for " + words(settings.idleTimeout());
                stopRequested = true;
            }
            logProgress();
        }
    }

    /** Handles a poll's records partition by partition, in offset order; returns the first failure, or null. */
    private String handleBatch(ConsumerRecords<byte[], byte[]> records) throws InterruptedException {
        List<TopicPartition> partitions = new ArrayList<>(records.partitions());
        for (int p = 0; p < partitions.size(); p++) {
            TopicPartition partition = partitions.get(p);
            for (ConsumerRecord<byte[], byte[]> record : records.records(partition)) {
                if (stopRequested) {
                    // Not committed, so read again at the next start.
                    return null;
                }
                String failure = handle(record);
                if (failure != null) {
                    // Read the failed record again after the wait, and the partitions of this poll not reached yet from their start.
                    consumer.seek(partition, record.offset());
                    for (TopicPartition later : partitions.subList(p + 1, partitions.size())) {
                        consumer.seek(later, records.records(later).get(0).offset());
                    }
                    return failure;
                }
                toCommit.put(partition, record.offset() + 1);
                if (settings.maxFlags() > 0 && handled.get() >= settings.maxFlags()) {
                    stoppedBecause = "handled " + settings.maxFlags() + " flag changes (--max)";
                    stopRequested = true;
                    return null;
                }
            }
        }
        return null;
    }

    /** Handles one record; returns why it failed, or null when it is handled or passed over. */
    private String handle(ConsumerRecord<byte[], byte[]> record) throws InterruptedException {
        if (record.value() == null) {
            // A tombstone: an operator deleted a flag's key; there is no flag change to pass on.
            skipped.incrementAndGet();
            return null;
        }
        CaseFlag flag;
        try {
            flag = values.deserialize(record.topic(), record.value());
        } catch (SchemaRegistryUnavailableException e) {
            // The registry's trouble, not the record's: wait and read it again.
            failedAttempts.incrementAndGet();
            pending = true;
            return "cannot decode " + where(record) + ", the schema registry did not answer: " + e.getMessage();
        } catch (SerializationException e) {
            if (!settings.passUndecodable()) {
                // Never committed past: retried after the wait, and said so each time.
                failedAttempts.incrementAndGet();
                pending = true;
                return "cannot decode " + where(record) + " as a flag change (" + LogText.of(e.getMessage()) + "); not passing over it:"
                        + " nothing after it on its partition is committed until it decodes (a schema the registry does not serve yet?)";
            }
            undecodable.incrementAndGet();
            LOG.warn("{}: skipping {}, not a CaseFlag: {}", settings.name(), where(record), LogText.of(e.getMessage()));
            return null;
        }
        if (!filter.matches(flag)) {
            skipped.incrementAndGet();
            return null;
        }
        Attempt attempt = handler.handle(flag);
        if (!attempt.done()) {
            failedAttempts.incrementAndGet();
            pending = true;
            return flag.getStatus() + " " + LogText.of(flag.getRaidId()) + "|" + flag.getRuleId() + " (" + where(record) + ") not delivered: "
                    + attempt.failure();
        }
        handled.incrementAndGet();
        pending = false;
        failuresInARow = 0;
        backoff = settings.firstBackoff();
        return null;
    }

    /**
     * Waits before reading the failed record again: partitions paused, polling on, so the group keeps
     * this member (a consumer that stops polling for max.poll.interval.ms is dropped from its group).
     */
    private void waitBeforeRetry(String failure) {
        failuresInARow++;
        Duration wait = backoff;
        backoff = backoff.multipliedBy(2).compareTo(settings.maxBackoff()) > 0 ? settings.maxBackoff() : backoff.multipliedBy(2);
        LOG.warn("{}: {}; failure {} in a row ({} in all), retrying in {}", settings.name(), failure, failuresInARow,
                failedAttempts.get(), words(wait));
        KafkaConsumer<byte[], byte[]> kafka = consumer;
        kafka.pause(kafka.assignment());
        long deadline = System.nanoTime() + wait.toNanos();
        while (!stopRequested && System.nanoTime() < deadline) {
            Duration left = Duration.ofNanos(deadline - System.nanoTime());
            ConsumerRecords<byte[], byte[]> records = kafka.poll(left.compareTo(PAUSED_POLL) < 0 ? left : PAUSED_POLL);
            // A rebalance during the wait can assign partitions not paused yet: leave their records for later.
            for (TopicPartition partition : records.partitions()) {
                kafka.seek(partition, records.records(partition).get(0).offset());
            }
            kafka.pause(kafka.assignment());
            lastActivityNanos = System.nanoTime();
            logProgress();
        }
        kafka.resume(kafka.paused());
    }

    private void commit() {
        if (toCommit.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        Set<TopicPartition> assignment = consumer.assignment();
        toCommit.forEach((partition, offset) -> {
            if (assignment.contains(partition)) {
                offsets.put(partition, new OffsetAndMetadata(offset));
            }
        });
        try {
            consumer.commitSync(offsets);
            toCommit.clear();
        } catch (CommitFailedException | RebalanceInProgressException | RetriableException e) {
            // The group moved on (or is moving); the partition's next owner reads from the last commit,
            // so these flag changes may be handled twice, never lost.
            LOG.warn("{}: could not commit offsets {}: {}", settings.name(), offsets, e.getMessage());
            toCommit.keySet().retainAll(consumer.assignment());
        }
    }

    /** The last commit, on the way out; a stop's pending wakeup must not cut it short. */
    private void commitQuietly() {
        for (int attempt = 1; attempt <= 2; attempt++) {
            try {
                commit();
                return;
            } catch (WakeupException e) {
                // the stop's wakeup landed here: commit again
            } catch (KafkaException e) {
                LOG.warn("{}: could not commit offsets on stopping: {}", settings.name(), e.toString());
                return;
            }
        }
    }

    private void logProgress() {
        if (System.nanoTime() >= nextProgressNanos) {
            Summary s = summary();
            LOG.info("{}: {} flag changes delivered, {} skipped by the filters, {} failed attempts, {} undecodable records so far{}",
                    settings.name(), s.handled(), s.skipped(), s.failedAttempts(), s.undecodable(), s.pending() ? "; retrying" : "");
            nextProgressNanos = System.nanoTime() + settings.progressEvery().toNanos();
        }
    }

    private static String where(ConsumerRecord<?, ?> record) {
        return record.topic() + "-" + record.partition() + "@" + record.offset();
    }

    static String words(Duration duration) {
        if (duration.toMillis() % 1000 != 0) {
            return duration.toMillis() + " ms";
        }
        long seconds = duration.toSeconds();
        return seconds % 60 == 0 && seconds > 0 ? seconds / 60 + " min" : seconds + " s";
    }

    /** Keeps the commit map in step with the group and starts a whole-topic read from the beginning. */
    private final class Rebalance implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            // Commit what was handled before another member takes the partitions over.
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            for (TopicPartition partition : partitions) {
                Long offset = toCommit.remove(partition);
                if (offset != null) {
                    offsets.put(partition, new OffsetAndMetadata(offset));
                }
            }
            for (int attempt = 1; attempt <= 2 && !offsets.isEmpty(); attempt++) {
                try {
                    consumer.commitSync(offsets);
                    return;
                } catch (WakeupException e) {
                    // a stop's wakeup landed here: commit again, the stop is noted already
                } catch (KafkaException e) {
                    // Another member reads these partitions from the last commit: handled twice at worst, never lost.
                    LOG.warn("{}: could not commit offsets {} on giving up partitions: {}", settings.name(), offsets, e.getMessage());
                    return;
                }
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            // Already someone else's: their handled offsets can no longer be committed by this member.
            partitions.forEach(toCommit::remove);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            assigned = true;
            lastActivityNanos = System.nanoTime();
            if (settings.start() == Start.WHOLE_TOPIC) {
                List<TopicPartition> fresh = partitions.stream().filter(startedFromBeginning::add).toList();
                if (!fresh.isEmpty()) {
                    consumer.seekToBeginning(fresh);
                }
            }
        }
    }
}
