package org.raidwatch.it;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.raidwatch.schema.CaseFlag;

/**
 * Watches the flagged-cases topic as records are written, committed or not (read_uncommitted), and
 * counts them by the rule set version that made them: the moment a new set's re-evaluation starts
 * writing is the moment to kill an instance in the middle of it. Results are read elsewhere,
 * read_committed; this only times the kills.
 */
public final class FlagTail implements AutoCloseable {

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Deserializer<CaseFlag> flags;
    private final Map<String, AtomicInteger> recordsByVersion = new ConcurrentHashMap<>();
    private final AtomicInteger records = new AtomicInteger();
    private final Thread thread;
    private volatile boolean stopping;

    public FlagTail(Cluster cluster) {
        Map<String, Object> properties = new java.util.HashMap<>(cluster.client);
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        this.consumer = new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.flags = cluster.topics.flaggedCases().valueSerde().deserializer();
        String topic = cluster.topics.flaggedCases().name();
        this.thread = new Thread(() -> follow(topic), "flag-tail");
        thread.setDaemon(true);
        thread.start();
    }

    private void follow(String topic) {
        try {
            var partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new org.apache.kafka.common.TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (!stopping) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(50))) {
                    CaseFlag flag = flags.deserialize(topic, record.value());
                    recordsByVersion.computeIfAbsent(flag.getRuleSetVersion(), v -> new AtomicInteger()).incrementAndGet();
                    records.incrementAndGet();
                }
            }
        } catch (WakeupException stopped) {
            // closing
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** Flag records written so far (aborted ones included). */
    public int records() {
        return records.get();
    }

    /** Flag records written so far by the rule set of this version. */
    public int recordsOf(String version) {
        AtomicInteger count = recordsByVersion.get(version);
        return count == null ? 0 : count.get();
    }

    /** Waits until a record made by the rule set of this version has been written. */
    public void awaitFirstOf(String version, Duration timeout) throws InterruptedException {
        awaitMoreOf(version, 0, timeout);
    }

    /** Waits until more than {@code seen} records made by the rule set of this version have been written. */
    public void awaitMoreOf(String version, int seen, Duration timeout) throws InterruptedException {
        Await.until(timeout, "more than " + seen + " flag records made by rule set " + version, () -> recordsOf(version) > seen,
                () -> "records by version " + recordsByVersion);
    }

    @Override
    public void close() throws InterruptedException {
        stopping = true;
        consumer.wakeup();
        thread.join(10_000);
    }
}
