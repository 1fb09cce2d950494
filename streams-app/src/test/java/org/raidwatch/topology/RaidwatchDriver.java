package org.raidwatch.topology;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.raidwatch.rules.LiveRuleSet;
import org.raidwatch.rules.RuleSet;
import org.raidwatch.runner.StreamsProperties;
import org.raidwatch.schema.CaseFlag;
import org.raidwatch.schema.CaseState;
import org.raidwatch.schema.FoiUpdate;
import org.raidwatch.schema.ForceRates;
import org.raidwatch.schema.RaidReport;
import org.raidwatch.serde.InMemorySchemaRegistry;
import org.raidwatch.serde.SchemaRegistries;

/**
 * The raidwatch topology in a TopologyTestDriver, with the production Streams properties (but
 * at-least-once: the test driver drops dead-letter records under exactly-once) and its own
 * in-memory registry scope. Output topics are read as they fill.
 */
final class RaidwatchDriver implements AutoCloseable {

    /** The wall clock when the driver starts: 2021-06-01, a Tuesday. */
    static final Instant START = Instant.parse("2021-06-01T09:00:00Z");
    private static RuleSet shipped;

    final Topics topics;
    final Topology topology;
    private final CaseTopology.Settings settings;
    private final String registryScope = "driver-" + UUID.randomUUID();
    private final TopologyTestDriver driver;
    private final TestInputTopic<String, RaidReport> reports;
    private final TestInputTopic<String, FoiUpdate> foiUpdates;
    private final TestOutputTopic<String, CaseFlag> flags;
    private final TestOutputTopic<String, ForceRates> rates;
    private final TestOutputTopic<byte[], byte[]> deadLetters;
    private final Map<String, ForceRates> latestRates = new LinkedHashMap<>();
    private Instant recordTime = START;

    RaidwatchDriver() {
        this(shippedRules(), CaseTopology.Settings.live());
    }

    RaidwatchDriver(RuleSet rules, CaseTopology.Settings settings) {
        this(rules, settings, true);
    }

    /** @param registerOutputSchemas false as with {@code auto.register.schemas=false} */
    RaidwatchDriver(RuleSet rules, CaseTopology.Settings settings, boolean registerOutputSchemas) {
        this(rules, settings, registerOutputSchemas, ProcessingObserver.NONE);
    }

    /** @param observer told of inputs, flag changes, dead letters and rule timings, as the metrics are */
    RaidwatchDriver(RuleSet rules, CaseTopology.Settings settings, boolean registerOutputSchemas, ProcessingObserver observer) {
        this(LiveRuleSet.fixed(rules), settings, registerOutputSchemas, observer);
    }

    /** @param rules a rule set the test may replace while the topology runs */
    RaidwatchDriver(LiveRuleSet rules, CaseTopology.Settings settings) {
        this(rules, settings, true, ProcessingObserver.NONE);
    }

