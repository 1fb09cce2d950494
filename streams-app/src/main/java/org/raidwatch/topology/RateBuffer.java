package org.raidwatch.topology;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.raidwatch.contract.Forces;
import org.raidwatch.schema.RateCounts;
import org.raidwatch.schema.RateDelta;

/**
 * Sums the rate deltas of one task's cases per force and raid month, and sends the sums on every
 * flush interval (and sooner when many buckets are pending): one record per changed force and month,
 * plus one per changed month for ALL, however many cases changed. The sums live in a store, so under
 * exactly-once a flush and the cases it sums commit together or not at all; they are held in memory
 * as well (read back from the store whenever the task (re)starts), so a delta costs a write to the
 * store and no read.
 */
final class RateBuffer implements Processor<String, RateDelta, String, RateDelta> {

    /** Pending buckets that trigger a flush before the interval ends. */
    static final int MAX_PENDING_BUCKETS = 10_000;

    private final Duration flushInterval;
    private ProcessorContext<String, RateDelta> context;
    private KeyValueStore<String, RateCounts> pending;
    /** What {@link #pending} holds (each bucket removed from both as it is sent). */
    private Map<String, RateCounts> sums = new HashMap<>();

    RateBuffer(Duration flushInterval) {
        this.flushInterval = flushInterval;
    }

    @Override
    public void init(ProcessorContext<String, RateDelta> context) {
        this.context = context;
        this.pending = context.getStateStore(CaseTopology.RATE_BUFFER_STORE);
        this.sums = new HashMap<>();
        try (KeyValueIterator<String, RateCounts> all = pending.all()) {
            all.forEachRemaining(bucket -> sums.put(bucket.key, bucket.value));
        }
        context.schedule(flushInterval, PunctuationType.WALL_CLOCK_TIME, this::flush);
    }

    @Override
    public void process(Record<String, RateDelta> record) {
        RateDelta delta = record.value();
        String bucket = Topics.rateKey(delta.getForce(), delta.getMonth());
        RateCounts before = sums.get(bucket);
        RateCounts sum = before == null ? delta.getCounts() : RateCounting.plus(before, delta.getCounts(), 1);
        pending.put(bucket, sum);
        sums.put(bucket, sum);
        if (sums.size() >= MAX_PENDING_BUCKETS) {
            flush(context.currentSystemTimeMs());
        }
    }

    private void flush(long now) {
        Map<String, RateCounts> nationalByMonth = new TreeMap<>();
        // A bucket whose deltas cancelled out is still sent: every window a raid ever counted in has rates, if only zeros.
        for (Map.Entry<String, RateCounts> bucket : new TreeMap<>(sums).entrySet()) {
            pending.delete(bucket.getKey());
            sums.remove(bucket.getKey());
            int split = bucket.getKey().lastIndexOf('|');
            String force = bucket.getKey().substring(0, split);
            String month = bucket.getKey().substring(split + 1);
            send(force, month, bucket.getValue(), now);
            nationalByMonth.merge(month, bucket.getValue(), (a, b) -> RateCounting.plus(a, b, 1));
        }
        nationalByMonth.forEach((month, counts) -> send(Forces.ALL, month, counts, now));
    }

    private void send(String force, String month, RateCounts counts, long now) {
        RateDelta delta = RateDelta.newBuilder().setForce(force).setMonth(month).setCounts(counts).build();
        context.forward(new Record<>(force, delta, now, new RecordHeaders()));
    }
}
