package org.raidwatch.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.raidwatch.deployment.TopicSetup;
import org.raidwatch.local.EmbeddedKafka;
import org.raidwatch.topology.TopicNames;
import org.raidwatch.topology.TopicRole;

/**
 * The Docker Compose stack's topic script (docker/create-topics.sh) run with Kafka's own
 * kafka-topics.sh against a real broker: it creates exactly the topics raidwatch itself would
 * create ({@link TopicSetup#wanted}), with their configs, partitions and replication, does no harm
 * when run again, and gives up with a message when no broker answers.
 */
class TopicScriptIT {

    private static final Path SCRIPT = Path.of("../docker/create-topics.sh");
    private static final Duration SCRIPT_LIMIT = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    private Path toolsDir;

    /** A kafka-topics.sh that runs Kafka's TopicCommand from this test's classpath, as the apache/kafka image's does. */
    @BeforeEach
    void kafkaTopicsOnThePath() throws IOException {
        toolsDir = Files.createDirectories(dir.resolve("bin"));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path shim = toolsDir.resolve("kafka-topics.sh");
        Files.writeString(shim, "#!/usr/bin/env bash\n"
                + "exec " + quoted(java.toString()) + " -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto -cp "
                + quoted(System.getProperty("java.class.path")) + " org.apache.kafka.tools.TopicCommand \"$@\"\n");
        Files.setPosixFilePermissions(shim, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void creates_exactly_raidwatchs_topics_with_their_configs_and_a_second_run_changes_nothing() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), false);
             Admin admin = Admin.create(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            // Given an empty cluster
            // When the script runs with 3 partitions and replication 1
            Run first = runScript(Map.of("RAIDWATCH_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                    "RAIDWATCH_TOPIC_PARTITIONS", "3", "RAIDWATCH_TOPIC_REPLICATION", "1", "RAIDWATCH_TOPICS_WAIT", "30"));

            // Then the cluster holds raidwatch's five topics as raidwatch would create them, and nothing else
            assertThat(first.status).as("exit status; it printed:%n%s", first.output).isZero();
            assertThat(first.stdout).contains("5 created, 0 already there");
            assertTopicsAre(admin, TopicSetup.wanted(TopicNames.DEFAULTS, Optional.of(3), Optional.of((short) 1)));

            // When it runs again
            Run second = runScript(Map.of("RAIDWATCH_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                    "RAIDWATCH_TOPIC_PARTITIONS", "3", "RAIDWATCH_TOPIC_REPLICATION", "1", "RAIDWATCH_TOPICS_WAIT", "30"));

            // Then it succeeds and leaves the topics as they were
            assertThat(second.status).as("exit status of the second run; it printed:%n%s", second.output).isZero();
            assertThat(second.stdout).contains("0 created, 5 already there");
            assertTopicsAre(admin, TopicSetup.wanted(TopicNames.DEFAULTS, Optional.of(3), Optional.of((short) 1)));

            // And raidwatch itself, starting on that cluster, finds nothing to create
            assertThat(TopicSetup.createMissing(admin, TopicNames.DEFAULTS, 3, (short) 1, 10_000)).isEmpty();
        }
    }

    @Test
    void topic_names_follow_raidwatchs_settings() throws Exception {
        TopicNames names = TopicNames.of(Map.of(TopicRole.RAID_REPORTS, "acme.raid-reports", TopicRole.FOI_UPDATES, "acme.foi-updates", TopicRole.FLAGGED_CASES, "acme.flagged-cases", TopicRole.FORCE_RATES, "acme.force-rates", TopicRole.DEAD_LETTERS, "acme.dead-letters"));
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), false);
             Admin admin = Admin.create(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            // Given topic names set as raidwatch's settings in the environment
            Map<String, String> environment = new HashMap<>(Map.of("RAIDWATCH_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                    "RAIDWATCH_TOPIC_RAID_REPORTS", names.raidReports(), "RAIDWATCH_TOPIC_FOI_UPDATES", names.foiUpdates(),
                    "RAIDWATCH_TOPIC_FLAGGED_CASES", names.flaggedCases(), "RAIDWATCH_TOPIC_FORCE_RATES", names.forceRates(),
                    "RAIDWATCH_TOPIC_DEAD_LETTERS", names.deadLetters(), "RAIDWATCH_TOPICS_WAIT", "30"));

            // When the script runs with its default partitions and replication
            Run run = runScript(environment);

            // Then it creates those topics, 6 partitions each, replication 1
            assertThat(run.status).as("exit status; it printed:%n%s", run.output).isZero();
            assertTopicsAre(admin, TopicSetup.wanted(names, Optional.of(6), Optional.of((short) 1)));
            assertThat(TopicSetup.createMissing(admin, names, 6, (short) 1, 10_000)).isEmpty();
        }
    }

    @Test
    void fails_with_kafkas_reason_when_a_topic_cannot_be_created() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), false);
             Admin admin = Admin.create(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            // Given a one-broker cluster
            // When the script asks for replication 3
            Run run = runScript(Map.of("RAIDWATCH_BOOTSTRAP_SERVERS", kafka.bootstrapServers(), "RAIDWATCH_TOPIC_REPLICATION", "3",
                    "RAIDWATCH_TOPICS_WAIT", "30"));

            // Then it stops at the first topic, saying why
            assertThat(run.status).as("exit status; it printed:%n%s", run.output).isEqualTo(1);
            assertThat(run.stderr).contains("create-topics: Kafka at " + kafka.bootstrapServers() + " did not create raid-reports (")
                    .contains("replication factor");
            assertThat(admin.listTopics().names().get(10, TimeUnit.SECONDS)).doesNotContainAnyElementsOf(TopicNames.DEFAULTS.all());
        }
    }

    @Test
    void gives_up_with_a_message_when_no_broker_answers_within_its_wait() throws Exception {
        // Given a port where no broker listens
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }

        // When the script runs with a wait of 3 s
        long started = System.nanoTime();
        Run run = runScript(Map.of("RAIDWATCH_BOOTSTRAP_SERVERS", "127.0.0.1:" + closedPort, "RAIDWATCH_TOPICS_WAIT", "3"));
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        // Then it fails soon after its wait, saying which Kafka did not answer
        assertThat(run.status).as("exit status; it printed:%n%s", run.output).isEqualTo(1);
        assertThat(run.stderr).contains("create-topics: Kafka at 127.0.0.1:" + closedPort + " did not answer within 3 s");
        assertThat(took).as("time to give up after a 3 s wait").isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void refuses_to_run_without_brokers_or_with_a_bad_partition_count() throws Exception {
        Run noBrokers = runScript(Map.of());
        assertThat(noBrokers.status).isEqualTo(2);
        assertThat(noBrokers.stderr).contains("RAIDWATCH_BOOTSTRAP_SERVERS is not set");

        Run badPartitions = runScript(Map.of("RAIDWATCH_BOOTSTRAP_SERVERS", "127.0.0.1:9", "RAIDWATCH_TOPIC_PARTITIONS", "0"));
        assertThat(badPartitions.status).isEqualTo(2);
        assertThat(badPartitions.stderr).contains("RAIDWATCH_TOPIC_PARTITIONS must be a whole number from 1 up, got: 0");
    }

    /** The cluster's topics, less Kafka's own, are exactly these, with these partitions, replication and topic configs. */
    private static void assertTopicsAre(Admin admin, List<NewTopic> wanted) throws Exception {
        Set<String> topics = admin.listTopics().names().get(10, TimeUnit.SECONDS).stream()
                .filter(name -> !name.startsWith("__")).collect(Collectors.toSet());
        assertThat(topics).containsExactlyInAnyOrderElementsOf(wanted.stream().map(NewTopic::name).toList());
        Map<String, TopicDescription> described = admin.describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS);
        Map<ConfigResource, Config> configs = admin.describeConfigs(topics.stream()
                .map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name)).toList()).all().get(10, TimeUnit.SECONDS);
        for (NewTopic topic : wanted) {
            TopicDescription description = described.get(topic.name());
            assertThat(description.partitions()).as("partitions of %s", topic.name()).hasSize(topic.numPartitions());
            assertThat(description.partitions()).as("replicas of each partition of %s", topic.name())
                    .allSatisfy(partition -> assertThat(partition.replicas()).hasSize(topic.replicationFactor()));
            Map<String, String> set = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, topic.name())).entries().stream()
                    .filter(entry -> entry.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG)
                    .collect(Collectors.toMap(ConfigEntry::name, ConfigEntry::value));
            assertThat(set).as("configs set on %s", topic.name()).isEqualTo(topic.configs() == null ? Map.of() : topic.configs());
        }
    }

    private record Run(int status, String stdout, String stderr, String output) {
    }

    private Run runScript(Map<String, String> settings) throws IOException, InterruptedException {
        Path out = Files.createTempFile(dir, "script", ".out");
        Path err = Files.createTempFile(dir, "script", ".err");
        ProcessBuilder builder = new ProcessBuilder("bash", SCRIPT.toString()).redirectOutput(out.toFile()).redirectError(err.toFile());
        Map<String, String> environment = builder.environment();
        environment.keySet().removeIf(name -> name.startsWith("RAIDWATCH_") || name.equals("KAFKA_TOPICS"));
        environment.put("PATH", toolsDir + ":" + System.getenv("PATH"));
        environment.putAll(settings);
        Process process = builder.start();
        try {
            boolean finished = process.waitFor(SCRIPT_LIMIT.toSeconds(), TimeUnit.SECONDS);
            String stdout = Files.readString(out, StandardCharsets.UTF_8);
            String stderr = Files.readString(err, StandardCharsets.UTF_8);
            assertThat(finished).as("the script to finish within %s; it printed:%n%s%n%s", SCRIPT_LIMIT, stdout, stderr).isTrue();
            return new Run(process.exitValue(), stdout, stderr, stdout + stderr);
        } finally {
            process.destroyForcibly();
        }
    }

    private static String quoted(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }
}
