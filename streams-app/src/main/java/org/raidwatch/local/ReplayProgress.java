package org.raidwatch.local;

import java.util.concurrent.atomic.AtomicLong;

/**
 * How far a replay has come, for a progress line: read from another thread while the replay runs.
 * Rows loaded are those sent to the in-process broker; rows processed, those whose offsets the
 * topology has committed (so the count moves once a commit interval); flags read, those read back
 * from the flags topic at the end.
 */
public final class ReplayProgress {

    /** What a replay is doing. */
    public enum Phase { LOADING, STARTING, PROCESSING, READING_BACK, DONE }

    private volatile Phase phase = Phase.LOADING;
    private final AtomicLong loaded = new AtomicLong();
    private final AtomicLong processed = new AtomicLong();
    private final AtomicLong flagsRead = new AtomicLong();

    public Phase phase() {
        return phase;
    }

    public long rowsLoaded() {
        return loaded.get();
    }

    public long rowsProcessed() {
        return processed.get();
    }

    public long flagsRead() {
        return flagsRead.get();
    }

    void enter(Phase next) {
        phase = next;
    }

    void loadedOne() {
        loaded.incrementAndGet();
    }

    void processed(long rows) {
        processed.set(rows);
    }

    void flagRead() {
        flagsRead.incrementAndGet();
    }
}
