package org.raidwatch.runtime;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.raidwatch.schema.CaseFlag;
import org.raidwatch.schema.CaseState;
import org.raidwatch.schema.ForceRates;
import org.raidwatch.topology.CaseTopology;
import org.raidwatch.topology.Topics;

/**
 * Reads raidwatch's state through Kafka Streams' interactive queries: a force's rates, a case, the
 * flags. Rates and cases are partitioned (a force's rates live with the force's partition of the rate
 * deltas, a case with its raid's input partition), so this also says which instance holds a key;
 * flags are in a global store every instance holds whole.
 */
public final class StateQueries {

    /** Where a key's state lives: this instance, another one (its {@code application.server}), or nowhere known right now. */
    public sealed interface Owner {
        record Here() implements Owner {
        }

        record Elsewhere(HostInfo host) implements Owner {
        }

        /** Being moved between instances (a rebalance), or the stream is not running: ask again shortly. */
        record Unknown() implements Owner {
        }
    }

    /** The state cannot be read now (the stream is starting, rebalancing or stopping); ask again shortly. */
    public static final class NotQueryableNow extends RuntimeException {
        public NotQueryableNow(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** How long one reading of the flags store answers flag listings. */
    public static final java.time.Duration FLAGS_FRESHNESS = java.time.Duration.ofSeconds(1);

    private final KafkaStreams streams;
    private volatile FlagsRead lastFlagsRead;
    private final Topics topics;
    private final HostInfo self;

    /**
     * @param self this instance's {@code application.server}, as the other instances see it; null when
     *             it has none (a single instance)
     */
    StateQueries(KafkaStreams streams, Topics topics, HostInfo self) {
        this.streams = streams;
        this.topics = topics;
        this.self = self;
    }

    /**
     * The latest complete twelve-month window on a day: the twelve calendar months ending with the
     * month before it ({@code YYYY-MM}, as the rates' window keys).
     */
    public static String latestCompleteWindow(java.time.LocalDate today) {
        return java.time.YearMonth.from(today).minusMonths(1).toString();
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /** Which instance holds a force's (or ALL's) rates. */
    public Owner ratesOwner(String force) {
        return owner(CaseTopology.FORCE_RATES_STORE, force);
    }

    /** Which instance holds a raid's case. */
    public Owner caseOwner(String raidId) {
        return owner(CaseTopology.CASES_STORE, raidId);
    }

    /** The other instances that hold part of the rates (each answers for its own forces). */
    public List<HostInfo> otherRatesHolders() {
        List<HostInfo> hosts = new ArrayList<>();
        try {
            for (StreamsMetadata metadata : streams.streamsMetadataForStore(CaseTopology.FORCE_RATES_STORE)) {
                if (!metadata.hostInfo().equals(self) && !metadata.topicPartitions().isEmpty()) {
                    hosts.add(metadata.hostInfo());
                }
            }
        } catch (RuntimeException notRunning) {
            throw new NotQueryableNow("the stream is not running (" + streams.state() + ")", notRunning);
        }
        return hosts;
    }

    /** The rates held here: one force's (all its windows), or every force's when {@code force} is null. */
    public List<ForceRates> localRates(String force) {
        ReadOnlyKeyValueStore<String, ForceRates> store = store(CaseTopology.FORCE_RATES_STORE);
        List<ForceRates> rates = new ArrayList<>();
        try (KeyValueIterator<String, ForceRates> all = force == null ? store.all()
                : store.prefixScan(Topics.rateKey(force, ""), Serdes.String().serializer())) {
            all.forEachRemaining(entry -> rates.add(entry.value));
        } catch (InvalidStateStoreException e) {
            throw new NotQueryableNow("the rates cannot be read now (" + streams.state() + ")", e);
        }
        return rates;
    }

    /** A case held here, or null when this instance holds no such raid. */
    public CaseState localCase(String raidId) {
        try {
            return this.<CaseState>store(CaseTopology.CASES_STORE).get(raidId);
        } catch (InvalidStateStoreException e) {
            throw new NotQueryableNow("the cases cannot be read now (" + streams.state() + ")", e);
        }
    }

    /**
     * The latest change of every flag that matches, newest first (by when the change was found), at most
     * {@code limit} of them, with how many matched in all.
     */
    public Page<CaseFlag> flags(Predicate<CaseFlag> filter, int limit) {
        List<CaseFlag> matching = new ArrayList<>();
        for (CaseFlag flag : allFlags()) {
            if (filter.test(flag)) {
                matching.add(flag);
            }
        }
        matching.sort(Comparator.comparing(CaseFlag::getChangedAt).reversed()
                .thenComparing(CaseFlag::getRaidId).thenComparing(CaseFlag::getRuleId));
        return new Page<>(matching.size(), List.copyOf(matching.subList(0, Math.min(limit, matching.size()))));
    }

    /**
     * Every flag's latest change, decoded. Listing flags reads the whole store, so one reading serves
     * every request for {@link #FLAGS_FRESHNESS} (dashboards ask every few seconds).
     */
    private List<CaseFlag> allFlags() {
        FlagsRead last = lastFlagsRead;
        long now = System.nanoTime();
        if (last != null && now - last.readAtNanos() < FLAGS_FRESHNESS.toNanos()) {
            return last.flags();
        }
        ReadOnlyKeyValueStore<String, byte[]> store = store(CaseTopology.FLAGS_STORE);
        List<CaseFlag> flags = new ArrayList<>();
        var decoder = topics.flaggedCases().valueSerde().deserializer();
        try (KeyValueIterator<String, byte[]> all = store.all()) {
            while (all.hasNext()) {
                byte[] value = all.next().value;
                if (value != null) {
                    flags.add(decoder.deserialize(topics.flaggedCases().name(), value));
                }
            }
        } catch (InvalidStateStoreException e) {
            throw new NotQueryableNow("the flags cannot be read now (" + streams.state() + ")", e);
        }
        lastFlagsRead = new FlagsRead(now, List.copyOf(flags));
        return lastFlagsRead.flags();
    }

    private record FlagsRead(long readAtNanos, List<CaseFlag> flags) {
    }

    /** Some of the items that matched, and how many matched in all. */
    public record Page<T>(int total, List<T> items) {
    }

    private Owner owner(String storeName, String key) {
        KeyQueryMetadata metadata;
        try {
            metadata = streams.queryMetadataForKey(storeName, key, Serdes.String().serializer());
        } catch (RuntimeException notRunning) {
            return new Owner.Unknown();
        }
        if (metadata == null || metadata.equals(KeyQueryMetadata.NOT_AVAILABLE) || metadata.activeHost() == null
                || metadata.activeHost().port() < 0) {
            // Without application.server (one instance) Kafka Streams knows no hosts: everything is here.
            return self == null && streams.state() == KafkaStreams.State.RUNNING ? new Owner.Here() : new Owner.Unknown();
        }
        return metadata.activeHost().equals(self) ? new Owner.Here() : new Owner.Elsewhere(metadata.activeHost());
    }

    private <V> ReadOnlyKeyValueStore<String, V> store(String name) {
        try {
            return streams.store(StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.<String, V>keyValueStore()));
        } catch (InvalidStateStoreException | IllegalStateException e) { // IllegalState: not running (created, stopped, failed)
            throw new NotQueryableNow("the store " + name + " cannot be read now (" + streams.state() + ")", e);
        }
    }
}
