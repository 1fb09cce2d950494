package org.raidwatch.local;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.raidwatch.schema.CaseFlag;
import org.raidwatch.schema.ForceRates;
import org.raidwatch.topology.Topics;

/**
 * Follows the two output topics as a subscriber would (read_committed, from the beginning): hands
 * each flag change to a listener and keeps the latest rates per force and window.
 */
public final class OutputWatcher implements AutoCloseable {

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Topics topics;
    private final Consumer<CaseFlag> onFlag;
    private final Map<String, ForceRates> latestRates = new ConcurrentHashMap<>();
    private final AtomicLong flagsSeen = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;

    public OutputWatcher(Map<String, Object> clientProperties, Topics topics, Consumer<CaseFlag> onFlag) {
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString().toLowerCase(Locale.ROOT));
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.topics = topics;
        this.onFlag = onFlag;
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(topics.flaggedCases().name(), topics.forceRates().name())) {
            consumer.partitionsFor(topic, Duration.ofSeconds(30)).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        this.thread = new Thread(this::follow, "raidwatch-output-watcher");
        thread.setDaemon(true);
        thread.start();
    }

    private void follow() {
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.topic().equals(topics.flaggedCases().name())) {
                        flagsSeen.incrementAndGet();
                        onFlag.accept(topics.flaggedCases().valueSerde().deserializer().deserialize(record.topic(), record.value()));
                    } else {
                        ForceRates rates = topics.forceRates().valueSerde().deserializer().deserialize(record.topic(), record.value());
                        latestRates.put(Topics.rateKey(rates.getForce(), rates.getWindow()), rates);
                    }
                }
            }
        } catch (WakeupException stopping) {
            // close() woke the poll
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    public long flagsSeen() {
        return flagsSeen.get();
    }

    /** The latest rates of a force (or ALL) over a window, or null. */
    public ForceRates rates(String force, String window) {
        return latestRates.get(Topics.rateKey(force, window));
    }

    public Collection<ForceRates> allRates() {
        return List.copyOf(latestRates.values());
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(10_000);
    }
}
