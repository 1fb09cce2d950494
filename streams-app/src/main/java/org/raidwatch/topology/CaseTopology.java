package org.raidwatch.topology;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.raidwatch.rules.RuleSet;
import org.raidwatch.schema.ForceRates;
import org.raidwatch.schema.RateChange;

/**
 * The raidwatch topology, as a pure description (no IO):
 *
 * <pre>
 * raid-reports ─┐
 *               ├─ case-evaluator [cases] ─┬─ flags ───────────────────────────────── flagged-cases
 * foi-updates ──┘                          ├─ rate changes ─ by force|window ─ force-rate-counter [force-rates] ─ force-rates
 *                                          └─ dead letters ────────────────────────── raidwatch-dead-letters
 * </pre>
 *
 * Records that cannot be decoded never reach it: Kafka Streams' dead-letter queue takes them (see
 * the Streams properties). Every processor, store and internal topic is named, so the topology is
 * stable across releases.
 */
public final class CaseTopology {

    /** Cases by raid id: the report and FOI update in force, and the flags that hold. */
    public static final String CASES_STORE = "cases";
    /** The rates by {@code <force>|<window>}; queryable, and its cache batches emission per commit. */
    public static final String FORCE_RATES_STORE = "force-rates";
    /** Internal topic carrying rate changes from the raid's partition to the window's. */
    public static final String RATE_CHANGES_TOPIC = "rate-changes";

    /**
     * How the topology judges time.
     *
     * @param asOf              "now" when replaying files (fixed, so a replay is deterministic); null
     *                          in live operation
     * @param clock             live "now" (Europe/London dates); null for Kafka Streams' wall clock,
     *                          which is what production uses and tests can drive
     * @param timeCheckInterval how often, in live operation, to check whether the date has changed
     *                          (cases are re-evaluated once per new date)
     */
    public record Settings(LocalDate asOf, Clock clock, Duration timeCheckInterval) {

        public static Settings live() {
            return new Settings(null, null, Duration.ofMinutes(1));
        }

        public static Settings replayAsOf(LocalDate asOf) {
            return new Settings(asOf, null, Duration.ofMinutes(1));
        }

        /** Live, but with "now" from the given clock, checked at the given interval (the demo's simulated calendar). */
        public static Settings liveWithClock(Clock clock, Duration timeCheckInterval) {
            return new Settings(null, clock, timeCheckInterval);
        }
    }

    private CaseTopology() {
    }

    /**
     * @param streamsProperties the application's Streams properties: topology-level settings such as
     *                          {@code ensure.explicit.internal.resource.naming} take effect here
     */
    public static Topology build(Properties streamsProperties, Topics topics, RuleSet ruleSet, Settings settings) {
        StreamsBuilder builder = new StreamsBuilder(new TopologyConfig(new StreamsConfig(streamsProperties)));
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(CASES_STORE), Serdes.String(), topics.caseStateSerde()));

        KStream<String, CaseInput> reports = builder
                .stream(topics.raidReports().name(), topics.raidReports().consumed("raid-reports-source"))
                .mapValues(CaseInput::of, Named.as("raid-report-as-case-input"));
        KStream<String, CaseInput> foiUpdates = builder
                .stream(topics.foiUpdates().name(), topics.foiUpdates().consumed("foi-updates-source"))
                .mapValues(CaseInput::of, Named.as("foi-update-as-case-input"));

        reports.merge(foiUpdates, Named.as("case-inputs"))
                .process(() -> new CaseEvaluator(topics, ruleSet, settings), Named.as("case-evaluator"), CASES_STORE)
                .split(Named.as("case-output-"))
                .branch((key, output) -> output instanceof CaseOutput.Flag,
                        Branched.withConsumer(flags -> flags
                                .mapValues(output -> ((CaseOutput.Flag) output).flag(), Named.as("flag-record"))
                                .to(topics.flaggedCases().name(), topics.flaggedCases().produced("flagged-cases-sink")), "flags"))
                .branch((key, output) -> output instanceof CaseOutput.Rate,
                        Branched.withConsumer(rates -> countRates(rates, topics), "rates"))
                .branch((key, output) -> output instanceof CaseOutput.DeadLetter,
                        Branched.withConsumer(deadLetters -> deadLetters
                                .map((raidId, output) -> KeyValue.pair(
                                        raidId == null ? null : raidId.getBytes(StandardCharsets.UTF_8),
                                        ((CaseOutput.DeadLetter) output).value()), Named.as("dead-letter-record"))
                                .to(topics.deadLetters().name(), topics.deadLetters().produced("dead-letters-sink")), "dead-letters"))
                .noDefaultBranch();
        return builder.build(streamsProperties);
    }

    /** Where a rate is counted: each window's counts are the sum of the changes sent to it. */
    private static void countRates(KStream<String, CaseOutput> rates, Topics topics) {
        rates.mapValues(output -> ((CaseOutput.Rate) output).change(), Named.as("rate-change-record"))
                .groupByKey(Grouped.<String, RateChange>as(RATE_CHANGES_TOPIC)
                        .withKeySerde(Serdes.String()).withValueSerde(topics.rateChangeSerde()))
                .aggregate(() -> null, (key, change, current) -> RateCounting.apply(current, change), Named.as("force-rate-counter"),
                        Materialized.<String, ForceRates, KeyValueStore<Bytes, byte[]>>as(FORCE_RATES_STORE)
                                .withKeySerde(Serdes.String()).withValueSerde(topics.forceRates().valueSerde()))
                .toStream(Named.as("force-rates-changes"))
                .to(topics.forceRates().name(), topics.forceRates().produced("force-rates-sink"));
    }
}
