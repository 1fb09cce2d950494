package org.raidwatch.it;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import org.raidwatch.deployment.HttpEndpoint;
import org.raidwatch.instance.RaidwatchInstance;
import org.raidwatch.rules.LiveRuleSet;
import org.raidwatch.rules.RuleSet;
import org.raidwatch.runner.StreamsProperties;
import org.raidwatch.runner.StreamsRunner;
import org.raidwatch.serde.SchemaRegistries;
import org.raidwatch.topology.CaseTopology;
import org.raidwatch.topology.TopicNames;
import org.raidwatch.topology.Topics;

/**
 * One raidwatch instance with production settings (exactly-once) and a fixed "now", so the expected
 * results are exact. Run in the test JVM, or in a process of its own through {@link #main}.
 */
public final class AppInstance implements AutoCloseable {

    public static final String APPLICATION_ID = "raidwatch-it";
    /** "Now" for every instance in these tests. */
    public static final LocalDate AS_OF = LocalDate.of(2023, 6, 30);

    private final RaidwatchInstance instance;

    private AppInstance(RaidwatchInstance instance) {
        this.instance = instance;
    }

    public static AppInstance start(String bootstrapServers, String registryUrl, Path stateDir, RuleSet rules) {
        return start(bootstrapServers, registryUrl, stateDir, rules, HttpEndpoint.off());
    }

    /** An instance serving its HTTP API (and telling the other instances where) on the given endpoint. */
    public static AppInstance start(String bootstrapServers, String registryUrl, Path stateDir, RuleSet rules, HttpEndpoint http) {
        return start(bootstrapServers, registryUrl, stateDir, new LiveRuleSet(rules), http);
    }

    /** An instance whose rule set the test replaces while it runs, as the rules topic does. */
    public static AppInstance start(String bootstrapServers, String registryUrl, Path stateDir, LiveRuleSet liveRules, HttpEndpoint http) {
        Properties props = StreamsProperties.defaults(APPLICATION_ID, bootstrapServers, TopicNames.DEFAULTS.deadLetters());
        props.put("state.dir", stateDir.toString());
        // A killed instance leaves the group after this, not after the default 45 s.
        props.put(org.apache.kafka.streams.StreamsConfig.consumerPrefix(org.apache.kafka.clients.consumer.ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 10_000);
        props.put(org.apache.kafka.streams.StreamsConfig.consumerPrefix(org.apache.kafka.clients.consumer.ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 1_000);
        Topics topics = Topics.create(TopicNames.DEFAULTS, SchemaRegistries.forUrl(registryUrl));
        int partitions;
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                java.util.Map.of("bootstrap.servers", bootstrapServers))) {
            partitions = org.raidwatch.deployment.Deployment.inputPartitions(admin, TopicNames.DEFAULTS, Duration.ofSeconds(30));
        }
        // Production's assembly, with a fixed "now" so the expected results are exact.
        RaidwatchInstance instance = RaidwatchInstance.listen(liveRules, http, () -> AS_OF);
        AppInstance app = new AppInstance(instance);
        try {
            instance.build(props, topics, settings(partitions),
                    java.util.Map.of("bootstrap.servers", bootstrapServers));
            if (!instance.start(Duration.ofSeconds(90))) {
                throw new IllegalStateException("raidwatch instance did not start running: " + app.describe());
            }
        } catch (RuntimeException | Error e) {
            app.close();
            throw e;
        }
        return app;
    }

    /**
     * Production's live settings ({@code run}'s), with one difference: "now" is {@link #AS_OF}, so the
     * expected results are exact.
     */
    public static CaseTopology.Settings settings(int inputPartitions) {
        java.time.Clock fixed = java.time.Clock.fixed(AS_OF.atTime(12, 0).atZone(org.raidwatch.contract.London.ZONE).toInstant(),
                org.raidwatch.contract.London.ZONE);
        CaseTopology.Settings live = CaseTopology.Settings.live();
        return CaseTopology.Settings.liveWithClock(fixed, live.timeCheckInterval()).withInputPartitions(inputPartitions);
    }

    /** The port its HTTP server got. */
    public int httpPort() {
        return instance.http().port();
    }

    public KafkaStreams.State state() {
        return instance.runner().state();
    }

    public String describe() {
        StreamsRunner runner = instance.runner();
        return runner.state() + (runner.failure() == null ? "" : ", failed: " + runner.failure());
    }

    @Override
    public void close() {
        instance.close();
    }

    /** An instance in its own process, until killed: {@code bootstrapServers registryUrl stateDir}. */
    public static void main(String[] args) throws InterruptedException {
        org.raidwatch.serde.AvroClassTrust.install();
        AppInstance instance = start(args[0], args[1], Path.of(args[2]), RuleSet.loadShipped());
        System.out.println("instance running");
        System.out.flush();
        while (instance.state() != KafkaStreams.State.ERROR && instance.state() != KafkaStreams.State.NOT_RUNNING) {
            Thread.sleep(500);
        }
        System.out.println("instance stopped: " + instance.describe());
    }
}
