package org.raidwatch.topology;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.raidwatch.schema.CaseFlag;
import org.raidwatch.schema.CaseState;
import org.raidwatch.schema.FoiUpdate;
import org.raidwatch.schema.ForceRates;
import org.raidwatch.schema.RaidReport;
import org.raidwatch.schema.RateCounts;
import org.raidwatch.schema.RateDelta;
import org.raidwatch.serde.ConfluentAvroSerde;
import org.raidwatch.serde.SchemaRegistryClient;

/**
 * Every topic raidwatch reads or writes, and the serdes of its state stores and internal topics.
 * Keys are plain strings; values are Avro in the Confluent wire format, through one registry.
 */
public record Topics(
        Topic<String, RaidReport> raidReports,
        Topic<String, FoiUpdate> foiUpdates,
        Topic<String, CaseFlag> flaggedCases,
        Topic<String, ForceRates> forceRates,
        Topic<byte[], byte[]> deadLetters,
        Serde<CaseState> caseStateSerde,
        Serde<RateDelta> rateDeltaSerde,
        Serde<RateCounts> rateCountsSerde) {

    public static Topics create(TopicNames names, SchemaRegistryClient registry) {
        return create(names, registry, true);
    }

    /**
     * @param registerOutputSchemas register the output topics' schemas on first write (Confluent's
     *                              {@code auto.register.schemas=true}), or only look them up, for
     *                              registries where raidwatch may not register. The schemas of internal
     *                              topics and stores (subjects named after the application id) are
     *                              always registered. The input topics' serdes are only ever used to
     *                              read in the topology; {@code produce} registers as producers do.
     */
    public static Topics create(TopicNames names, SchemaRegistryClient registry, boolean registerOutputSchemas) {
        return create(names, registry, registerOutputSchemas, false);
    }

    /**
     * @param useLatestOutputSchemas write the output topics with their subjects' latest registered
     *                               schemas (Confluent's {@code use.latest.version}; needs
     *                               {@code registerOutputSchemas} false), so a registry curated by
     *                               others decides the version; internal topics and stores are unaffected
     */
    public static Topics create(TopicNames names, SchemaRegistryClient registry, boolean registerOutputSchemas,
                                boolean useLatestOutputSchemas) {
        Serde<String> keys = Serdes.String();
        return new Topics(
                new Topic<>(names.raidReports(), keys, ConfluentAvroSerde.forValues(registry, RaidReport.class)),
                new Topic<>(names.foiUpdates(), keys, ConfluentAvroSerde.forValues(registry, FoiUpdate.class)),
                new Topic<>(names.flaggedCases(), keys, new ConfluentAvroSerde<>(registry, CaseFlag.class, false, registerOutputSchemas,
                        useLatestOutputSchemas)),
                new Topic<>(names.forceRates(), keys, new ConfluentAvroSerde<>(registry, ForceRates.class, false, registerOutputSchemas,
                        useLatestOutputSchemas)),
                new Topic<>(names.deadLetters(), Serdes.ByteArray(), Serdes.ByteArray()),
                ConfluentAvroSerde.forValues(registry, CaseState.class),
                ConfluentAvroSerde.forValues(registry, RateDelta.class),
                ConfluentAvroSerde.forValues(registry, RateCounts.class));
    }

    /** The key of a flag on the flagged-cases topic. */
    public static String flagKey(String raidId, String ruleId) {
        return raidId + "|" + ruleId;
    }

    /** The key of a force's rates over a window on the force-rates topic (and of a force's month in the rate deltas). */
    public static String rateKey(String force, String window) {
        return force + "|" + window;
    }
}
