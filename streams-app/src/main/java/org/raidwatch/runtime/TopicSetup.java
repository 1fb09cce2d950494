package org.raidwatch.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.raidwatch.topology.TopicNames;

/**
 * Creates raidwatch's topics when they are missing: the inputs and dead letters as ordinary logs,
 * the two outputs compacted (the latest record per key is a flag's or a rate's state).
 */
public final class TopicSetup {

    private TopicSetup() {
    }

    /**
     * @return the names of the topics it created
     * @throws BrokerUnreachableException when the broker does not answer within the timeout
     */
    public static List<String> createMissing(Admin admin, TopicNames names, int partitions, short replication, long timeoutMs) {
        return createMissing(admin, names, Optional.of(partitions), Optional.of(replication), timeoutMs);
    }

    /** As above; an empty partition count or replication factor takes the broker's default. */
    public static List<String> createMissing(Admin admin, TopicNames names, Optional<Integer> partitions,
                                             Optional<Short> replication, long timeoutMs) {
        Map<String, String> compacted = Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
        List<NewTopic> wanted = List.of(
                new NewTopic(names.raidReports(), partitions, replication),
                new NewTopic(names.foiUpdates(), partitions, replication),
                new NewTopic(names.flaggedCases(), partitions, replication).configs(compacted),
                new NewTopic(names.forceRates(), partitions, replication).configs(compacted),
                new NewTopic(names.deadLetters(), partitions, replication));
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

    /** The Kafka cluster could not be reached or refused the call. */
    public static final class BrokerUnreachableException extends RuntimeException {
        public BrokerUnreachableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
