package org.raidwatch.contract;

/**
 * A budget refilled continuously: {@code perSecond} units a second, at most {@code capacity} saved
 * up. What the HTTP side allows one client address (requests) and the decoder allows unknown schema
 * ids (milliseconds of waiting) each second.
 */
public final class TokenBucket {

    private final double perSecond;
    private final double capacity;
    private final java.util.function.LongSupplier nanoTime;
    private double left;
    private long at;

    /** Full at first. */
    public TokenBucket(double perSecond, double capacity) {
        this(perSecond, capacity, System::nanoTime);
    }

    /** @param nanoTime the clock, as {@link System#nanoTime()} */
    TokenBucket(double perSecond, double capacity, java.util.function.LongSupplier nanoTime) {
        this.perSecond = perSecond;
        this.capacity = capacity;
        this.nanoTime = nanoTime;
        this.left = capacity;
        this.at = nanoTime.getAsLong();
    }

    /** Takes {@code amount} if that much is left; says whether it was. */
    public synchronized boolean take(double amount) {
        refill(nanoTime.getAsLong());
        if (left < amount) {
            return false;
        }
        left -= amount;
        return true;
    }

    /** Whether it is full again (nothing taken lately): a bucket that can be forgotten. */
    public synchronized boolean isFull() {
        refill(nanoTime.getAsLong());
        return left >= capacity;
    }

    private void refill(long now) {
        left = Math.min(capacity, left + (now - at) / 1e9 * perSecond);
        at = now;
    }
}
