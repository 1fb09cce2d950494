package org.raidwatch.deployment;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.raidwatch.contract.LogText;
import org.raidwatch.serde.RegistrySettings;
import org.raidwatch.serde.SchemaRegistryClient;
import org.raidwatch.serde.SchemaRegistryException;
import org.raidwatch.topology.TopicNames;

/** Checks, before anything starts, that a deployment's Kafka cluster and schema registry answer. */
public final class Deployment {

    private Deployment() {
    }

    /** Opens an admin client and waits for the cluster to answer; throws BrokerUnreachableException otherwise. */
    public static Admin connect(RaidwatchConfig config, Duration timeout) {
        var props = config.clientProperties();
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeout.toMillis(), 30_000));
        Admin admin;
        try {
            admin = Admin.create(props);
        } catch (org.apache.kafka.common.KafkaException e) {
            // Kafka's client refuses the settings themselves (an unknown security.protocol, a missing or malformed
            // sasl.jaas.config): the configuration's fault, before any broker is asked.
            throw new RaidwatchConfig.InvalidConfigException("Kafka's client cannot be made with these settings: " + LogText.rootMessage(e));
        }
        try {
            admin.describeCluster().clusterId().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return admin;
        } catch (TimeoutException | ExecutionException e) {
            admin.close(Duration.ZERO);
            throw new TopicSetup.BrokerUnreachableException("Kafka at " + config.bootstrapServers()
                    + " could not be reached within " + timeout.toSeconds() + " s"
                    + (e instanceof ExecutionException ? ": " + e.getCause().getMessage() : ""), e);
        } catch (InterruptedException e) {
            admin.close(Duration.ZERO);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while connecting to Kafka", e);
        }
    }

    /**
     * The partition count of the two input topics, which must agree: a raid's report and FOI updates
     * meet in the task of their partition number, so both topics must be split the same way.
     *
     * @throws RaidwatchConfig.InvalidConfigException when the counts differ
     */
    public static int inputPartitions(Admin admin, TopicNames names, Duration timeout) {
        try {
            var topics = admin.describeTopics(List.of(names.raidReports(), names.foiUpdates())).allTopicNames()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            int reports = topics.get(names.raidReports()).partitions().size();
            int updates = topics.get(names.foiUpdates()).partitions().size();
            if (reports != updates) {
                throw new RaidwatchConfig.InvalidConfigException("the input topics must have the same number of partitions, so that a"
                        + " raid's report and FOI updates meet in one case: " + names.raidReports() + " has " + reports + " and "
                        + names.foiUpdates() + " has " + updates + "; add partitions to the smaller one (kafka-topics --alter"
                        + " --partitions " + Math.max(reports, updates) + ")");
            }
            return reports;
        } catch (TimeoutException | ExecutionException e) {
            throw new TopicSetup.BrokerUnreachableException("cannot describe the input topics: "
                    + (e instanceof ExecutionException ? e.getCause().getMessage() : "no answer within " + timeout.toSeconds() + " s"), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while describing the input topics", e);
        }
    }

    /** Calls the registry once; an unknown subject is a fine answer, no answer (or another error) is not. */
    public static void checkRegistry(SchemaRegistryClient registry, RegistrySettings settings, List<String> subjects) {
        for (String subject : subjects) {
            try {
                registry.latest(subject);
            } catch (SchemaRegistryException e) {
                // Only "no such subject" (40401) is a proper answer; a bare 404 means a wrong address.
                if (!e.isUnknownSubject()) {
                    throw new SchemaRegistryException("schema registry " + settings + " did not answer properly: " + e.getMessage(), e);
                }
            }
        }
    }
}
