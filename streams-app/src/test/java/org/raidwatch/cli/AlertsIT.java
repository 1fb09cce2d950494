package org.raidwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.raidwatch.deployment.TopicSetup;
import org.raidwatch.it.Await;
import org.raidwatch.json.OutputJson;
import org.raidwatch.local.EmbeddedKafka;
import org.raidwatch.schema.CaseFlag;
import org.raidwatch.schema.FlagStatus;
import org.raidwatch.schema.Severity;
import org.raidwatch.serde.InMemorySchemaRegistry;
import org.raidwatch.serde.SchemaRegistries;
import org.raidwatch.topology.TopicNames;
import org.raidwatch.topology.Topics;

/**
 * The alert subscribers against a real broker: {@code alerts tail} printing exactly the flag changes
 * its filters ask for, and {@code alerts webhook} delivering every one at least once through a
 * receiver that fails, a stop while it fails, and changes written while it is stopped.
 */
class AlertsIT {

    private static final Instant T0 = Instant.parse("2021-04-01T09:00:00Z");

    @TempDir
    Path dir;

    private final String registryScope = "alerts-it-" + UUID.randomUUID();
    private final List<Running> started = new ArrayList<>();

    @AfterEach
    void stopWhatIsStillRunning() throws InterruptedException {
        for (Running command : started) {
            command.thread.interrupt();
            command.thread.join(TimeUnit.SECONDS.toMillis(20));
        }
        InMemorySchemaRegistry.dropScope(registryScope);
    }

