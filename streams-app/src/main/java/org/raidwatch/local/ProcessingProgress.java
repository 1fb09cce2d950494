package org.raidwatch.local;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Knows when an application has processed everything in its source and repartition topics: its
 * committed offsets have reached the end of every partition, the application says it holds no
 * buffered work, and both have stayed so for a quiet period longer than the topology's flush
 * intervals (summed rate deltas and moved windows are sent on a wall-clock schedule, so "caught up"
 * alone can be seen between a flush and its records).
 * Meant for at-least-once runs (a replay): under exactly-once a transaction marker can sit after the
 * last committed offset.
 */
public final class ProcessingProgress {

    private ProcessingProgress() {
    }

    /**
     * Waits until the application's consumer group has committed the end of every partition of the topics.
     *
     * @param describeState what to say about the application when the wait times out
     * @throws IllegalStateException on timeout, naming the offsets that were behind
     */
    public static void awaitCaughtUp(Admin admin, String applicationId, Collection<String> topics, Duration quietPeriod,
                                     java.util.function.BooleanSupplier idle, Duration timeout, Supplier<String> describeState)
            throws InterruptedException {
        awaitCaughtUp(admin, applicationId, topics, quietPeriod, idle, timeout, describeState, committed -> { });
    }

    /**
     * As {@link #awaitCaughtUp(Admin, String, Collection, Duration, java.util.function.BooleanSupplier, Duration, Supplier)},
     * telling {@code committed} at each look the offsets the application has committed (its progress).
     */
    public static void awaitCaughtUp(Admin admin, String applicationId, Collection<String> topics, Duration quietPeriod,
                                     java.util.function.BooleanSupplier idle, Duration timeout, Supplier<String> describeState,
                                     java.util.function.Consumer<Map<TopicPartition, Long>> committed)
            throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        Instant quietSince = null;
        Map<TopicPartition, Long> endsWhenQuiet = Map.of();
        List<String> behind = List.of();
        while (Instant.now().isBefore(deadline)) {
            Map<TopicPartition, Long> ends = new java.util.HashMap<>();
            Map<TopicPartition, Long> positions = new java.util.HashMap<>();
            behind = partitionsBehind(admin, applicationId, topics, ends, positions);
            committed.accept(positions);
            if (behind.isEmpty() && !idle.getAsBoolean()) {
                behind = List.of("work buffered in the application's stores");
            }
            if (!behind.isEmpty() || !ends.equals(endsWhenQuiet)) {
                quietSince = behind.isEmpty() ? Instant.now() : null;
                endsWhenQuiet = behind.isEmpty() ? ends : Map.of();
            } else if (Duration.between(quietSince, Instant.now()).compareTo(quietPeriod) >= 0) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("processing did not finish within " + timeout + "; behind: " + behind
                + "; application: " + describeState.get());
    }

    private static List<String> partitionsBehind(Admin admin, String applicationId, Collection<String> topics,
                                                 Map<TopicPartition, Long> endOffsets, Map<TopicPartition, Long> positions)
            throws InterruptedException {
        try {
            List<TopicPartition> partitions = new ArrayList<>();
            admin.describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS).forEach((name, description) ->
                    description.partitions().forEach(p -> partitions.add(new TopicPartition(name, p.partition()))));
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(
                    partitions.stream().collect(java.util.stream.Collectors.toMap(p -> p, p -> OffsetSpec.latest())))
                    .all().get(10, TimeUnit.SECONDS);
            ends.forEach((partition, end) -> endOffsets.put(partition, end.offset()));
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            return List.of("offsets unavailable: " + e.getMessage());
        }
        return partitionsBehind(admin, applicationId, endOffsets, positions);
    }

    /**
     * The partitions whose committed offset in the application's consumer group is short of the given
     * end offsets, in words ({@code topic-0 at 12 of 40}); empty when the application has caught up.
     */
    public static List<String> partitionsBehind(Admin admin, String applicationId, Map<TopicPartition, Long> endOffsets)
            throws InterruptedException {
        return partitionsBehind(admin, applicationId, endOffsets, new java.util.HashMap<>());
    }

    private static List<String> partitionsBehind(Admin admin, String applicationId, Map<TopicPartition, Long> endOffsets,
                                                 Map<TopicPartition, Long> positions) throws InterruptedException {
        Map<TopicPartition, OffsetAndMetadata> committed;
        try {
            committed = admin.listConsumerGroupOffsets(applicationId).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            return List.of("offsets unavailable: " + e.getMessage());
        }
        List<String> behind = new ArrayList<>();
        endOffsets.forEach((partition, end) -> {
            OffsetAndMetadata done = committed.get(partition);
            long position = done == null ? 0 : done.offset();
            positions.put(partition, position);
            if (position < end) {
                behind.add(partition + " at " + position + " of " + end);
            }
        });
        return behind;
    }

    /**
     * Whether the named key-value stores hold nothing on this instance (read through interactive
     * queries, record caches included); false while the stores cannot be queried.
     */
    public static boolean storesEmpty(org.apache.kafka.streams.KafkaStreams streams, String... storeNames) {
        try {
            for (String name : storeNames) {
                var store = streams.store(org.apache.kafka.streams.StoreQueryParameters.fromNameAndType(name,
                        org.apache.kafka.streams.state.QueryableStoreTypes.<Object, Object>keyValueStore()));
                try (var all = store.all()) {
                    if (all.hasNext()) {
                        return false;
                    }
                }
            }
            return true;
        } catch (org.apache.kafka.streams.errors.InvalidStateStoreException notQueryableNow) {
            return false;
        }
    }
}
