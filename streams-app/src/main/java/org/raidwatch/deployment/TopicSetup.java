package org.raidwatch.deployment;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.raidwatch.topology.TopicNames;
import org.raidwatch.topology.TopicRole;

/**
 * Creates raidwatch's topics when they are missing: the inputs as logs kept for good, the dead
 * letters as an ordinary log (the broker's retention), the two outputs compacted (the latest record
 * per key is a flag's or a rate's state). Topics it creates are returned only once every partition
 * has a leader that takes writes.
 */
public final class TopicSetup {

    private TopicSetup() {
    }

    /**
     * @return the names of the topics it created, each with a leader taking writes on every partition
     * @throws BrokerUnreachableException when the broker does not answer, or a created topic has no
     *                                    leader on some partition, within the timeout
     */
    public static List<String> createMissing(Admin admin, TopicNames names, int partitions, short replication, long timeoutMs) {
        return createMissing(admin, names, Optional.of(partitions), Optional.of(replication), timeoutMs);
    }

    /** As above; an empty partition count or replication factor takes the broker's default. */
    public static List<String> createMissing(Admin admin, TopicNames names, Optional<Integer> partitions,
                                             Optional<Short> replication, long timeoutMs) {
        return createMissing(admin, wanted(names, partitions, replication), timeoutMs);
    }

    private static List<String> createMissing(Admin admin, List<NewTopic> wanted, long timeoutMs) {
        try {
            Set<String> existing = admin.listTopics().names().get(timeoutMs, TimeUnit.MILLISECONDS);
            List<NewTopic> missing = wanted.stream().filter(topic -> !existing.contains(topic.name())).toList();
            List<String> created = new ArrayList<>();
            for (var result : admin.createTopics(missing).values().entrySet()) {
                try {
                    result.getValue().get(timeoutMs, TimeUnit.MILLISECONDS);
                    created.add(result.getKey());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + result.getKey() + ": " + e.getCause().getMessage(), e);
                    }
                }
            }
            awaitLeaders(admin, created, Duration.ofMillis(timeoutMs));
            return created;
        } catch (TimeoutException e) {
            throw new BrokerUnreachableException("Kafka did not answer within " + timeoutMs + " ms", e);
        } catch (ExecutionException e) {
            throw new BrokerUnreachableException("Kafka refused to list topics: " + e.getCause().getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
    }

    /**
     * raidwatch's five topics as it creates them: the inputs kept for good, the dead letters with the
     * broker's retention, the outputs compacted. Kafka Streams creates its internal topics itself. The
     * topic script of the Docker Compose stack ({@code docker/create-topics.sh}) creates the same ones.
     */
    public static List<NewTopic> wanted(TopicNames names, Optional<Integer> partitions, Optional<Short> replication) {
        return java.util.Arrays.stream(TopicRole.values())
                .map(role -> {
                    NewTopic topic = new NewTopic(names.name(role), partitions, replication);
                    return role.configs().isEmpty() ? topic : topic.configs(role.configs());
                })
                .toList();
    }

    /**
     * Creates the rules topic when it is missing: one partition, compacted (the latest record is the
     * published rule set; older ones are kept until compaction, as the history of what was published).
     *
     * @return whether it created the topic
     */
    public static boolean createRulesTopic(Admin admin, String topic, Optional<Short> replication, long timeoutMs) {
        NewTopic rules = new NewTopic(topic, Optional.of(1), replication)
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
        return !createMissing(admin, List.of(rules), timeoutMs).isEmpty();
    }

    /**
     * Waits until every partition of the topics has a leader that takes writes: the topic metadata
     * names a leader, and that leader answers a ListOffsets request (which, like a produce, only a
     * partition's leader serves). A broker publishes a partition's leader in its metadata a moment
     * before its replica manager leads it, so the metadata alone is not enough.
     * <p>
     * Why it matters: an idempotent producer that writes to a partition before its leader is ready
     * can have its first batch refused (NOT_LEADER_OR_FOLLOWER) while its next batch, already in
     * flight, is accepted (a broker accepts any first sequence number from a producer it has no
     * state for); the first batch then fails with OUT_OF_ORDER_SEQUENCE_NUMBER until its delivery
     * timeout, and its records are lost (KAFKA-15591, fixed in Kafka 4.5 for never-written
     * partitions only).
     *
     * @throws BrokerUnreachableException when some partition still has no such leader after the timeout
     */
    public static void awaitLeaders(Admin admin, Collection<String> topics, Duration timeout) {
        if (topics.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        String lastProblem = "no answer from Kafka";
        while (true) {
            long remainingMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
            int attemptMs = (int) Math.min(remainingMs, 5_000);
            try {
                Map<String, TopicDescription> described = admin.describeTopics(topics, new DescribeTopicsOptions().timeoutMs(attemptMs))
                        .allTopicNames().get(attemptMs, TimeUnit.MILLISECONDS);
                Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
                List<TopicPartition> leaderless = new ArrayList<>();
                for (TopicDescription topic : described.values()) {
                    for (var partition : topic.partitions()) {
                        TopicPartition tp = new TopicPartition(topic.name(), partition.partition());
                        partitions.put(tp, OffsetSpec.latest());
                        if (partition.leader() == null || partition.leader().isEmpty()) {
                            leaderless.add(tp);
                        }
                    }
                }
                if (leaderless.isEmpty()) {
                    admin.listOffsets(partitions, new ListOffsetsOptions().timeoutMs(attemptMs)).all().get(attemptMs, TimeUnit.MILLISECONDS);
                    return;
                }
                lastProblem = "no leader for " + leaderless.stream().map(TopicPartition::toString).sorted().toList();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof RetriableException)) {
                    throw new BrokerUnreachableException("Kafka refused to describe " + topics + ": " + e.getCause().getMessage(), e);
                }
                lastProblem = e.getCause().getMessage();
            } catch (TimeoutException e) {
                lastProblem = "no answer within " + attemptMs + " ms";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the leaders of " + topics, e);
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new BrokerUnreachableException("the partitions of " + topics + " have no leader taking writes after "
                        + (timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + " s" : timeout.toMillis() + " ms") + " (" + lastProblem + ")", null);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the leaders of " + topics, e);
            }
        }
    }

    /** The Kafka cluster could not be reached or refused the call. */
    public static final class BrokerUnreachableException extends RuntimeException {
        public BrokerUnreachableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
