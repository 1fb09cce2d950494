package org.raidwatch.topology;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The changes the global {@code flags} store takes, handed to whoever keeps a listing of the flags, so
 * it can keep its listing up by applying them rather than reading the whole store again. One instance
 * per running topology: the store's processor reports every change it makes; the listing
 * {@linkplain #follow() follows} (records from now on, after which it reads the store once whole) and
 * then {@linkplain #drain() drains} what came since, in the order the store took it.
 * <p>
 * Nothing is recorded until someone follows, and at most {@link #MAX_PENDING} changes or
 * {@link #MAX_PENDING_BYTES} of records are held, for at most {@link #MAX_UNDRAINED} after the last
 * drain: a listing nobody asks for falls behind, stops being recorded for, and is told so by its next
 * drain (it reads the store whole again and follows anew). So one request for a listing does not keep
 * the changes of the hours after it in memory.
 */
public final class FlagStoreChanges {

    /** Changes held at most between two drains; beyond it the follower is told it missed some. */
    public static final int MAX_PENDING = 200_000;
    /** The records' bytes held at most between two drains, likewise. */
    public static final long MAX_PENDING_BYTES = 64L * 1024 * 1024;
    /** How long after the last drain changes are still recorded, likewise. */
    public static final Duration MAX_UNDRAINED = Duration.ofMinutes(1);

    /** One change of the store: a flag's latest record under its key, or null when the key was deleted. */
    public record Change(String key, byte[] value) {
    }

    /**
     * What came since the last drain, oldest first; {@code complete} is false when changes were
     * missed (never followed, or more came in between than is held: by count, bytes or time): read
     * the store whole, after following again.
     */
    public record Drained(boolean complete, List<Change> changes) {
    }

    private final LongSupplier nanoClock;
    private List<Change> pending = new ArrayList<>();
    private long pendingBytes;
    private long drainedAt;
    private boolean followed;

    public FlagStoreChanges() {
        this(System::nanoTime);
    }

    /** @param nanoClock {@link System#nanoTime()}, or a test's clock */
    FlagStoreChanges(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /**
     * Records every change from now on, forgetting any held: call before reading the store whole, so
     * a change the reading misses is among the ones drained next (one it also saw is applied twice,
     * to the same effect).
     */
    public synchronized void follow() {
        pending = new ArrayList<>();
        pendingBytes = 0;
        drainedAt = nanoClock.getAsLong();
        followed = true;
    }

    /** The changes since the last drain or {@link #follow()}, and whether they are all of them. */
    public synchronized Drained drain() {
        if (!followed) {
            return new Drained(false, List.of());
        }
        List<Change> drained = pending;
        pending = new ArrayList<>();
        pendingBytes = 0;
        drainedAt = nanoClock.getAsLong();
        return new Drained(true, drained);
    }

    /** Called by the store's processor after each change the store took. */
    synchronized void changed(String key, byte[] value) {
        if (!followed) {
            return;
        }
        long bytes = value == null ? 0 : value.length;
        if (pending.size() >= MAX_PENDING || pendingBytes + bytes > MAX_PENDING_BYTES
                || nanoClock.getAsLong() - drainedAt > MAX_UNDRAINED.toNanos()) {
            followed = false;
            pending = new ArrayList<>();
            pendingBytes = 0;
            return;
        }
        pending.add(new Change(key, value));
        pendingBytes += bytes;
    }
}
