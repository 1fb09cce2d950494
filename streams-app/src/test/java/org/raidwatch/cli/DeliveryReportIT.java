package org.raidwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.raidwatch.clients.InputLoader;
import org.raidwatch.clients.TopicReader;
import org.raidwatch.deployment.TopicSetup;
import org.raidwatch.files.InputFiles;
import org.raidwatch.local.EmbeddedKafka;
import org.raidwatch.serde.InMemorySchemaRegistry;
import org.raidwatch.serde.SchemaRegistries;
import org.raidwatch.topology.TopicNames;
import org.raidwatch.topology.Topics;

/**
 * A load counts only what Kafka acknowledged: a record Kafka refuses is listed with its file and line
 * and the exit status says so; a clean load's count is exactly what the topics hold.
 */
class DeliveryReportIT {

    private static final String REGISTRY = "mock://delivery-report-it";
    private static final String RAIDS_HEADER = "raid_id,revision,force,raid_date,reported_at,source_url,trafficking_claimed,"
            + "modern_slavery_claimed,claimed_victims,claimed_arrests\n";
    private static final String FOI_HEADER = "foi_id,raid_id,force,requested_on,status,responded_on,victims_identified,"
            + "nrm_referrals,nrm_declined,arrests,trafficking_charges,revision\n";

    @TempDir
    Path dir;
    EmbeddedKafka kafka;
    Map<String, Object> client;

    @BeforeEach
    void startBroker() {
        kafka = EmbeddedKafka.start(dir.resolve("kafka"), false);
        client = Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    }

    @AfterEach
    void stopBroker() {
        kafka.close();
        InMemorySchemaRegistry.dropScope(REGISTRY.substring("mock://".length()));
    }

