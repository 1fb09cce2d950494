package org.raidwatch.topology;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps the latest change of every flag, as read back from the flagged-cases topic, in the global
 * {@code flags} store, and tells the instance's listing of each change the store took.
 */
final class LatestFlags implements Processor<String, byte[], Void, Void> {

    private final FlagStoreChanges changes;
    private KeyValueStore<String, byte[]> flags;

    LatestFlags(FlagStoreChanges changes) {
        this.changes = changes;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.flags = context.getStateStore(CaseTopology.FLAGS_STORE);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.key() == null) {
            return;
        }
        if (record.value() == null) {
            flags.delete(record.key());
        } else {
            flags.put(record.key(), record.value());
        }
        changes.changed(record.key(), record.value());
    }
}
