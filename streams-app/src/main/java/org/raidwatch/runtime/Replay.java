package org.raidwatch.runtime;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.raidwatch.files.InputFiles;
import org.raidwatch.rules.RuleSet;
import org.raidwatch.schema.CaseFlag;
import org.raidwatch.schema.FoiUpdate;
import org.raidwatch.schema.ForceRates;
import org.raidwatch.schema.RaidReport;
import org.raidwatch.serde.InMemorySchemaRegistry;
import org.raidwatch.serde.SchemaRegistries;
import org.raidwatch.topology.CaseTopology;
import org.raidwatch.topology.TopicNames;
import org.raidwatch.topology.Topics;

/**
 * Runs files through the production topology on a private in-process broker and returns the final
 * state of every flag and rate. "Now" is the as-of date, so a replay is deterministic. It runs
 * at-least-once (a replay that fails is simply run again) with a short commit interval, so it can
 * tell when everything has been processed. Everything it writes lives in one temporary folder,
 * removed when it returns.
 */
public final class Replay {

    static final String APPLICATION_ID = "raidwatch-replay";

    private Replay() {
    }

    /** A record the topology could not process (a rule threw on its case), traced back to its file and line. */
    public record DeadLetter(String file, long line, String raidId, String reason, String ruleId) {
    }

    public record Result(List<CaseFlag> flags, List<ForceRates> rates, List<DeadLetter> deadLetters) {
    }

    public static Result run(RuleSet rules, LocalDate asOf, String raidsFile, InputFiles.Contents<RaidReport> raids,
                             String foiFile, InputFiles.Contents<FoiUpdate> fois, Duration timeout) throws InterruptedException {
        Path workspace = TemporaryFolders.create("raidwatch-replay-");
        String registryScope = "replay-" + UUID.randomUUID();
        TopicNames names = TopicNames.DEFAULTS;
        Topics topics = Topics.create(names, SchemaRegistries.forUrl("mock://" + registryScope));
        try (EmbeddedKafka kafka = EmbeddedKafka.start(workspace.resolve("kafka"), false)) {
            Map<String, Object> client = Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            try (Admin admin = Admin.create(client)) {
                TopicSetup.createMissing(admin, names, 1, (short) 1, 30_000);
                try (InputLoader loader = new InputLoader(client, topics)) {
                    loader.sendAll(raidsFile, raids, foiFile, fois).requireAllDelivered();
                }
                Properties props = StreamsProperties.defaults(APPLICATION_ID, kafka.bootstrapServers(), names.deadLetters());
                props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
                props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
                props.put(StreamsConfig.STATE_DIR_CONFIG, workspace.resolve("streams").toString());
                CaseTopology.Settings settings = CaseTopology.Settings.replayAsOf(asOf);
                try (StreamsRunner runner = new StreamsRunner(CaseTopology.build(props, topics, rules, settings), props)) {
                    if (!runner.start(timeout)) {
                        throw new IllegalStateException("the replay topology did not start (state " + runner.state() + ")", runner.failure());
                    }
                    List<String> consumed = new ArrayList<>(List.of(names.raidReports(), names.foiUpdates()));
                    consumed.addAll(CaseTopology.internalTopics(APPLICATION_ID));
                    ProcessingProgress.awaitCaughtUp(admin, APPLICATION_ID, consumed, quietPeriod(settings),
                            () -> runner.storesEmpty(CaseTopology.RATE_BUFFER_STORE, CaseTopology.MOVED_RATES_STORE), timeout,
                            () -> runner.state() + (runner.failure() == null ? "" : ", failed: " + runner.failure()));
                }
            }
            Map<String, CaseFlag> flags = TopicReader.latestByKey(client, names.flaggedCases(),
                    topics.flaggedCases().valueSerde().deserializer(), timeout, Replay::utf8);
            Map<String, ForceRates> rates = TopicReader.latestByKey(client, names.forceRates(),
                    topics.forceRates().valueSerde().deserializer(), timeout, Replay::utf8);
            List<DeadLetter> deadLetters = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> record : TopicReader.readAll(client, names.deadLetters(), new ByteArrayDeserializer(), timeout)) {
                deadLetters.add(deadLetter(record));
            }
            return new Result(List.copyOf(flags.values()), List.copyOf(rates.values()), deadLetters);
        } finally {
            InMemorySchemaRegistry.dropScope(registryScope);
            TemporaryFolders.delete(workspace);
        }
    }

    /** Long enough for several rate flushes and commits, so the last ones are seen. */
    private static Duration quietPeriod(CaseTopology.Settings settings) {
        Duration flushes = settings.rateFlushInterval().multipliedBy(5);
        return flushes.compareTo(Duration.ofSeconds(2)) > 0 ? flushes : Duration.ofSeconds(2);
    }

    private static DeadLetter deadLetter(ConsumerRecord<byte[], byte[]> record) {
        Headers headers = record.headers();
        String line = header(headers, InputLoader.HEADER_SOURCE_LINE);
        return new DeadLetter(header(headers, InputLoader.HEADER_SOURCE_FILE), line == null ? 0 : Long.parseLong(line),
                record.key() == null ? null : utf8(record.key()), header(headers, "__streams.errors.message"),
                header(headers, "raidwatch.rule.id"));
    }

    private static String header(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static String utf8(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }
}
