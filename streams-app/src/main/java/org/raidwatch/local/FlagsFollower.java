package org.raidwatch.local;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the flagged-cases topic into the replay's sorting store on a thread of its own while the
 * topology still writes it, so that reading the flags back overlaps the processing rather than
 * following it; once {@linkplain #finish told} the topology is done, it reads on to the topic's end
 * as it is then, and stops. A later record of a flag replaces an earlier one in the store, so what it
 * holds at the end is each flag's latest record, whenever each was read.
 */
final class FlagsFollower implements AutoCloseable {

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String topic;
    private final FlagsByRaid into;
    private final Runnable onEach;
    private final Thread thread;
    private volatile Duration finishWithin;
    private volatile Throwable failure;

    private FlagsFollower(Map<String, Object> clientProperties, String topic, FlagsByRaid into, Runnable onEach) {
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString().toLowerCase(Locale.ROOT));
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.topic = topic;
        this.into = into;
        this.onEach = onEach;
        this.thread = new Thread(this::follow, "replay-flags-reader");
        this.thread.setDaemon(true);
    }

    /**
     * Starts reading {@code topic} from its beginning into {@code into}, which nothing else may use
     * until {@link #finish} has returned.
     */
    static FlagsFollower start(Map<String, Object> clientProperties, String topic, FlagsByRaid into, Runnable onEach) {
        FlagsFollower follower = new FlagsFollower(clientProperties, topic, into, onEach);
        follower.thread.start();
        return follower;
    }

    /**
     * Reads on to the topic's end as it is now, and stops.
     *
     * @throws IllegalStateException when the reading failed, or did not reach the end within {@code timeout}
     */
    void finish(Duration timeout) throws InterruptedException {
        finishWithin = timeout;
        thread.join(timeout.plusSeconds(5).toMillis());
        if (thread.isAlive()) {
            consumer.wakeup();
            thread.join(Duration.ofSeconds(10).toMillis());
            throw new IllegalStateException("reading the flags back from " + topic + " did not finish within " + timeout);
        }
        if (failure != null) {
            throw new IllegalStateException("reading the flags back from " + topic + " failed: " + failure.getMessage(), failure);
        }
    }

    private void follow() {
        try {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofMinutes(1)).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = null;
            Instant deadline = null;
            while (ends == null || !reached(partitions, ends)) {
                Duration within = finishWithin;
                if (ends == null && within != null) {
                    ends = consumer.endOffsets(partitions, within);
                    deadline = Instant.now().plus(within);
                    continue;
                }
                if (deadline != null && Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("did not reach its end offsets " + ends + " in time");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(record -> {
                    into.put(new String(record.key(), StandardCharsets.UTF_8), record.value());
                    onEach.run();
                });
            }
        } catch (WakeupException e) {
            failure = new IllegalStateException("stopped before the end of the topic", e);
        } catch (RuntimeException e) {
            failure = e;
        }
    }

    private boolean reached(List<TopicPartition> partitions, Map<TopicPartition, Long> ends) {
        return partitions.stream().allMatch(p -> consumer.position(p) >= ends.get(p));
    }

    /** Stops the reading if it has not finished, and releases the consumer. */
    @Override
    public void close() throws InterruptedException {
        if (thread.isAlive()) {
            consumer.wakeup();
            thread.join(Duration.ofSeconds(10).toMillis());
        }
        if (!thread.isAlive()) {
            consumer.close();
        }
    }
}
