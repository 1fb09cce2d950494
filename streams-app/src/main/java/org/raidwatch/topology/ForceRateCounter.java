package org.raidwatch.topology;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.raidwatch.schema.ForceRates;
import org.raidwatch.schema.RateCounts;
import org.raidwatch.schema.RateDelta;

/**
 * Where a rate is counted. Each force's (and ALL's) month deltas arrive on the force's partition and
 * are summed per {@code <force>|<month>} in the {@code force-rates-pending} store. Every flush
 * interval each pending month moves the all-time window and the twelve rolling windows that contain
 * it, in the {@code force-rates} store keyed {@code <force>|<window>}, and the windows that moved are
 * sent once each, with their latest counts and rates. The sums are commutative, so the windows count
 * exactly what they counted when each delta moved them at once.
 *
 * <p>Within a flush a window is moved by every pending month it contains (the all-time window by all
 * of its force's): its counters are moved in memory by each month, and the window is written and
 * sent once. The counters are read from the store the first time a window moves after the task
 * starts and kept in memory after that, as the store holds them; they are dropped whenever the task
 * (re)starts, when the store may have been restored, and when a flush fails half way.
 */
final class ForceRateCounter implements Processor<String, RateDelta, String, ForceRates> {

    /** Pending months that trigger a flush before the interval ends: each moves thirteen windows. */
    static final int MAX_PENDING_MONTHS = RateBuffer.MAX_PENDING_BUCKETS / (RateVocabulary.ROLLING_MONTHS + 1);

    private final Duration flushInterval;
    private ProcessorContext<String, ForceRates> context;
    private KeyValueStore<String, ForceRates> rates;
    // The pending months live in a store: a commit can fall between a delta and the next flush, and a
    // restart after it must still count and send what that delta moved.
    private KeyValueStore<String, RateCounts> pending;
    /** Windows moved but not sent by a release that counted at once; read so an upgrade sends them. */
    private KeyValueStore<String, String> moved;
    private long pendingCount;
    /** Counters of the windows moved since this task started, as the {@code force-rates} store holds them between flushes. */
    private Map<String, int[]> windowCounts = new HashMap<>();

    ForceRateCounter(Duration flushInterval) {
        this.flushInterval = flushInterval;
    }

    @Override
    public void init(ProcessorContext<String, ForceRates> context) {
        this.context = context;
        this.rates = context.getStateStore(CaseTopology.FORCE_RATES_STORE);
        this.moved = context.getStateStore(CaseTopology.MOVED_RATES_STORE);
        this.pending = context.getStateStore(CaseTopology.PENDING_RATES_STORE);
        this.pendingCount = pending.approximateNumEntries();
        this.windowCounts = new HashMap<>();
        context.schedule(flushInterval, PunctuationType.WALL_CLOCK_TIME, this::flush);
    }

    @Override
    public void process(Record<String, RateDelta> record) {
        RateDelta delta = record.value();
        String month = Topics.rateKey(delta.getForce(), delta.getMonth());
        RateCounts before = pending.get(month);
        if (before == null) {
            pendingCount++;
        }
        // Kept even when the deltas cancel out: every window a raid ever counted in has rates, if only zeros.
        pending.put(month, before == null ? delta.getCounts() : RateCounting.plus(before, delta.getCounts(), 1));
        if (pendingCount >= MAX_PENDING_MONTHS) {
            flush(context.currentSystemTimeMs());
        }
    }

    private void flush(long now) {
        try {
            moveWindows(now);
        } catch (RuntimeException e) {
            // The counters in memory may be ahead of the store: read them from it again.
            windowCounts = new HashMap<>();
            throw e;
        }
    }

    private void moveWindows(long now) {
        List<KeyValue<String, RateCounts>> months = new ArrayList<>();
        try (KeyValueIterator<String, RateCounts> all = pending.all()) {
            all.forEachRemaining(months::add);
        }
        List<String> movedBefore = new ArrayList<>();
        try (KeyValueIterator<String, String> all = moved.all()) {
            all.forEachRemaining(entry -> movedBefore.add(entry.key));
        }
        movedBefore.forEach(moved::delete);
        Set<String> movedNow = new TreeSet<>();
        pendingCount = 0;
        for (KeyValue<String, RateCounts> month : months) {
            pending.delete(month.key);
            int split = month.key.lastIndexOf('|');
            String force = month.key.substring(0, split);
            for (String window : RateCounting.windowsContaining(month.key.substring(split + 1))) {
                String key = Topics.rateKey(force, window);
                RateCounting.add(windowCounts.computeIfAbsent(key, this::storedCounts), month.value);
                movedNow.add(key);
            }
        }
        Set<String> windows = new TreeSet<>(movedBefore);
        windows.addAll(movedNow);
        for (String key : windows) {
            ForceRates current;
            if (movedNow.contains(key)) {
                int split = key.lastIndexOf('|');
                current = RateVocabulary.rates(key.substring(0, split), key.substring(split + 1), windowCounts.get(key));
                rates.put(key, current);
            } else {
                current = rates.get(key);
            }
            if (current != null) {
                context.forward(new Record<>(key, current, now, new RecordHeaders()));
            }
        }
    }

    /** A window's counters as stored, zeros for a window not counted yet. */
    private int[] storedCounts(String key) {
        ForceRates stored = rates.get(key);
        return stored == null ? new int[RateVocabulary.COUNTERS.size()] : RateVocabulary.counts(stored);
    }
}
