package org.raidwatch.clients;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/** Reads a whole topic, from the beginning to its current end, as a read_committed consumer. */
public final class TopicReader {

    private TopicReader() {
    }

    /** Every committed record now in the topic, partition by partition. */
    public static <V> List<ConsumerRecord<byte[], V>> readAll(Map<String, Object> clientProperties, String topic,
                                                                Deserializer<V> values, Duration timeout) {
        List<ConsumerRecord<byte[], V>> records = new ArrayList<>();
        forEachRecord(clientProperties, topic, values, timeout, records::add);
        return records;
    }

    /** Hands every committed record now in the topic to {@code each} as it is read, none kept (partition by partition). */
    public static <V> void forEachRecord(Map<String, Object> clientProperties, String topic, Deserializer<V> values, Duration timeout,
                                         Consumer<ConsumerRecord<byte[], V>> each) {
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString().toLowerCase(Locale.ROOT));
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        try (KafkaConsumer<byte[], V> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), values)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, timeout);
            Instant deadline = Instant.now().plus(timeout);
            while (partitions.stream().anyMatch(p -> consumer.position(p, timeout) < ends.get(p))) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("reading " + topic + " did not reach its end offsets " + ends + " within " + timeout);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(each);
            }
        }
    }

    /** The latest value per key (a compacted topic's state), keys decoded as UTF-8, in first-seen order. */
    public static <V> Map<String, V> latestByKey(Map<String, Object> clientProperties, String topic, Deserializer<V> values,
                                                 Duration timeout, Function<byte[], String> keys) {
        Map<String, V> latest = new LinkedHashMap<>();
        for (ConsumerRecord<byte[], V> record : readAll(clientProperties, topic, values, timeout)) {
            latest.put(keys.apply(record.key()), record.value());
        }
        return latest;
    }
}
