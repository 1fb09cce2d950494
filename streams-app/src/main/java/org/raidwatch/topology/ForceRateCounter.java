package org.raidwatch.topology;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.raidwatch.schema.ForceRates;
import org.raidwatch.schema.RateDelta;

/**
 * Where a rate is counted. Each force's (and ALL's) month deltas arrive on the force's partition;
 * a delta moves the all-time window and the twelve rolling windows that contain its month, in the
 * {@code force-rates} store, keyed {@code <force>|<window>}. Every flush interval the windows that
 * moved are sent once each, with their latest counts and rates.
 */
final class ForceRateCounter implements Processor<String, RateDelta, String, ForceRates> {

    private final Duration flushInterval;
    private ProcessorContext<String, ForceRates> context;
    private KeyValueStore<String, ForceRates> rates;
    // A store, not a set in memory: a commit can fall between a delta and the next flush, and a
    // restart after it must still send the windows that delta moved.
    private KeyValueStore<String, String> moved;
    private long movedCount;

    ForceRateCounter(Duration flushInterval) {
        this.flushInterval = flushInterval;
    }

    @Override
    public void init(ProcessorContext<String, ForceRates> context) {
        this.context = context;
        this.rates = context.getStateStore(CaseTopology.FORCE_RATES_STORE);
        this.moved = context.getStateStore(CaseTopology.MOVED_RATES_STORE);
        this.movedCount = moved.approximateNumEntries();
        context.schedule(flushInterval, PunctuationType.WALL_CLOCK_TIME, this::flush);
    }

    @Override
    public void process(Record<String, RateDelta> record) {
        RateDelta delta = record.value();
        for (String window : RateCounting.windowsContaining(delta.getMonth())) {
            String key = Topics.rateKey(delta.getForce(), window);
            rates.put(key, RateCounting.apply(rates.get(key), delta.getForce(), window, delta.getCounts()));
            if (moved.putIfAbsent(key, "") == null) {
                movedCount++;
            }
        }
        if (movedCount >= RateBuffer.MAX_PENDING_BUCKETS) {
            flush(context.currentSystemTimeMs());
        }
    }

    private void flush(long now) {
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, String> all = moved.all()) {
            all.forEachRemaining(entry -> keys.add(entry.key));
        }
        movedCount = 0;
        for (String key : keys) {
            moved.delete(key);
            ForceRates current = rates.get(key);
            if (current != null) {
                context.forward(new Record<>(key, current, now, new RecordHeaders()));
            }
        }
    }
}
