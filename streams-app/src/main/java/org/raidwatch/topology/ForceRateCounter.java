package org.raidwatch.topology;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.raidwatch.schema.ForceMonthlyCounts;
import org.raidwatch.schema.ForceRates;
import org.raidwatch.schema.RateChange;

/**
 * Where a rate is counted: keeps each force's (and ALL's) counts by raid month, applies each rate
 * change, and emits the rates of every window the change moved (all time, and the twelve rolling
 * windows containing the raid month).
 */
final class ForceRateCounter implements Processor<String, RateChange, String, ForceRates> {

    private ProcessorContext<String, ForceRates> context;
    private KeyValueStore<String, ForceMonthlyCounts> counts;

    @Override
    public void init(ProcessorContext<String, ForceRates> context) {
        this.context = context;
        this.counts = context.getStateStore(CaseTopology.FORCE_COUNTS_STORE);
    }

    @Override
    public void process(Record<String, RateChange> record) {
        RateChange change = record.value();
        ForceMonthlyCounts updated = RateCounting.apply(counts.get(change.getForce()), change);
        counts.put(change.getForce(), updated);
        for (String window : RateCounting.windowsContaining(change.getRaidMonth())) {
            context.forward(new Record<>(Topics.rateKey(change.getForce(), window), RateCounting.rates(updated, window),
                    record.timestamp(), new RecordHeaders()));
        }
    }
}