    @Test
    void tail_prints_exactly_the_flag_changes_its_filters_ask_for() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), false)) {
            Path config = writeConfig(kafka.bootstrapServers());

            // Given a deployment raidwatch never ran on: there is nothing to follow yet, and tail says so
            StringWriter noTopic = new StringWriter();
            int exit = Main.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(noTopic, true),
                    "alerts", "tail", "--config", config.toString());
            assertThat(exit).isEqualTo(ExitCodes.USAGE);
            assertThat(noTopic.toString()).startsWith("raidwatch: topic flagged-cases does not exist at " + kafka.bootstrapServers());

            // Given flag changes on flagged-cases: Kent Police's HIGH ones, and others by force, severity and rule,
            // after a transaction raidwatch aborted (its flag never happened)
            createTopics(kafka);
            try (FlagWriter writer = new FlagWriter(kafka)) {
                writer.abort(flag("T9", "claimed-no-referral", FlagStatus.RAISED, Severity.HIGH, "Kent Police", 0));
                writer.write(
                        flag("T1", "claimed-no-referral", FlagStatus.RAISED, Severity.HIGH, "Kent Police", 1),
                        flag("T2", "no-victims-identified", FlagStatus.RAISED, Severity.HIGH, "Kent Police", 2),
                        flag("T3", "claimed-no-referral", FlagStatus.RAISED, Severity.HIGH, "Essex Police", 3),
                        flag("T4", "rescue-overstated", FlagStatus.RAISED, Severity.MEDIUM, "Kent Police", 4),
                        flag("T1", "claimed-no-referral", FlagStatus.UPDATED, Severity.HIGH, "Kent Police", 5),
                        flag("T5", "foi-overdue", FlagStatus.RAISED, Severity.LOW, "Kent Police", 6),
                        flag("T1", "claimed-no-referral", FlagStatus.RESOLVED, Severity.HIGH, "Kent Police", 7));
            }
            List<CaseFlag> kentHigh = List.of(
                    flag("T1", "claimed-no-referral", FlagStatus.RAISED, Severity.HIGH, "Kent Police", 1),
                    flag("T2", "no-victims-identified", FlagStatus.RAISED, Severity.HIGH, "Kent Police", 2),
                    flag("T1", "claimed-no-referral", FlagStatus.UPDATED, Severity.HIGH, "Kent Police", 5),
                    flag("T1", "claimed-no-referral", FlagStatus.RESOLVED, Severity.HIGH, "Kent Police", 7));

            // When tail prints them as JSON from the beginning, HIGH severity of Kent Police (by its short name) only
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            exit = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), "alerts", "tail", "--config", config.toString(),
                    "--json", "--from-beginning", "--severity", "high", "--force", "kent", "--idle-timeout", "3s");

            // Then it printed exactly those changes, each as the JSON line of the CaseFlag, and stopped once idle
            assertThat(exit).as("exit status; stderr: %s", err).isEqualTo(ExitCodes.OK);
            List<String> lines = lines(out);
            assertThat(lines).as("the JSON lines printed").containsExactlyInAnyOrderElementsOf(
                    kentHigh.stream().map(OutputJson::flagLine).toList());
            // A raid's changes come in the order they happened (one key, one partition).
            assertThat(lines.stream().filter(l -> l.contains("\"T1\"")).map(l -> parse(l).get("status")).toList())
                    .containsExactly("RAISED", "UPDATED", "RESOLVED");
            // Each line parses back to the fields of the change written, and reads as the README documents.
            Map<String, Object> first = lines.stream().map(AlertsIT::parse)
                    .filter(json -> json.get("raidId").equals("T1") && json.get("status").equals("RAISED")).findFirst().orElseThrow();
            assertThat(first).isEqualTo(OutputJson.flag(kentHigh.get(0)));
            assertThat(first).containsEntry("severity", "HIGH").containsEntry("force", "Kent Police")
                    .containsEntry("raidDate", "2021-03-02").containsEntry("changedAt", "2021-04-01T09:01:00Z")
                    .containsEntry("evidence", Map.of("nrmReferrals", "0", "traffickingClaimed", "true"))
                    .containsEntry("foiReference", "FOI-T1");
            assertThat(err.toString()).contains("raidwatch alerts tail: no new flag change for 3 s; 4 flag changes printed, "
                    + "3 skipped by the filters (severity HIGH, force Kent Police)");

            // When tail prints the human line for claimed-no-referral's raisings and resolutions, any force
            out = new StringWriter();
            err = new StringWriter();
            exit = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), "alerts", "tail", "--config", config.toString(),
                    "--from-beginning", "--rule", "claimed-no-referral", "--status", "RAISED,resolved", "--idle-timeout", "3s",
                    "--group", "tail-human");

            // Then each is the console's flag line
            assertThat(exit).as("exit status; stderr: %s", err).isEqualTo(ExitCodes.OK);
            assertThat(lines(out)).containsExactlyInAnyOrder(
                    ConsoleReport.flagLine(flag("T1", "claimed-no-referral", FlagStatus.RAISED, Severity.HIGH, "Kent Police", 1)),
                    ConsoleReport.flagLine(flag("T3", "claimed-no-referral", FlagStatus.RAISED, Severity.HIGH, "Essex Police", 3)),
                    ConsoleReport.flagLine(flag("T1", "claimed-no-referral", FlagStatus.RESOLVED, Severity.HIGH, "Kent Police", 7)));
        }
    }

    @Test
    void a_wrong_filter_or_url_is_a_usage_error_naming_the_option() {
        assertUsageError(List.of("alerts", "tail", "--force", "Atlantis"),
                "Invalid value for option '--force'", "'Atlantis' is not one of the 44 forces of England and Wales");
        assertUsageError(List.of("alerts", "tail", "--severity", "HIGH,URGENT"),
                "Invalid value for option '--severity'", "expected HIGH, MEDIUM or LOW, got 'URGENT'");
        assertUsageError(List.of("alerts", "tail", "--status", "OPEN"),
                "Invalid value for option '--status'", "expected RAISED, UPDATED or RESOLVED, got 'OPEN'");
        assertUsageError(List.of("alerts", "webhook", "--url", "ftp://hooks.example.org/x"),
                "raidwatch: --url: expected an http:// or https:// URL with a host");
        assertUsageError(List.of("alerts", "webhook"), "raidwatch: give the webhook URL: --url-file FILE or RAIDWATCH_WEBHOOK_URL");
        assertUsageError(List.of("alerts", "webhook", "--url", "https://hooks.example.org/x", "--url-file", "hook.txt"),
                "raidwatch: give the webhook URL once: --url or --url-file, not both");
        assertUsageError(List.of("alerts", "webhook", "--url", "https://hooks.example.org/x", "--backoff", "10s", "--max-backoff", "1s"),
                "raidwatch: --max-backoff (1000 ms) must not be shorter than --backoff (10000 ms)");
    }

    @Test
    void a_webhook_url_read_from_a_file_is_never_printed_even_when_refused(@TempDir Path dir) throws IOException {
        // Given a file holding a URL with a secret, but with a space in it
        Path file = dir.resolve("hook.txt");
        Files.writeString(file, "\n  https://hooks.example.org/services/T0/s3cret s3cret\n");

        // When the webhook is started with it, Then it is refused, and the secret appears nowhere in the output
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), "alerts", "webhook", "--url-file", file.toString());
        assertThat(exit).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("raidwatch: --url-file " + file + ": the webhook URL is not a URL");
        assertThat(out + err.toString()).doesNotContain("s3cret");
    }

    @Test
    void webhook_delivers_every_matching_change_at_least_once_through_failures_and_restarts() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), false);
             Receiver receiver = new Receiver()) {
            Path config = writeConfig(kafka.bootstrapServers());
            createTopics(kafka);
            String[] webhook = {"alerts", "webhook", "--config", config.toString(), "--url", receiver.url(),
                    "--severity", "HIGH,MEDIUM", "--status", "RAISED", "--status", "UPDATED", "--from-beginning",
                    "--timeout", "5s", "--backoff", "100ms", "--max-backoff", "400ms"};
            Set<String> expected = new HashSet<>();
            Map<TopicPartition, Long> written = new HashMap<>();

            // Given flag changes, HIGH and MEDIUM raisings and updates among a LOW one and a resolution,
            // after an aborted transaction's raising
            try (FlagWriter writer = new FlagWriter(kafka)) {
                writer.abort(flag("W9", "claimed-no-referral", FlagStatus.RAISED, Severity.HIGH, "Kent Police", 0));
                List<CaseFlag> flags = List.of(
                        flag("W1", "claimed-no-referral", FlagStatus.RAISED, Severity.HIGH, "Kent Police", 1),
                        flag("W2", "rescue-overstated", FlagStatus.RAISED, Severity.MEDIUM, "Essex Police", 2),
                        flag("W3", "foi-overdue", FlagStatus.RAISED, Severity.LOW, "Kent Police", 3),
                        flag("W1", "claimed-no-referral", FlagStatus.UPDATED, Severity.HIGH, "Kent Police", 4),
                        flag("W4", "no-victims-identified", FlagStatus.RAISED, Severity.HIGH, "Dorset Police", 5),
                        flag("W2", "rescue-overstated", FlagStatus.RESOLVED, Severity.MEDIUM, "Essex Police", 6));
                written.putAll(writer.write(flags.toArray(CaseFlag[]::new)));
                flags.stream().filter(f -> f.getSeverity() != Severity.LOW && f.getStatus() != FlagStatus.RESOLVED)
                        .forEach(f -> expected.add(identity(f)));
            }
            // and a receiver that answers 500 three times, then drops the connection, then accepts
            receiver.failNext(3, 500);
            receiver.dropNext(1);

            // When the webhook runs
            Running first = start(webhook);

            // Then every matching change is delivered once the receiver accepts, and committed
            awaitDelivered(receiver, expected, first);
            awaitCommitted(kafka, written, first);
            assertThat(receiver.attempts()).as("500 three times, one dropped connection, four deliveries").isEqualTo(8);
            assertThat(receiver.deliveredBodies()).anySatisfy(body -> assertThat(body.get("text")).isEqualTo(
                    "HIGH RAISED claimed-no-referral, raid W1 (Kent Police, 2021-03-02): Trafficking claimed; the force referred 0"
                            + " people to the NRM. Source: https://news.example/w1"));
            assertThat(receiver.deliveredBodies()).anySatisfy(body -> assertThat(body.get("flag")).isEqualTo(
                    OutputJson.flag(flag("W4", "no-victims-identified", FlagStatus.RAISED, Severity.HIGH, "Dorset Police", 5))));

            // When it is stopped
            Map<String, String> output = first.stop();

            // Then it says what it did, without the URL's secret path
            assertThat(output.get("out")).contains("to http://127.0.0.1:" + receiver.port() + "/… (group raidwatch-alerts-webhook)")
                    .contains("raidwatch alerts webhook: stopped on request; 4 flag changes delivered, 2 skipped by the filters, 4 failed attempts")
                    .doesNotContain("secret-token");

            // Given the receiver down (503) and a change arriving: the webhook started again retries it, and is stopped while it fails
            receiver.failAll(503);
            try (FlagWriter writer = new FlagWriter(kafka)) {
                CaseFlag w5 = flag("W5", "identified-not-referred", FlagStatus.RAISED, Severity.MEDIUM, "Kent Police", 7);
                written.putAll(writer.write(w5));
                expected.add(identity(w5));
            }
            Running second = start(webhook);
            Await.until(Duration.ofSeconds(30), "the receiver to refuse W5 twice", () -> receiver.refusals("W5") >= 2, second::describe);
            output = second.stop();
            assertThat(output.get("out")).contains("the change being retried is not delivered yet");

            // and, while it is stopped, more changes are written
            try (FlagWriter writer = new FlagWriter(kafka)) {
                CaseFlag w6 = flag("W6", "claimed-no-referral", FlagStatus.RAISED, Severity.HIGH, "Kent Police", 8);
                written.putAll(writer.write(w6, flag("W7", "foi-withheld", FlagStatus.RAISED, Severity.LOW, "Kent Police", 9)));
                expected.add(identity(w6));
            }

            // When the receiver is back and the webhook starts again with the same group
            receiver.acceptAll();
            Running third = start(webhook);

            // Then nothing is lost: the change refused before the stop and those written during it are delivered
            awaitDelivered(receiver, expected, third);
            awaitCommitted(kafka, written, third);
            third.stop();
            List<String> delivered = receiver.deliveredIdentities();
            int duplicates = delivered.size() - new HashSet<>(delivered).size();
            System.out.printf("AlertsIT: %d distinct flag changes delivered in %d POSTs accepted, duplicates: %d, attempts refused: %d%n",
                    new HashSet<>(delivered).size(), delivered.size(), duplicates, receiver.attempts() - delivered.size());
            assertThat(new HashSet<>(delivered)).as("delivered flag changes").isEqualTo(expected);
            // Every stop came after the deliveries before it were committed, or while the receiver refused: none in flight.
            assertThat(duplicates).as("flag changes delivered twice").isZero();
        }
    }

    @Test
    void webhook_never_commits_past_a_record_it_cannot_decode_unless_told_to_skip_it() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), false);
             Receiver receiver = new Receiver()) {
            Path config = writeConfig(kafka.bootstrapServers());
            createTopics(kafka);
            // Given a raising, then a record on the same partition that is no flag change, then an update
            CaseFlag raised = flag("W8", "claimed-no-referral", FlagStatus.RAISED, Severity.HIGH, "Kent Police", 1);
            CaseFlag updated = flag("W8", "claimed-no-referral", FlagStatus.UPDATED, Severity.HIGH, "Kent Police", 2);
            Map<TopicPartition, Long> afterRaised;
            Map<TopicPartition, Long> afterUpdated;
            try (FlagWriter writer = new FlagWriter(kafka);
                 KafkaProducer<String, byte[]> raw = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                         kafka.bootstrapServers()), new StringSerializer(), new org.apache.kafka.common.serialization.ByteArraySerializer())) {
                afterRaised = writer.write(raised);
                raw.send(new ProducerRecord<>("flagged-cases", Topics.flagKey("W8", "claimed-no-referral"),
                        "not a flag".getBytes(StandardCharsets.UTF_8))).get(10, TimeUnit.SECONDS);
                afterUpdated = writer.write(updated);
            }
            String[] webhook = {"alerts", "webhook", "--config", config.toString(), "--url", receiver.url(), "--from-beginning",
                    "--timeout", "5s", "--backoff", "100ms", "--max-backoff", "200ms"};

            // When the webhook runs
            Running first = start(webhook);

            // Then it delivers the raising and stops at the record it cannot decode: it retries it, commits nothing past it,
            // and the update behind it waits
            awaitDelivered(receiver, Set.of(identity(raised)), first);
            awaitCommitted(kafka, afterRaised, first);
            Thread.sleep(2_000); // a dozen retries at 100-200 ms apart
            assertThat(receiver.deliveredIdentities()).containsExactly(identity(raised));
            Map<String, String> output = first.stop();
            assertThat(output.get("out")).contains("the change being retried is not delivered yet");
            try (Admin admin = Admin.create(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("raidwatch-alerts-webhook")
                        .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
                afterRaised.forEach((partition, offset) -> assertThat(committed.get(partition).offset())
                        .as("committed on %s: the undecodable record's offset, not past it", partition).isEqualTo(offset));
            }

            // When an operator chooses to pass such records over, Then the update is delivered and the commit moves past both
            Running second = start(webhook[0], webhook[1], webhook[2], webhook[3], webhook[4], webhook[5], "--skip-undecodable");
            awaitDelivered(receiver, Set.of(identity(raised), identity(updated)), second);
            awaitCommitted(kafka, afterUpdated, second);
            assertThat(second.stop().get("out")).contains("1 undecodable records skipped");

            // And alerts tail holds at the same record: the raising printed, nothing past the record it cannot decode
            Running tail = start("alerts", "tail", "--config", config.toString(), "--from-beginning", "--group", "tail-holds");
            Await.until(Duration.ofSeconds(30), "tail to print the raising", () -> tail.out.toString().contains("W8"), tail::describe);
            Thread.sleep(1_500); // a retry of the record, at least
            Map<String, String> held = tail.stop();
            assertThat(lines(new StringWriter().append(held.get("out")))).singleElement().asString().contains("RAISED");
            // and with --skip-undecodable it passes over it and prints the update too
            Running skipping = start("alerts", "tail", "--config", config.toString(), "--from-beginning", "--group", "tail-skips",
                    "--skip-undecodable");
            Await.until(Duration.ofSeconds(30), "tail to print the update", () -> skipping.out.toString().contains("UPDATED"),
                    skipping::describe);
            assertThat(lines(new StringWriter().append(skipping.stop().get("out")))).hasSize(2);
        }
    }

    // --- the deployment ---------------------------------------------------------------------------------------------

    private Path writeConfig(String bootstrap) throws IOException {
        Path config = dir.resolve("raidwatch.properties");
        Files.writeString(config, "bootstrap.servers=" + bootstrap + "\nschema.registry.url=mock://" + registryScope + "\n");
        return config;
    }

    private static void createTopics(EmbeddedKafka kafka) {
        try (Admin admin = Admin.create(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            // Two partitions: a retry has to leave the other partition's changes for later, and come back for them.
            TopicSetup.createMissing(admin, TopicNames.DEFAULTS, 2, (short) 1, 30_000);
        }
    }

    /** flagged-cases as raidwatch writes it: keyed raid|rule, Avro in the Confluent wire format, in transactions. */
    private final class FlagWriter implements AutoCloseable {

        private final KafkaProducer<String, CaseFlag> producer;
        private final String topic;

        FlagWriter(EmbeddedKafka kafka) {
            Topics topics = Topics.create(TopicNames.DEFAULTS, SchemaRegistries.forUrl("mock://" + registryScope));
            topic = topics.flaggedCases().name();
            producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    ProducerConfig.TRANSACTIONAL_ID_CONFIG, "alerts-it-writer-" + UUID.randomUUID()),
                    new StringSerializer(), topics.flaggedCases().valueSerde().serializer());
            producer.initTransactions();
        }

        /** Writes the changes in one committed transaction; returns the offset after the last one per partition. */
        Map<TopicPartition, Long> write(CaseFlag... flags) throws Exception {
            producer.beginTransaction();
            List<java.util.concurrent.Future<RecordMetadata>> sent = new ArrayList<>();
            for (CaseFlag flag : flags) {
                sent.add(producer.send(new ProducerRecord<>(topic, Topics.flagKey(flag.getRaidId(), flag.getRuleId()), flag)));
            }
            producer.commitTransaction();
            Map<TopicPartition, Long> next = new HashMap<>();
            for (var future : sent) {
                RecordMetadata metadata = future.get(10, TimeUnit.SECONDS);
                next.merge(new TopicPartition(metadata.topic(), metadata.partition()), metadata.offset() + 1, Math::max);
            }
            return next;
        }

        void abort(CaseFlag flag) {
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, Topics.flagKey(flag.getRaidId(), flag.getRuleId()), flag));
            producer.flush();
            producer.abortTransaction();
        }

        @Override
        public void close() {
            producer.close(Duration.ofSeconds(10));
        }
    }

    private static CaseFlag flag(String raid, String rule, FlagStatus status, Severity severity, String force, int minute) {
        return CaseFlag.newBuilder().setRaidId(raid).setRuleId(rule).setStatus(status).setSeverity(severity).setForce(force)
                .setRaidDate(LocalDate.of(2021, 3, 2))
                .setExplanation(status == FlagStatus.RESOLVED ? "No longer holds: the force now reports referrals."
                        : "Trafficking claimed; the force referred 0 people to the NRM.")
                .setEvidence(status == FlagStatus.RESOLVED ? Map.of() : Map.of("traffickingClaimed", "true", "nrmReferrals", "0"))
                .setSourceUrl("https://news.example/" + raid.toLowerCase())
                .setFoiReference("FOI-" + raid)
                .setRuleSetVersion("rules-v1")
                .setChangedAt(T0.plusSeconds(60L * minute))
                .build();
    }

    /** What makes a flag change one change: the flag, its new status, and when. */
    private static String identity(CaseFlag flag) {
        return flag.getRaidId() + "|" + flag.getRuleId() + "|" + flag.getStatus() + "|" + flag.getChangedAt();
    }

    // --- the commands -----------------------------------------------------------------------------------------------

    /** A command running on a thread of its own, stopped as an embedding application would: by interrupting it. */
    private final class Running {
        final Thread thread;
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final AtomicInteger exit = new AtomicInteger(-1);

        Running(String... args) {
            thread = new Thread(() -> exit.set(Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args)), "alerts-command");
        }

        /** Stops it and waits for it to end with status 0; returns what it printed. */
        Map<String, String> stop() throws InterruptedException {
            thread.interrupt();
            thread.join(TimeUnit.SECONDS.toMillis(30));
            assertThat(thread.isAlive()).as("command still running 30 s after the stop; %s", describe()).isFalse();
            assertThat(exit.get()).as("exit status; %s", describe()).isEqualTo(ExitCodes.OK);
            return Map.of("out", out.toString(), "err", err.toString());
        }

        String describe() {
            return "exit " + exit.get() + ", stdout: " + out + ", stderr: " + err;
        }
    }

    private Running start(String... args) {
        Running command = new Running(args);
        started.add(command);
        command.thread.start();
        return command;
    }

    private static void assertUsageError(List<String> args, String... messages) {
        StringWriter err = new StringWriter();
        int exit = Main.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), args.toArray(String[]::new));
        assertThat(exit).as("exit status of %s; stderr: %s", args, err).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).as("stderr of %s", args).contains(messages).doesNotContain("Exception");
    }

    private static void awaitDelivered(Receiver receiver, Set<String> expected, Running command) throws InterruptedException {
        Await.until(Duration.ofSeconds(30), "the receiver to have accepted " + expected,
                () -> new HashSet<>(receiver.deliveredIdentities()).containsAll(expected),
                () -> "accepted " + receiver.deliveredIdentities() + " in " + receiver.attempts() + " attempts; " + command.describe());
        assertThat(new HashSet<>(receiver.deliveredIdentities())).as("only matching flag changes are POSTed").isEqualTo(expected);
    }

    /** Waits until the webhook's group has committed past every change written (the offsets after each partition's last). */
    private static void awaitCommitted(EmbeddedKafka kafka, Map<TopicPartition, Long> written, Running command) throws InterruptedException {
        try (Admin admin = Admin.create(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            AtomicReference<Map<TopicPartition, OffsetAndMetadata>> committed = new AtomicReference<>(Map.of());
            Await.until(Duration.ofSeconds(20), "group raidwatch-alerts-webhook to commit " + written, () -> {
                committed.set(admin.listConsumerGroupOffsets("raidwatch-alerts-webhook").partitionsToOffsetAndMetadata()
                        .get(5, TimeUnit.SECONDS));
                return written.entrySet().stream().allMatch(w -> committed.get().get(w.getKey()) != null
                        && committed.get().get(w.getKey()).offset() >= w.getValue());
            }, () -> "committed " + committed.get() + "; " + command.describe());
        }
    }

    private static List<String> lines(StringWriter out) {
        return Arrays.stream(out.toString().split("\\R")).filter(line -> !line.isBlank()).toList();
    }

    private static Map<String, Object> parse(String json) {
        try {
            return OutputJson.MAPPER.readValue(json, new TypeReference<Map<String, Object>>() { });
        } catch (IOException e) {
            throw new AssertionError("not a JSON object: " + json, e);
        }
    }

    /**
     * A chat webhook receiver on loopback: it can refuse the next calls with a status, drop the next
     * connections without answering, or refuse everything; it keeps every body it accepted.
     */
    private static final class Receiver implements AutoCloseable {

        private final HttpServer server;
        private final AtomicInteger attempts = new AtomicInteger();
        private final AtomicInteger failNext = new AtomicInteger();
        private final AtomicInteger dropNext = new AtomicInteger();
        private volatile int failStatus = 500;
        private final AtomicBoolean failAll = new AtomicBoolean();
        private final List<Map<String, Object>> accepted = Collections.synchronizedList(new ArrayList<>());
        private final Map<String, Integer> refusedByRaid = new java.util.concurrent.ConcurrentHashMap<>();

        Receiver() throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/hooks/", this::answer);
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + port() + "/hooks/secret-token";
        }

        int port() {
            return server.getAddress().getPort();
        }

        void failNext(int calls, int status) {
            failStatus = status;
            failNext.set(calls);
        }

        void dropNext(int calls) {
            dropNext.set(calls);
        }

        void failAll(int status) {
            failStatus = status;
            failAll.set(true);
        }

        void acceptAll() {
            failAll.set(false);
        }

        int attempts() {
            return attempts.get();
        }

        int refusals(String raidId) {
            return refusedByRaid.getOrDefault(raidId, 0);
        }

        List<Map<String, Object>> deliveredBodies() {
            synchronized (accepted) {
                return List.copyOf(accepted);
            }
        }

        @SuppressWarnings("unchecked")
        List<String> deliveredIdentities() {
            return deliveredBodies().stream().map(body -> (Map<String, Object>) body.get("flag"))
                    .map(f -> f.get("raidId") + "|" + f.get("ruleId") + "|" + f.get("status") + "|" + f.get("changedAt"))
                    .collect(Collectors.toList());
        }

        @SuppressWarnings("unchecked")
        private void answer(HttpExchange exchange) throws IOException {
            attempts.incrementAndGet();
            Map<String, Object> body = parse(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            if (dropNext.get() > 0 && failNext.get() == 0) {
                dropNext.decrementAndGet();
                // Closing before any answer drops the connection: the sender sees no response at all.
                exchange.close();
                return;
            }
            boolean refuse = failAll.get() || failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
            byte[] answer = (refuse ? "receiver down\n<html>maintenance</html>" : "ok").getBytes(StandardCharsets.UTF_8);
            if (refuse) {
                refusedByRaid.merge(String.valueOf(((Map<String, Object>) body.get("flag")).get("raidId")), 1, Integer::sum);
            } else {
                accepted.add(body);
            }
            exchange.sendResponseHeaders(refuse ? failStatus : 200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