    private RaidwatchDriver(LiveRuleSet rules, CaseTopology.Settings settings, boolean registerOutputSchemas, ProcessingObserver observer) {
        this.settings = settings;
        topics = Topics.create(TopicNames.DEFAULTS, SchemaRegistries.forUrl("mock://" + registryScope), registerOutputSchemas);
        Properties props = StreamsProperties.defaults("raidwatch-test", "unused:9092", TopicNames.DEFAULTS.deadLetters());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        props.put(StreamsConfig.STATE_DIR_CONFIG, System.getProperty("java.io.tmpdir") + "/ttd-" + registryScope);
        topology = CaseTopology.build(props, topics, rules, settings, observer, new FlagStoreChanges());
        driver = new TopologyTestDriver(topology, props, START);
        reports = driver.createInputTopic(topics.raidReports().name(), new StringSerializer(),
                topics.raidReports().valueSerde().serializer());
        foiUpdates = driver.createInputTopic(topics.foiUpdates().name(), new StringSerializer(),
                topics.foiUpdates().valueSerde().serializer());
        flags = driver.createOutputTopic(topics.flaggedCases().name(), new StringDeserializer(),
                topics.flaggedCases().valueSerde().deserializer());
        rates = driver.createOutputTopic(topics.forceRates().name(), new StringDeserializer(),
                topics.forceRates().valueSerde().deserializer());
        deadLetters = driver.createOutputTopic(topics.deadLetters().name(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    static synchronized RuleSet shippedRules() {
        if (shipped == null) {
            shipped = RuleSet.loadShipped();
        }
        return shipped;
    }

    void send(RaidReport.Builder report) {
        send(report.build());
    }

    void send(RaidReport report) {
        reports.pipeInput(report.getRaidId(), report, nextRecordTime());
    }

    void send(FoiUpdate.Builder update) {
        send(update.build());
    }

    void send(FoiUpdate update) {
        foiUpdates.pipeInput(update.getRaidId(), update, nextRecordTime());
    }

    /** Sends raw bytes as a raid report value, as a broken or hostile producer would. */
    void sendRawReport(String key, byte[] value) {
        driver.createInputTopic(topics.raidReports().name(), new StringSerializer(), new ByteArraySerializer())
                .pipeInput(key, value, nextRecordTime());
    }

    /** Sends a record as bytes, with headers, as any producer could. */
    void sendRaw(String topic, byte[] key, byte[] value, org.apache.kafka.common.header.Headers headers) {
        driver.createInputTopic(topic, new ByteArraySerializer(), new ByteArraySerializer())
                .pipeInput(new TestRecord<>(key, value, headers, nextRecordTime()));
    }

    /** The flags store (global): every flag's latest change, as the topic's bytes, decoded here. */
    Map<String, CaseFlag> flagsStore() {
        Map<String, CaseFlag> flags = new java.util.TreeMap<>();
        org.apache.kafka.streams.state.KeyValueStore<String, byte[]> store = driver.getKeyValueStore(CaseTopology.FLAGS_STORE);
        try (var all = store.all()) {
            all.forEachRemaining(entry -> flags.put(entry.key,
                    topics.flaggedCases().valueSerde().deserializer().deserialize(topics.flaggedCases().name(), entry.value)));
        }
        return flags;
    }

    /** The registry the driver's serdes use. */
    org.raidwatch.serde.SchemaRegistryClient registry() {
        return SchemaRegistries.forUrl("mock://" + registryScope);
    }

    void sendRawFoiUpdate(String key, byte[] value) {
        driver.createInputTopic(topics.foiUpdates().name(), new StringSerializer(), new ByteArraySerializer())
                .pipeInput(key, value, nextRecordTime());
    }

    /** Every topic the topology has written to so far, its stores' changelogs included. */
    Set<String> topicsWritten() {
        return driver.producedTopicNames();
    }

    /** Flag records emitted since the last call. */
    List<CaseFlag> flagChanges() {
        return flags.readValuesToList();
    }

    /** Dead letters emitted since the last call. */
    List<TestRecord<byte[], byte[]>> deadLetters() {
        return deadLetters.readRecordsToList();
    }

    /**
     * Lets the rate flushes run: each task sends its summed rate deltas, and the counter the windows
     * they moved, on a wall-clock schedule (two punctuations, because the deltas cross a repartition
     * topic between them). Advances the wall clock by twice the flush interval.
     */
    void flushRates() {
        driver.advanceWallClockTime(settings.rateFlushInterval());
        driver.advanceWallClockTime(settings.rateFlushInterval());
    }

    /** The latest rates of a force over a window (after a flush), or null when none was ever emitted. */
    ForceRates rates(String force, String window) {
        return allLatestRates().get(Topics.rateKey(force, window));
    }

    Map<String, ForceRates> allLatestRates() {
        rateRecordsEmitted();
        return latestRates;
    }

    /** How many rate records were emitted (after a flush) since the last read (they are kept as the latest rates). */
    int rateRecordsEmitted() {
        flushRates();
        var emitted = rates.readKeyValuesToList();
        emitted.forEach(record -> latestRates.put(record.key, record.value));
        return emitted.size();
    }

    /** Marks a window as moved and not yet sent, as a release that counted each delta at once left it in its store. */
    void markMovedByEarlierRelease(String force, String window) {
        KeyValueStore<String, String> moved = driver.getKeyValueStore(CaseTopology.MOVED_RATES_STORE);
        moved.put(Topics.rateKey(force, window), "");
    }

    CaseState caseOf(String raidId) {
        KeyValueStore<String, CaseState> cases = driver.getKeyValueStore(CaseTopology.CASES_STORE);
        return cases.get(raidId);
    }

    /** The keys of the index of cases by the day time passing can next change their flags. */
    java.util.List<String> dueCases() {
        KeyValueStore<String, String> index = driver.getKeyValueStore(CaseTopology.DUE_CASES_STORE);
        java.util.List<String> keys = new java.util.ArrayList<>();
        try (var all = index.all()) {
            all.forEachRemaining(entry -> keys.add(entry.key));
        }
        return keys;
    }

    void advanceWallClock(Duration duration) {
        driver.advanceWallClockTime(duration);
    }

    private Instant nextRecordTime() {
        recordTime = recordTime.plusSeconds(1);
        return recordTime;
    }

    @Override
    public void close() {
        driver.close();
        InMemorySchemaRegistry.dropScope(registryScope);
    }
}
