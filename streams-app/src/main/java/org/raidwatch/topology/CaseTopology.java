package org.raidwatch.topology;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;
import org.raidwatch.rules.LiveRuleSet;
import org.raidwatch.rules.RuleSet;
import org.raidwatch.schema.RateDelta;

/**
 * The raidwatch topology, as a pure description (no IO):
 *
 * <pre>
 * raid-reports ─ placement ─┬─────────────────────────────────┬─ raid-report-check ─┐
 *                           └─ misplaced-raid-reports (relocate) ┘                    │
 * foi-updates ── placement ─┬─────────────────────────────────┬─ foi-update-check ──┤
 *                           └─ misplaced-foi-updates (relocate) ─┘                   │
 *     ┌──────────────────────────────────────────────────────────────────────────────┘
 *     └─ case-evaluator [cases, due-cases, reevaluation] ─┬─ flags ─────────────────────────────── flagged-cases
 *                                                          ├─ rate deltas ─ rate-buffer [rate-buffer]
 *                                                          │     ─ rate-deltas (by force) ─ force-rate-counter [force-rates] ─ force-rates
 *                                                          └─ dead letters (and the checks' dead letters) ─────── raidwatch-dead-letters
 * flagged-cases ─ (global, on every instance) [flags]
 * </pre>
 *
 * Inputs are read as bytes, so a record that cannot be decoded is a dead letter carrying exactly the
 * bytes and headers its producer wrote. Every processor, store and internal topic is named, so the
 * topology is stable across releases.
 */
public final class CaseTopology {

    /** Cases by raid id: the report and FOI update in force, the flags that hold, the next due day. */
    public static final String CASES_STORE = "cases";
    /** Index of cases by the day time passing can next change their flags, {@code <date>|<raid id>}. */
    public static final String DUE_CASES_STORE = "due-cases";
    /** Progress of a full re-evaluation of the cases, and the rule set version they were evaluated under. */
    public static final String REEVALUATION_STORE = "reevaluation";
    /** Rate deltas of one task's cases, summed per {@code <force>|<month>} until the next flush. */
    public static final String RATE_BUFFER_STORE = "rate-buffer";
    /** The rates by {@code <force>|<window>}; queryable. */
    public static final String FORCE_RATES_STORE = "force-rates";
    /**
     * Every flag's latest change, by {@code <raid id>|<rule id>}: the flagged-cases topic read back
     * into a global store, so each instance can list and filter all flags without asking the others.
     * Values are kept as the topic's bytes (decoded when queried), so this store never needs the
     * schema registry.
     */
    public static final String FLAGS_STORE = "flags";
    /**
     * Windows whose rates moved but were not yet sent: written by releases before
     * {@link #PENDING_RATES_STORE}; still read, and sent, so an upgrade loses none.
     */
    public static final String MOVED_RATES_STORE = "force-rates-moved";
    /** Month deltas that reached a force's partition since the last flush, summed per {@code <force>|<month>}. */
    public static final String PENDING_RATES_STORE = "force-rates-pending";
    /** Internal topic carrying summed rate deltas from the raids' partitions to the force's. */
    public static final String RATE_DELTAS_TOPIC = "rate-deltas";
    /** Internal topics relocating input records that another partitioner put on the wrong partition. */
    public static final String MISPLACED_RAID_REPORTS_TOPIC = "misplaced-raid-reports";
    public static final String MISPLACED_FOI_UPDATES_TOPIC = "misplaced-foi-updates";

