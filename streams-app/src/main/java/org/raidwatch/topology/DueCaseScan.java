package org.raidwatch.topology;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.raidwatch.schema.CaseState;

/**
 * Time passing: the index of cases by the next day on which time alone can change their flags (a
 * declared working-day deadline, {@link DueCases}' keys), kept in step with the cases, and the scan
 * that hands over the cases due by today in bounded batches. Its cost follows the cases due, not all
 * cases; progress is the index itself (a key is deleted as its case is taken), so a restart resumes.
 */
final class DueCaseScan {

    private final KeyValueStore<String, String> index;
    private final KeyValueStore<String, CaseState> cases;
    private final int batchSize;
    /** The last index key this task took: the next scan starts after it. */
    private String cursor;

    DueCaseScan(KeyValueStore<String, String> index, KeyValueStore<String, CaseState> cases, int batchSize) {
        this.index = index;
        this.cases = cases;
        this.batchSize = batchSize;
    }

    /** A case was stored: moves its index entry from the day it was due to the day it is due now. */
    void moved(String raidId, LocalDate wasDue, LocalDate isDue) {
        if (Objects.equals(wasDue, isDue)) {
            return;
        }
        if (wasDue != null) {
            index.delete(DueCases.key(wasDue, raidId));
        }
        if (isDue != null) {
            String key = DueCases.key(isDue, raidId);
            index.put(key, "");
            if (cursor != null && key.compareTo(cursor) < 0) {
                cursor = null; // only if the clock went back: scan from the start again
            }
        }
    }

    /**
     * Hands each case due by today to {@code reevaluate}, until none is left or the deadline passes.
     *
     * @param deadline a {@link System#nanoTime()} value
     * @return true when every case due by today has been handed over within the budget
     */
    boolean run(LocalDate today, long deadline, Consumer<CaseState> reevaluate) {
        while (true) {
            List<String> due = new ArrayList<>();
            // Start after the last key taken: the keys before it are deleted, and a RocksDB scan from the
            // index's start would step over every one of their tombstones. New keys always sort after it
            // (their day lies after today, and the keys taken were due by today).
            try (KeyValueIterator<String, String> keys = cursor == null ? index.all() : index.range(cursor, null)) {
                while (keys.hasNext() && due.size() < batchSize) {
                    String key = keys.next().key;
                    if (key.equals(cursor)) {
                        continue;
                    }
                    if (DueCases.dueOf(key).isAfter(today)) {
                        break;
                    }
                    due.add(key);
                }
            }
            if (due.isEmpty()) {
                return true;
            }
            for (String key : due) {
                cursor = key;
                index.delete(key);
                CaseState state = cases.get(DueCases.raidIdOf(key));
                if (state != null && state.getReevaluateOn() != null && !state.getReevaluateOn().isAfter(today)) {
                    reevaluate.accept(state);
                }
                if (System.nanoTime() > deadline) {
                    return false;
                }
            }
        }
    }
}
