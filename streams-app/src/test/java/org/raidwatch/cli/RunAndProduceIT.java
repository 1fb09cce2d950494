package org.raidwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.raidwatch.clients.TopicReader;
import org.raidwatch.it.Await;
import org.raidwatch.it.Http;
import org.raidwatch.local.EmbeddedKafka;
import org.raidwatch.schema.CaseFlag;
import org.raidwatch.schema.FlagStatus;
import org.raidwatch.serde.SchemaRegistries;
import org.raidwatch.topology.TopicNames;
import org.raidwatch.topology.Topics;

/** A deployment's path: `run` against a Kafka cluster, `produce` loading files into it, and the errors a user can cause. */
class RunAndProduceIT {

    private static final Path RAIDS = Path.of("src/test/resources/replay/raids.csv");
    private static final Path FOI = Path.of("src/test/resources/replay/foi.csv");

    @TempDir
    Path dir;

    @Test
    void run_processes_what_produce_loads_and_stops_cleanly() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), false)) {
            int httpPort = Http.freePort();
            Path config = writeConfig(kafka.bootstrapServers(), "mock://run-it",
                    "raidwatch.topic.partitions=2\nraidwatch.topic.replication=1\nraidwatch.http.port=" + httpPort + "\n");
            Map<String, Object> client = Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());

            // Given raidwatch running
            AtomicInteger runExit = new AtomicInteger(-1);
            StringWriter runOut = new StringWriter();
            Thread run = new Thread(() -> runExit.set(Main.execute(new PrintWriter(runOut, true), new PrintWriter(new StringWriter(), true),
                    "run", "--config", config.toString())), "run-command");
            run.start();
            Await.until(Duration.ofSeconds(90), "the run command to report it is running", () -> runOut.toString().contains("raidwatch running"),
                    () -> "it printed: " + runOut + ", exit " + runExit.get());
            assertThat(runOut.toString()).contains("dashboard, API and metrics at http://127.0.0.1:" + httpPort + "/");
            Await.until(Duration.ofSeconds(30), "/ready to answer 200", () -> new Http(httpPort).get("/ready").status() == 200,
                    () -> new Http(httpPort).get("/ready").body());

            // When the files are loaded with produce
            StringWriter err = new StringWriter();
            int produceExit = Main.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), "produce",
                    "--raids", RAIDS.toString(), "--foi", FOI.toString(), "--config", config.toString(),
                    "--rejected", dir.resolve("rejected.jsonl").toString());

            // Then the rejected rows are reported and the rest are processed into flags
            assertThat(produceExit).isEqualTo(ExitCodes.ROWS_REJECTED);
            assertThat(err.toString()).contains(RAIDS + ":6: force 'Atlantis' is not one of the 44 forces of England and Wales");
            assertThat(Files.readAllLines(dir.resolve("rejected.jsonl"))).hasSize(3);
            Topics topics = Topics.create(TopicNames.DEFAULTS, SchemaRegistries.forUrl("mock://run-it"));
            Map<String, CaseFlag>[] flags = new Map[1];
            Await.until(Duration.ofSeconds(60), "the 9 flags of the fixture in their final state", () -> {
                flags[0] = TopicReader.latestByKey(client, "flagged-cases", topics.flaggedCases().valueSerde().deserializer(),
                        Duration.ofSeconds(10), key -> new String(key, StandardCharsets.UTF_8));
                CaseFlag r2 = flags[0].get("R2|rescue-overstated");
                return flags[0].size() == 9 && r2 != null && r2.getStatus() == FlagStatus.UPDATED
                        && r2.getExplanation().endsWith("shows 2 identified");
            }, () -> "flagged-cases holds " + (flags[0] == null ? "nothing yet" : flags[0].keySet()));
            // Live, "now" is today: R6's request of 2021-04-01, never answered, is overdue (a replay as of 2021-04-01 says not yet).
            assertThat(flags[0].get("R6|foi-overdue").getStatus()).isEqualTo(FlagStatus.RAISED);

            // When the same rows are loaded again from workbooks (written by LibreOffice)
            StringWriter workbookErr = new StringWriter();
            int fromWorkbooks = Main.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(workbookErr, true), "produce",
                    "--raids", "src/test/resources/workbooks/raids-libreoffice.xlsx", "--foi", "src/test/resources/workbooks/foi-libreoffice.xlsx",
                    "--config", config.toString());
            // Then the same rows are refused, naming sheet and row, and the flags stay as they were
            assertThat(fromWorkbooks).isEqualTo(ExitCodes.ROWS_REJECTED);
            assertThat(workbookErr.toString()).contains("raids-libreoffice.xlsx:6: sheet 'raids': force 'Atlantis' is not one of the 44 forces");
            Map<String, CaseFlag> before = flags[0];
            Await.until(Duration.ofSeconds(60), "the flags after the workbooks' rows, the same 9 in the same state", () -> {
                flags[0] = TopicReader.latestByKey(client, "flagged-cases", topics.flaggedCases().valueSerde().deserializer(),
                        Duration.ofSeconds(10), key -> new String(key, StandardCharsets.UTF_8));
                return flags[0].size() == 9 && flags[0].keySet().equals(before.keySet()) && flags[0].entrySet().stream().allMatch(flag ->
                        flag.getValue().getStatus() == before.get(flag.getKey()).getStatus()
                                && flag.getValue().getExplanation().equals(before.get(flag.getKey()).getExplanation()));
            }, () -> "flagged-cases holds " + flags[0]);
            try (Admin admin = Admin.create(client)) {
                Set<String> topicNames = admin.listTopics().names().get(10, TimeUnit.SECONDS);
                assertThat(topicNames).contains("raid-reports", "foi-updates", "flagged-cases", "force-rates", "raidwatch-dead-letters");
                assertThat(admin.describeTopics(Set.of("raid-reports")).allTopicNames().get().get("raid-reports").partitions()).hasSize(2);
            }

            // And stopping it shuts down cleanly
            run.interrupt();
            run.join(TimeUnit.SECONDS.toMillis(60));
            assertThat(run.isAlive()).as("run command still alive after the stop").isFalse();
            assertThat(runExit.get()).isEqualTo(ExitCodes.OK);
        }
    }

    @Test
    void the_runnable_jar_runs_in_its_own_process_and_stops_cleanly_on_sigterm() throws Exception {
        Path jar = Path.of("target/raidwatch.jar");
        assertThat(jar).as("the runnable jar, built in the package phase").exists();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), false)) {
            int httpPort = Http.freePort();
            Path config = writeConfig(kafka.bootstrapServers(), "mock://own-process", "raidwatch.http.port=" + httpPort + "\n");
            Path log = dir.resolve("run.log");
            Process run = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-jar", jar.toString(), "run", "--config", config.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                Await.until(Duration.ofSeconds(90), "the process to report it is running",
                        () -> Files.readString(log).contains("raidwatch running") || !run.isAlive(), () -> readQuietly(log));
                assertThat(run.isAlive()).as("process alive; it printed:%n%s", readQuietly(log)).isTrue();
                assertThat(new Http(httpPort).get("/health").json().get("status").asText()).isEqualTo("UP");

                run.destroy(); // SIGTERM

                assertThat(run.waitFor(60, TimeUnit.SECONDS)).as("stopped within 60 s of SIGTERM").isTrue();
                assertThat(run.exitValue()).as("exit status; it printed:%n%s", readQuietly(log)).isEqualTo(ExitCodes.OK);
                assertThat(Files.readString(log)).contains("Kafka Streams state PENDING_SHUTDOWN -> NOT_RUNNING")
                        .doesNotContain("Exception");
            } finally {
                run.destroyForcibly();
            }
        }
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    @Test
    void run_says_so_and_exits_4_when_kafka_cannot_be_reached() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Path config = writeConfig("127.0.0.1:" + closedPort, "mock://unreachable", "");
        StringWriter err = new StringWriter();

        int exit = Main.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true),
                "run", "--config", config.toString(), "--connect-timeout", "3s");

        assertThat(exit).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(err.toString()).startsWith("raidwatch: Kafka at 127.0.0.1:" + closedPort + " could not be reached within 3 s");
    }

    @Test
    void a_missing_or_unknown_setting_exits_2_and_names_it() throws IOException {
        StringWriter err = new StringWriter();
        Path missing = dir.resolve("missing.properties");
        Files.writeString(missing, "bootstrap.servers=127.0.0.1:9092\n");
        assertThat(Main.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), "run", "--config", missing.toString()))
                .isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("schema.registry.url is not set: give it in " + missing + " or as the environment variable RAIDWATCH_SCHEMA_REGISTRY_URL");

        Path unknown = writeConfig("127.0.0.1:9092", "mock://x", "raidwatch.topics.raid-reports=typo\n");
        assertThat(Main.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), "run", "--config", unknown.toString()))
                .isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("unknown setting raidwatch.topics.raid-reports");

        // A Kafka setting Kafka's clients refuse is the configuration's fault too, not the stream's
        Path badKafka = writeConfig("127.0.0.1:9092", "mock://x", "raidwatch.http.port=0\nsecurity.protocol=BOGUS\n");
        assertThat(Main.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), "run", "--config", badKafka.toString()))
                .isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("raidwatch: Kafka's client cannot be made with these settings: Invalid value BOGUS for configuration security.protocol");
    }

    @Test
    void a_rule_set_that_does_not_build_exits_2_with_file_and_line() throws IOException {
        Path rules = Files.createDirectories(dir.resolve("rules"));
        Files.writeString(rules.resolve("broken.drl"), "package raidwatch.rules;\nrule \"broken\"\nwhen\nthen\n  nonsense(\nend\n");
        StringWriter err = new StringWriter();

        int exit = Main.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true),
                "replay", "--raids", RAIDS.toString(), "--rules", rules.toString(), "--out", dir.resolve("out").toString());

        assertThat(exit).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).startsWith("raidwatch: the rule set does not build:").contains(rules.resolve("broken.drl") + ":");
    }

    @Test
    void an_unreadable_input_file_exits_2() {
        StringWriter err = new StringWriter();

        int exit = Main.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true),
                "replay", "--raids", dir.resolve("nope.csv").toString(), "--out", dir.resolve("out").toString());

        assertThat(exit).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("nope.csv: no such readable file");
    }

    private Path writeConfig(String bootstrap, String registry, String extra) throws IOException {
        Path config = dir.resolve("raidwatch-" + System.nanoTime() + ".properties");
        Files.writeString(config, "bootstrap.servers=" + bootstrap + "\nschema.registry.url=" + registry
                + "\napplication.id=raidwatch-it\nstate.dir=" + dir.resolve("state") + "\n" + extra);
        return config;
    }

}