    @Test
    void a_raid_report_kafka_refuses_is_listed_with_its_file_and_line_and_produce_exits_5() throws Exception {
        // Given a deployment whose raid-reports topic takes records of at most 1 KiB
        createInputTopicsWithSmallRaidReports();
        // And a raid report whose article address is long (1,900 characters: valid, but more than the topic takes)
        Path raids = write("raids.csv", RAIDS_HEADER
                + "R1,0,Kent,2020-03-04,,https://news.example/" + "a".repeat(1_900) + ",true,,6,3\n");
        // And three FOI updates of ordinary size
        Path fois = write("foi.csv", FOI_HEADER
                + "F1,R1,Kent,2020-09-01,RESPONDED,2020-10-01,3,0,3,2,0,0\n"
                + "F2,R2,Metropolitan,2021-01-04,RESPONDED,2021-02-01,0,0,0,1,1,0\n"
                + "F3,R3,Essex,2021-03-01,REFUSED,2021-03-20,,,,,,0\n");

        // When the files are loaded with produce
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), "produce",
                "--raids", raids.toString(), "--foi", fois.toString(), "--config", config().toString());

        // Then the refused report is listed with its file and line, and the exit status says some records were not delivered
        assertThat(exit).as("exit status; stderr:%n%s", err).isEqualTo(ExitCodes.UNDELIVERED);
        assertThat(err.toString())
                .contains(raids + ":2: not delivered to raid-reports: RecordTooLargeException")
                .contains("raidwatch: 1 of 4 records could not be delivered to Kafka");
        // And only the acknowledged records are counted as sent, and they are exactly what the topics hold
        assertThat(out.toString()).contains("raidwatch produce: 3 records sent to raid-reports and foi-updates (acknowledged by Kafka), "
                + "1 not delivered, 0 rows rejected");
        assertThat(records("raid-reports")).isEmpty();
        assertThat(sourceLines(records("foi-updates"))).containsExactlyInAnyOrder(fois + ":2", fois + ":3", fois + ":4");
    }

    @Test
    void a_clean_load_counts_exactly_the_records_kafka_acknowledged_and_exits_0() throws Exception {
        // Given a deployment with its input topics, four partitions each
        try (Admin admin = Admin.create(client)) {
            TopicSetup.createMissing(admin, TopicNames.DEFAULTS, 4, (short) 1, 30_000);
        }
        // And 600 raid reports and 600 FOI updates, all valid
        StringBuilder raidRows = new StringBuilder(RAIDS_HEADER);
        StringBuilder foiRows = new StringBuilder(FOI_HEADER);
        for (int i = 0; i < 600; i++) {
            raidRows.append("R").append(i).append(",0,Kent,2020-03-04,,https://news.example/r").append(i).append(",true,,6,3\n");
            foiRows.append("F").append(i).append(",R").append(i).append(",Kent,2020-09-01,RESPONDED,2020-10-01,3,0,3,2,0,0\n");
        }
        Path raids = write("raids.csv", raidRows.toString());
        Path fois = write("foi.csv", foiRows.toString());

        // When they are loaded with produce
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), "produce",
                "--raids", raids.toString(), "--foi", fois.toString(), "--config", config().toString());

        // Then every record is acknowledged, counted once, and in the topics once, from its own line
        assertThat(exit).as("exit status; stderr:%n%s", err).isEqualTo(ExitCodes.OK);
        assertThat(out.toString()).contains("raidwatch produce: 1200 records sent to raid-reports and foi-updates (acknowledged by Kafka), "
                + "0 not delivered, 0 rows rejected");
        assertThat(sourceLines(records("raid-reports"))).hasSize(600).doesNotHaveDuplicates().contains(raids + ":2", raids + ":601");
        assertThat(sourceLines(records("foi-updates"))).hasSize(600).doesNotHaveDuplicates().contains(fois + ":2", fois + ":601");
    }

    @Test
    void a_load_that_lost_a_record_cannot_pass_as_complete() throws Exception {
        // Given a raid-reports topic that refuses the long raid report, and one ordinary FOI update
        createInputTopicsWithSmallRaidReports();
        Path raids = write("raids.csv", RAIDS_HEADER
                + "R1,0,Kent,2020-03-04,,https://news.example/" + "a".repeat(1_900) + ",true,,6,3\n");
        Path fois = write("foi.csv", FOI_HEADER + "F1,R1,Kent,2020-09-01,RESPONDED,2020-10-01,3,0,3,2,0,0\n");
        Topics topics = Topics.create(TopicNames.DEFAULTS, SchemaRegistries.forUrl(REGISTRY));

        // When the loader that replay uses sends them
        InputLoader.Result result;
        try (InputLoader loader = new InputLoader(client, topics)) {
            result = loader.sendAll(raids.toString(), InputFiles.readRaidReports(raids), fois.toString(), InputFiles.readFoiUpdates(fois));
        }

        // Then it reports one acknowledged record and the refused one by file and line, and the load cannot pass as complete
        assertThat(result.acknowledged()).isEqualTo(1);
        assertThat(result.failures()).extracting(InputLoader.Failure::file, InputLoader.Failure::line)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(raids.toString(), 2L));
        assertThatThrownBy(result::requireAllDelivered).isInstanceOf(InputLoader.UndeliveredRecordsException.class)
                .hasMessage("1 of 2 records could not be delivered to Kafka");
    }

    @Test
    void waiting_for_leaders_of_a_topic_that_has_none_fails_clearly_within_its_limit() {
        // Given a broker without the topic "nowhere"
        try (Admin admin = Admin.create(client)) {
            long started = System.nanoTime();

            // When a loader waits 2 s for its leaders, then the wait fails, naming the topic and the limit
            assertThatThrownBy(() -> TopicSetup.awaitLeaders(admin, List.of("nowhere"), Duration.ofSeconds(2)))
                    .isInstanceOf(TopicSetup.BrokerUnreachableException.class)
                    .hasMessageStartingWith("the partitions of [nowhere] have no leader taking writes after 2 s");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
        }
    }

    private void createInputTopicsWithSmallRaidReports() throws Exception {
        try (Admin admin = Admin.create(client)) {
            admin.createTopics(List.of(new NewTopic("raid-reports", Optional.of(1), Optional.of((short) 1))
                    .configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "1024")))).all().get(30, TimeUnit.SECONDS);
            TopicSetup.createMissing(admin, TopicNames.DEFAULTS, 1, (short) 1, 30_000);
            TopicSetup.awaitLeaders(admin, List.of("raid-reports"), Duration.ofSeconds(30));
        }
    }

    private List<ConsumerRecord<byte[], byte[]>> records(String topic) {
        return TopicReader.readAll(client, topic, new ByteArrayDeserializer(), Duration.ofSeconds(30));
    }

    /** "file:line" of each record, from the headers the loader writes. */
    private static List<String> sourceLines(List<ConsumerRecord<byte[], byte[]>> records) {
        List<String> lines = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            lines.add(header(record, InputLoader.HEADER_SOURCE_FILE) + ":" + header(record, InputLoader.HEADER_SOURCE_LINE));
        }
        return lines;
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    private Path config() throws IOException {
        return Files.writeString(dir.resolve("raidwatch.properties"), "bootstrap.servers=" + kafka.bootstrapServers()
                + "\nschema.registry.url=" + REGISTRY + "\n");
    }
}
