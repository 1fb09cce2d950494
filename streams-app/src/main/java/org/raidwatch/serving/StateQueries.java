package org.raidwatch.serving;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.apache.kafka.common.errors.SerializationException;
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
import org.raidwatch.contract.LogText;
import org.raidwatch.runner.StreamsRunner;
import org.raidwatch.schema.CaseFlag;
import org.raidwatch.schema.CaseState;
import org.raidwatch.schema.ForceRates;
import org.raidwatch.serde.SchemaRegistryUnavailableException;
import org.raidwatch.topology.CaseTopology;
import org.raidwatch.topology.FlagStoreChanges;
import org.raidwatch.topology.RateVocabulary;
import org.raidwatch.topology.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads raidwatch's state through Kafka Streams' interactive queries: a force's rates, a case, the
 * flags. Rates and cases are partitioned (a force's rates live with the force's partition of the rate
 * deltas, a case with its raid's input partition), so this also says which instance holds a key, and
 * reads a key only from the partition that holds it while this instance is its active owner; flags are
 * in a global store every instance holds whole.
 */
public final class StateQueries {

    private static final Logger LOG = LoggerFactory.getLogger(StateQueries.class);
    /** How long a listing of the flags answers before the changes since are applied to it. */
    public static final Duration FLAGS_FRESHNESS = Duration.ofSeconds(1);
    /**
     * While one request brings the listing up to date, the others answer from the one before, unless
     * it is this old (bringing it up to date has been failing): then they wait for an answer too.
     */
    public static final Duration FLAGS_MAX_STALENESS = Duration.ofSeconds(30);

    /** Where a key's state lives: this instance, another one (its {@code application.server}), or nowhere known right now. */
    public sealed interface Owner {
        record Here(int partition) implements Owner {
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

    private final KafkaStreams streams;
    private final Topics topics;
    private final HostInfo self;
    private final FlagStoreChanges flagChanges;
    /** Changed only by the request holding {@link #refreshing}. */
    private final FlagIndex flagIndex = new FlagIndex();
    private final ReentrantLock refreshing = new ReentrantLock();
    /** Whether the next refresh must read the flags store whole (the first, or after changes were missed). */
    private boolean wholeReadingNeeded = true;
    private volatile Listed listed;
    /** Makes a listed flag whole again from its record (one for every flag listed). */
    private final Function<byte[], CaseFlag> flagDecoder = this::decoded;

    /**
     * Interactive queries of a running instance's state; it knows itself by its {@code application.server}.
     *
     * @param flagChanges the changes the runner's flags store takes (given to its topology), which
     *                    keep the flags listing up
     */
    public static StateQueries of(StreamsRunner runner, Topics topics, FlagStoreChanges flagChanges) {
        return new StateQueries(runner.kafkaStreams(), topics, runner.self(), flagChanges);
    }

    /**
     * @param self this instance's {@code application.server}, as the other instances see it; null when
     *             it has none (a single instance)
     */
    StateQueries(KafkaStreams streams, Topics topics, HostInfo self, FlagStoreChanges flagChanges) {
        this.streams = streams;
        this.topics = topics;
        this.self = self;
        this.flagChanges = flagChanges;
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
            requireDistinctAddresses();
            for (StreamsMetadata metadata : streams.streamsMetadataForStore(CaseTopology.FORCE_RATES_STORE)) {
                if (!metadata.hostInfo().equals(self) && !metadata.topicPartitions().isEmpty()) {
                    hosts.add(metadata.hostInfo());
                }
            }
        } catch (NotQueryableNow e) {
            throw e;
        } catch (RuntimeException notRunning) {
            throw new NotQueryableNow("the stream is not running (" + streams.state() + ")", notRunning);
        }
        return hosts;
    }

    /**
     * The rates held here: one force's (all its windows) when this instance is their active owner, or
     * every force's it holds when {@code force} is null.
     */
    public List<ForceRates> localRates(String force) {
        List<ForceRates> rates = new ArrayList<>();
        if (force == null) {
            try (KeyValueIterator<String, ForceRates> all = this.<ForceRates>store(CaseTopology.FORCE_RATES_STORE, null).all()) {
                all.forEachRemaining(entry -> rates.add(entry.value));
            } catch (InvalidStateStoreException e) {
                throw new NotQueryableNow("the rates cannot be read now (" + streams.state() + ")", e);
            }
            return rates;
        }
        int partition = ownedHere(ratesOwner(force), force + "'s rates");
        try (KeyValueIterator<String, ForceRates> windows = this.<ForceRates>store(CaseTopology.FORCE_RATES_STORE, partition)
                .prefixScan(Topics.rateKey(force, ""), Serdes.String().serializer())) {
            windows.forEachRemaining(entry -> rates.add(entry.value));
        } catch (InvalidStateStoreException e) {
            throw new NotQueryableNow("the rates cannot be read now (" + streams.state() + ")", e);
        }
        return rates;
    }

    /**
     * The rates held here over one window ({@code all} or a month {@code YYYY-MM}; null: every window).
     * A force with claimed raids but none in a month's twelve months has no record for that window in
     * the store; it is given one here, counting zeros (its rates null), so every force answers for
     * every window.
     */
    public List<ForceRates> localRates(String force, String window) {
        return inWindow(localRates(force), window);
    }

    /**
     * Of some forces' rates (all their windows), those over one window, with a zero record for each
     * force with claimed raids but none in that window's months; all of them when {@code window} is null.
     */
    static List<ForceRates> inWindow(List<ForceRates> held, String window) {
        if (window == null) {
            return held;
        }
        List<ForceRates> inWindow = new ArrayList<>();
        Set<String> counted = new HashSet<>();
        Set<String> withRaids = new java.util.TreeSet<>();
        for (ForceRates rates : held) {
            if (rates.getWindow().equals(window)) {
                inWindow.add(rates);
                counted.add(rates.getForce());
            }
            if (RateVocabulary.isAllTime(rates) && rates.getClaimedRaids() > 0) {
                withRaids.add(rates.getForce());
            }
        }
        for (String quiet : withRaids) {
            if (!counted.contains(quiet)) {
                inWindow.add(RateVocabulary.zeroFilled(quiet, window));
            }
        }
        return inWindow;
    }

    /** A case when this instance is its active owner; null when no such raid is known. */
    public CaseState localCase(String raidId) {
        int partition = ownedHere(caseOwner(raidId), "raid " + raidId);
        try {
            return this.<CaseState>store(CaseTopology.CASES_STORE, partition).get(raidId);
        } catch (InvalidStateStoreException e) {
            throw new NotQueryableNow("the cases cannot be read now (" + streams.state() + ")", e);
        }
    }

    /**
     * The latest change of every flag that matches, newest first (by when the change was found), at most
     * {@code limit} of them, with how many matched in all.
     */
    public Page<CaseFlag> flags(FlagFilter filter, int limit) {
        return decodingPage(() -> flagListing().page(filter, limit));
    }

    /**
     * As {@link #flags(FlagFilter, int)}, as {@code render} makes the page; the same renderer asking
     * the same question of the same reading gets what it made the first time.
     */
    public <R> R flags(FlagFilter filter, int limit, Function<Page<CaseFlag>, R> render) {
        return decodingPage(() -> flagListing().rendered(filter, limit, render));
    }

    /** A page's flags are decoded whole as it is made: a registry that does not answer then makes the listing not queryable now. */
    private static <R> R decodingPage(java.util.function.Supplier<R> page) {
        try {
            return page.get();
        } catch (RuntimeException e) {
            if (!(e instanceof NotQueryableNow) && SchemaRegistryUnavailableException.isCauseOf(e)) {
                throw new NotQueryableNow("the schema registry does not answer, so the flags cannot be decoded", e);
            }
            throw e;
        }
    }

    /** Some of the items that matched, and how many matched in all. */
    public record Page<T>(int total, List<T> items) {
    }

    /**
     * Every flag's latest change, sorted, brought up to date with the store when it is more than
     * {@link #FLAGS_FRESHNESS} old and asked for.
     * The store is read whole once; after that, the changes it took since the last listing (which its
     * processor hands over) are decoded and merged in, so bringing a million flags up to date costs
     * about what the flags that changed cost. One request brings it up to date at a time, and makes
     * the pages most asked for of the listing before in it ({@link FlagListing#prepareLike}); the
     * others meanwhile answer from the listing before, unless that is {@link #FLAGS_MAX_STALENESS} old
     * (bringing it up to date has been failing), and wait for the very first. So a listing is a second
     * behind the store, plus however long bringing it up to date takes (milliseconds for the changes
     * of a second; about 1.7 s for the whole reading of a million flags), or up to the staleness bound
     * while that fails.
     */
    private FlagListing flagListing() {
        Listed last = listed;
        if (last != null && last.age(System.nanoTime()) < FLAGS_FRESHNESS.toNanos()) {
            return last.listing();
        }
        if (last != null && last.age(System.nanoTime()) < FLAGS_MAX_STALENESS.toNanos()) {
            if (!refreshing.tryLock()) {
                return last.listing();
            }
        } else {
            refreshing.lock();
        }
        try {
            Listed latest = listed;
            if (latest != null && latest != last) {
                return latest.listing(); // brought up to date while this request waited
            }
            long upToDateAt = System.nanoTime(); // before the changes are drained: the listing's age counts from here
            FlagListing next = refreshedListing();
            if (last != null) {
                try {
                    next.prepareLike(last.listing());
                } catch (RuntimeException e) {
                    // A page that cannot be made now is made, or fails, when it is asked for.
                    LOG.debug("A flags page could not be made ahead", e);
                }
            }
            Listed refreshed = new Listed(next, upToDateAt);
            listed = refreshed;
            return refreshed.listing();
        } finally {
            refreshing.unlock();
        }
    }

    /** The flags index brought up to date with the store; called holding {@link #refreshing}. */
    private FlagListing refreshedListing() {
        try {
            if (!wholeReadingNeeded) {
                FlagStoreChanges.Drained drained = flagChanges.drain();
                if (drained.complete()) {
                    Map<String, ListedFlag> latest = new LinkedHashMap<>();
                    for (FlagStoreChanges.Change change : drained.changes()) {
                        latest.put(change.key(), change.value() == null ? null : decodedFlag(change.key(), change.value()));
                    }
                    flagIndex.apply(latest);
                    return flagIndex.listing();
                }
            }
            // Follow first: a change the reading misses is then among those applied next time.
            wholeReadingNeeded = true;
            flagChanges.follow();
            flagIndex.replaceAll(wholeFlagsStore());
            wholeReadingNeeded = false;
            return flagIndex.listing();
        } catch (RuntimeException e) {
            wholeReadingNeeded = true; // the changes drained are lost with it: read it whole next time
            if (e instanceof InvalidStateStoreException) {
                throw new NotQueryableNow("the flags cannot be read now (" + streams.state() + ")", e);
            }
            if (SchemaRegistryUnavailableException.isCauseOf(e)) {
                throw new NotQueryableNow("the schema registry does not answer, so the flags cannot be decoded", e);
            }
            throw e;
        }
    }

    private Map<String, ListedFlag> wholeFlagsStore() {
        Map<String, ListedFlag> flags = new HashMap<>();
        try (KeyValueIterator<String, byte[]> all = this.<byte[]>store(CaseTopology.FLAGS_STORE, null).all()) {
            while (all.hasNext()) {
                var entry = all.next();
                ListedFlag flag = entry.value == null ? null : decodedFlag(entry.key, entry.value);
                if (flag != null) {
                    flags.put(entry.key, flag);
                }
            }
        }
        return flags;
    }

    /** A flag as the store holds it, to be listed; null (and a warning) when the record is not one. */
    private ListedFlag decodedFlag(String key, byte[] value) {
        try {
            return ListedFlag.of(decoded(value), value, flagDecoder);
        } catch (SerializationException notAFlag) {
            // Someone else wrote to flagged-cases: not raidwatch's, so not listed.
            LOG.warn("Record {} in flagged-cases is not a flag ({}); flag listings pass it over", LogText.of(key),
                    LogText.of(notAFlag.getMessage()));
            return null;
        }
    }

    private CaseFlag decoded(byte[] value) {
        return topics.flaggedCases().valueSerde().deserializer().deserialize(topics.flaggedCases().name(), value);
    }

    /** A listing and when it was brought up to date ({@link System#nanoTime()}). */
    private record Listed(FlagListing listing, long at) {
        long age(long now) {
            return now - at;
        }
    }

    private int ownedHere(Owner owner, String what) {
        if (owner instanceof Owner.Here here) {
            return here.partition();
        }
        throw new NotQueryableNow(owner instanceof Owner.Elsewhere elsewhere
                ? what + " is held by " + elsewhere.host() + ", not here" : "the instance holding " + what + " is not known right now ("
                + streams.state() + ")", null);
    }

    private Owner owner(String storeName, String key) {
        KeyQueryMetadata metadata;
        try {
            requireDistinctAddresses();
            metadata = streams.queryMetadataForKey(storeName, key, Serdes.String().serializer());
        } catch (NotQueryableNow e) {
            throw e;
        } catch (RuntimeException notRunning) {
            return new Owner.Unknown();
        }
        if (metadata == null || metadata.equals(KeyQueryMetadata.NOT_AVAILABLE) || metadata.activeHost() == null
                || metadata.activeHost().port() < 0) {
            return new Owner.Unknown();
        }
        return metadata.activeHost().equals(self) ? new Owner.Here(metadata.partition()) : new Owner.Elsewhere(metadata.activeHost());
    }

    /**
     * Instances that advertise the same address (the default 127.0.0.1 on several machines) cannot
     * tell which of them holds a key: refuse to answer rather than answer from the wrong one.
     */
    private void requireDistinctAddresses() {
        Collection<StreamsMetadata> clients = streams.metadataForAllStreamsClients();
        Set<HostInfo> seen = new HashSet<>();
        for (StreamsMetadata client : clients) {
            if (!seen.add(client.hostInfo())) {
                throw new NotQueryableNow(clients.size() + " instances of this application advertise the same address "
                        + client.hostInfo().host() + ":" + client.hostInfo().port() + ", so none can tell which holds what;"
                        + " give each its own raidwatch.http.advertised.host (the name the others reach it by)", null);
            }
        }
    }

    private <V> ReadOnlyKeyValueStore<String, V> store(String name, Integer partition) {
        StoreQueryParameters<ReadOnlyKeyValueStore<String, V>> query =
                StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.<String, V>keyValueStore());
        try {
            return streams.store(partition == null ? query : query.withPartition(partition));
        } catch (InvalidStateStoreException | IllegalStateException e) { // IllegalState: not running (created, stopped, failed)
            throw new NotQueryableNow("the store " + name + " cannot be read now (" + streams.state() + ")", e);
        }
    }
}
