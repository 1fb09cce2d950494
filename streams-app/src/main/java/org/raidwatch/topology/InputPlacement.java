package org.raidwatch.topology;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a raid's records must be processed: on the partition that the Java client's default
 * partitioner (murmur2 of the key bytes) gives its raid id, so that a raid's report and FOI updates
 * meet in one case. A record already there (every record from a Java producer) goes straight on;
 * one that another partitioner put elsewhere (librdkafka's default, CRC32, as Confluent's Python,
 * Go and .NET clients use) is marked to be relocated through a repartition topic to that partition,
 * with where it was first read kept in headers for its dead letter, if it becomes one.
 */
final class InputPlacement implements FixedKeyProcessor<byte[], byte[], InputPlacement.Placed> {

    static final String HEADER_ORIGIN_TOPIC = "raidwatch.origin.topic";
    static final String HEADER_ORIGIN_PARTITION = "raidwatch.origin.partition";
    static final String HEADER_ORIGIN_OFFSET = "raidwatch.origin.offset";

    private static final Logger LOG = LoggerFactory.getLogger(InputPlacement.class);

    /** An input's value bytes, and whether it is on its raid's partition. */
    record Placed(byte[] value, boolean inPlace) {
    }

    private final int partitions;
    private final Set<String> warned = new HashSet<>();
    private FixedKeyProcessorContext<byte[], Placed> context;

    /** @param partitions the partition count of the input topics (checked equal at start-up) */
    InputPlacement(int partitions) {
        this.partitions = partitions;
    }

    /** The partition of a raid's records: murmur2 of the key bytes, as the Java client's default partitioner. */
    static int partitionOf(byte[] key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key)) % partitions;
    }

    /** Relocates by {@link #partitionOf}, whatever partitioner the topic's producers used. */
    static StreamPartitioner<byte[], byte[]> byRaidPartition() {
        return new ByRaidPartition();
    }

    private static final class ByRaidPartition implements StreamPartitioner<byte[], byte[]> {
        @Override
        public Optional<Set<Integer>> partitions(String topic, byte[] key, byte[] value, Headers headers, int partitions) {
            return Optional.of(Set.of(partitionOf(key, partitions)));
        }

        /** Kafka 4.4 still requires this form; the one with headers above is the one it calls. */
        @Override
        @SuppressWarnings("removal")
        public Optional<Set<Integer>> partitions(String topic, byte[] key, byte[] value, int partitions) {
            return Optional.of(Set.of(partitionOf(key, partitions)));
        }
    }

    @Override
    public void init(FixedKeyProcessorContext<byte[], Placed> context) {
        this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<byte[], byte[]> record) {
        byte[] key = record.key();
        Optional<RecordMetadata> read = context.recordMetadata();
        // A record without a key cannot be placed; it stays, and the input check dead-letters it.
        if (key == null || key.length == 0 || read.isEmpty() || partitionOf(key, partitions) == read.get().partition()) {
            context.forward(record.withValue(new Placed(record.value(), true)));
            return;
        }
        RecordMetadata origin = read.get();
        if (warned.add(origin.topic())) {
            LOG.warn("Records on {} partition {} are not on the partition the Java client's partitioner (murmur2 of the raid id)"
                    + " gives them: their producer uses another partitioner (librdkafka's default is CRC32). raidwatch relocates"
                    + " them, at the cost of a second write; set partitioner=murmur2_random on such producers to avoid it.",
                    origin.topic(), origin.partition());
        }
        Headers headers = new RecordHeaders(record.headers().toArray());
        removeOriginHeaders(headers);
        headers.add(HEADER_ORIGIN_TOPIC, origin.topic().getBytes(StandardCharsets.UTF_8));
        headers.add(HEADER_ORIGIN_PARTITION, String.valueOf(origin.partition()).getBytes(StandardCharsets.UTF_8));
        headers.add(HEADER_ORIGIN_OFFSET, String.valueOf(origin.offset()).getBytes(StandardCharsets.UTF_8));
        context.forward(record.withValue(new Placed(record.value(), false)).withHeaders(headers));
    }

    /**
     * The record as it was first read: where it was read now when that is its input topic, else (a
     * relocated record) from the origin headers written when it was relocated.
     */
    static RawInput rawInput(String inputTopic, byte[] key, byte[] value, Headers headers, Optional<RecordMetadata> read) {
        if (read.isPresent() && read.get().topic().equals(inputTopic)) {
            return new RawInput(key, value, inputTopic, read.get().partition(), read.get().offset());
        }
        try {
            return new RawInput(key, value, text(headers.lastHeader(HEADER_ORIGIN_TOPIC)),
                    Integer.parseInt(text(headers.lastHeader(HEADER_ORIGIN_PARTITION))),
                    Long.parseLong(text(headers.lastHeader(HEADER_ORIGIN_OFFSET))));
        } catch (RuntimeException missing) {
            return new RawInput(key, value, inputTopic, -1, -1);
        }
    }

    /** Origin headers are raidwatch's own bookkeeping: an input may not bring its own, and dead letters do not keep them. */
    static void removeOriginHeaders(Headers headers) {
        headers.remove(HEADER_ORIGIN_TOPIC);
        headers.remove(HEADER_ORIGIN_PARTITION);
        headers.remove(HEADER_ORIGIN_OFFSET);
    }

    private static String text(Header header) {
        return new String(header.value(), StandardCharsets.UTF_8);
    }
}