    /**
     * How the topology judges time, and its pacing.
     *
     * @param asOf                "now" when replaying files (fixed, so a replay is deterministic); null
     *                            in live operation
     * @param clock               live "now" (Europe/London dates); null for Kafka Streams' wall clock,
     *                            which is what production uses and tests can drive
     * @param timeCheckInterval   how often to re-evaluate the cases falling due (and any full
     *                            re-evaluation under way)
     * @param inputPartitions     the partition count of both input topics (checked equal at start-up)
     * @param rateFlushInterval   how often summed rate deltas, and the windows they moved, are sent on
     * @param reevaluationBudget  the most time one punctuation spends re-evaluating cases
     * @param reevaluationBatch   how many cases it reads from a store at a time
     * @param flagsListing        whether every instance keeps the global {@code flags} store the HTTP
     *                            side lists flags from
     * @param changelogs          whether the stores are backed by changelog topics (so another instance,
     *                            or this one after losing its disk, can restore them): always, except in a
     *                            replay, whose stores live and die with one run
     */
    public record Settings(LocalDate asOf, Clock clock, Duration timeCheckInterval, int inputPartitions,
                           Duration rateFlushInterval, Duration reevaluationBudget, int reevaluationBatch, boolean flagsListing,
                           boolean changelogs) {

        public Settings {
            if (inputPartitions < 1) {
                throw new IllegalArgumentException("inputPartitions must be at least 1, got " + inputPartitions);
            }
        }

        public static Settings live() {
            return new Settings(null, null, Duration.ofMillis(250), 1, Duration.ofSeconds(1), Duration.ofMillis(100), 500, true, true);
        }

        public static Settings replayAsOf(LocalDate asOf) {
            return new Settings(asOf, null, Duration.ofSeconds(1), 1, Duration.ofMillis(200), Duration.ofMillis(100), 500, true, true);
        }

        /** Live, but with "now" from the given clock, checked at the given interval (the demo's simulated calendar). */
        public static Settings liveWithClock(Clock clock, Duration timeCheckInterval) {
            return new Settings(null, clock, timeCheckInterval, 1, Duration.ofSeconds(1), Duration.ofMillis(100), 500, true, true);
        }

        public Settings withInputPartitions(int partitions) {
            return new Settings(asOf, clock, timeCheckInterval, partitions, rateFlushInterval, reevaluationBudget, reevaluationBatch, flagsListing, changelogs);
        }

        public Settings withRateFlushInterval(Duration interval) {
            return new Settings(asOf, clock, timeCheckInterval, inputPartitions, interval, reevaluationBudget, reevaluationBatch, flagsListing, changelogs);
        }

        public Settings withReevaluation(Duration interval, Duration budget, int batch) {
            return new Settings(asOf, clock, interval, inputPartitions, rateFlushInterval, budget, batch, flagsListing, changelogs);
        }

        /**
         * Without the global {@code flags} store the HTTP side lists flags from: for a replay, which
         * reads the flags back from their topic and serves no listing.
         */
        public Settings withoutFlagsListing() {
            return new Settings(asOf, clock, timeCheckInterval, inputPartitions, rateFlushInterval, reevaluationBudget, reevaluationBatch, false, changelogs);
        }

        /**
         * Without changelog topics behind the stores: for a replay, which runs once on a private broker
         * and is run again whole if it fails, so nothing would ever restore from them. Saves a record sent
         * to the broker for every store write.
         */
        public Settings withoutChangelogs() {
            return new Settings(asOf, clock, timeCheckInterval, inputPartitions, rateFlushInterval, reevaluationBudget, reevaluationBatch, flagsListing, false);
        }
    }

    private CaseTopology() {
    }

    /**
     * Whether a processor lies before the case evaluator, where a record has changed no state yet:
     * an unexpected error there can dead-letter the record and go on; anywhere later it cannot.
     */
    public static boolean isBeforeCases(String processorName) {
        return processorName != null && (processorName.startsWith("raid-reports-") || processorName.startsWith("foi-updates-")
                || processorName.startsWith("misplaced-") || processorName.equals("raid-report-check")
                || processorName.equals("foi-update-check") || processorName.startsWith("checked-"));
    }

    /** The repartition topics of an application, whose consumption tells when processing is complete. */
    public static List<String> internalTopics(String applicationId) {
        return List.of(MISPLACED_RAID_REPORTS_TOPIC, MISPLACED_FOI_UPDATES_TOPIC, RATE_DELTAS_TOPIC).stream()
                .map(name -> applicationId + "-" + name + "-repartition").toList();
    }

    /**
     * @param streamsProperties the application's Streams properties: topology-level settings such as
     *                          {@code ensure.explicit.internal.resource.naming} take effect here
     */
    public static Topology build(Properties streamsProperties, Topics topics, RuleSet ruleSet, Settings settings) {
        return build(streamsProperties, topics, ruleSet, settings, ProcessingObserver.NONE);
    }

    /**
     * @param observer told of inputs read, flag changes, dead letters and rule timings (metrics)
     */
    public static Topology build(Properties streamsProperties, Topics topics, RuleSet ruleSet, Settings settings,
                                 ProcessingObserver observer) {
        return build(streamsProperties, topics, LiveRuleSet.fixed(ruleSet), settings, observer, new FlagStoreChanges());
    }

    /**
     * @param flagChanges told of every change the global {@code flags} store takes (when the settings
     *                    keep it), for the instance's listing of flags; one per topology
     */
    public static Topology build(Properties streamsProperties, Topics topics, RuleSet ruleSet, Settings settings,
                                 FlagStoreChanges flagChanges) {
        return build(streamsProperties, topics, LiveRuleSet.fixed(ruleSet), settings, ProcessingObserver.NONE, flagChanges);
    }

    /**
     * @param rules the rule set in force, which may be replaced while the topology runs: each record is
     *              evaluated under the set in force when it is processed, and a replaced set starts a
     *              bounded re-evaluation of every case
     */
    public static Topology build(Properties streamsProperties, Topics topics, LiveRuleSet rules, Settings settings,
                                 ProcessingObserver observer, FlagStoreChanges flagChanges) {
        StreamsBuilder builder = new StreamsBuilder(new TopologyConfig(new StreamsConfig(streamsProperties)));
        // A raid's inputs seldom fall within one commit interval of each other: a record cache in front of the
        // cases and their index would hold nearly every key once, and cost a sorted-map lookup on every read and write.
        boolean logged = settings.changelogs();
        addStore(builder, CASES_STORE, topics.caseStateSerde(), false, logged);
        addStore(builder, DUE_CASES_STORE, Serdes.String(), false, logged);
        addStore(builder, REEVALUATION_STORE, Serdes.String(), false, logged);
        // The rate stores write the same few keys (a force's months and windows) over and over: cached.
        addStore(builder, RATE_BUFFER_STORE, topics.rateCountsSerde(), true, logged);
        addStore(builder, FORCE_RATES_STORE, topics.forceRates().valueSerde(), true, logged);
        addStore(builder, MOVED_RATES_STORE, Serdes.String(), true, logged);
        addStore(builder, PENDING_RATES_STORE, topics.rateCountsSerde(), true, logged);

        // A global store kept by a plain put: the flags' timestamps come from many partitions' inputs and
        // need not rise, which a global KTable would warn about on every record.
        if (settings.flagsListing()) {
            builder.addGlobalStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(FLAGS_STORE), Serdes.String(), Serdes.ByteArray())
                            .withLoggingDisabled(),
                    topics.flaggedCases().name(), Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("flags-source"),
                    () -> new LatestFlags(flagChanges));
        }

        KStream<String, CheckedInput> reports = placed(builder, topics.raidReports().name(), "raid-reports",
                MISPLACED_RAID_REPORTS_TOPIC, settings)
                .process(() -> InputCheck.ofRaidReports(topics, observer), Named.as("raid-report-check"));
        KStream<String, CheckedInput> foiUpdates = placed(builder, topics.foiUpdates().name(), "foi-updates",
                MISPLACED_FOI_UPDATES_TOPIC, settings)
                .process(() -> InputCheck.ofFoiUpdates(topics, observer), Named.as("foi-update-check"));

        Map<String, KStream<String, CheckedInput>> checked = reports.merge(foiUpdates, Named.as("checked-inputs"))
                .split(Named.as("checked-"))
                .branch((raidId, input) -> input instanceof CaseInput, Branched.as("case-inputs"))
                .defaultBranch(Branched.as("dead-letters"));
        KStream<String, DeadLetter> inputDeadLetters = checked.get("checked-dead-letters")
                .mapValues(input -> (DeadLetter) input, Named.as("input-dead-letter"));

        Map<String, KStream<String, CaseOutput>> outputs = checked.get("checked-case-inputs")
                .process(() -> new CaseEvaluator(rules, topics, settings, observer), Named.as("case-evaluator"),
                        CASES_STORE, DUE_CASES_STORE, REEVALUATION_STORE)
                .split(Named.as("case-output-"))
                .branch((key, output) -> output instanceof CaseOutput.Flag, Branched.as("flags"))
                .branch((key, output) -> output instanceof CaseOutput.Rate, Branched.as("rates"))
                .defaultBranch(Branched.as("dead-letters"));

        outputs.get("case-output-flags")
                .mapValues(output -> ((CaseOutput.Flag) output).flag(), Named.as("flag-record"))
                .to(topics.flaggedCases().name(), topics.flaggedCases().produced("flagged-cases-sink"));
        countRates(outputs.get("case-output-rates"), topics, settings);
        outputs.get("case-output-dead-letters")
                .mapValues(output -> (DeadLetter) output, Named.as("case-dead-letter"))
                .merge(inputDeadLetters, Named.as("dead-letters"))
                .process(() -> new DeadLetterRecords(observer), Named.as("dead-letter-record"))
                .to(topics.deadLetters().name(), topics.deadLetters().produced("dead-letters-sink"));
        return builder.build(streamsProperties);
    }

    /**
     * An input topic's records, each on the partition of its raid: those a non-Java partitioner put
     * elsewhere are relocated through a repartition topic by murmur2 of the key.
     */
    private static KStream<byte[], byte[]> placed(StreamsBuilder builder, String topic, String name, String misplacedTopic,
                                                  Settings settings) {
        Map<String, KStream<byte[], InputPlacement.Placed>> placed = builder
                .stream(topic, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName(name + "-source"))
                .processValues(() -> new InputPlacement(settings.inputPartitions()), Named.as(name + "-placement"))
                .split(Named.as(name + "-"))
                .branch((key, record) -> record.inPlace(), Branched.as("in-place"))
                .defaultBranch(Branched.as("misplaced"));
        KStream<byte[], byte[]> relocated = placed.get(name + "-misplaced")
                .mapValues(InputPlacement.Placed::value, Named.as(name + "-misplaced-value"))
                .repartition(Repartitioned.<byte[], byte[]>as(misplacedTopic)
                        .withKeySerde(Serdes.ByteArray()).withValueSerde(Serdes.ByteArray())
                        .withNumberOfPartitions(settings.inputPartitions())
                        .withStreamPartitioner(InputPlacement.byRaidPartition()));
        return placed.get(name + "-in-place")
                .mapValues(InputPlacement.Placed::value, Named.as(name + "-in-place-value"))
                .merge(relocated, Named.as(name + "-placed"));
    }

    /**
     * Rates: each task sums its cases' deltas per force and month, and sends the sums (and ALL's) to
     * the force's partition, where the windows are counted.
     */
    private static void countRates(KStream<String, CaseOutput> rates, Topics topics, Settings settings) {
        rates.mapValues(output -> ((CaseOutput.Rate) output).delta(), Named.as("rate-delta"))
                .process(() -> new RateBuffer(settings.rateFlushInterval()), Named.as("rate-buffer"), RATE_BUFFER_STORE)
                .repartition(Repartitioned.<String, RateDelta>as(RATE_DELTAS_TOPIC)
                        .withKeySerde(Serdes.String()).withValueSerde(topics.rateDeltaSerde()))
                .process(() -> new ForceRateCounter(settings.rateFlushInterval()), Named.as("force-rate-counter"),
                        FORCE_RATES_STORE, MOVED_RATES_STORE, PENDING_RATES_STORE)
                .to(topics.forceRates().name(), topics.forceRates().produced("force-rates-sink"));
    }

    /**
     * A RocksDB store, with Kafka Streams' record cache in front when {@code cached}: then writes to a
     * key between two commits reach RocksDB and the changelog once, at the commit (processor API
     * stores have no cache unless asked, unlike the DSL's), at the price of a sorted-map lookup on
     * every read and write. Backed by a changelog topic when {@code logged}.
     */
    private static <V> void addStore(StreamsBuilder builder, String name, Serde<V> values, boolean cached, boolean logged) {
        var store = Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.String(), values);
        store = cached ? store.withCachingEnabled() : store.withCachingDisabled();
        builder.addStateStore(logged ? store : store.withLoggingDisabled());
    }
}
