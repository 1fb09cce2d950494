package org.raidwatch.it;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/** Bounded waits for integration tests: every wait has a limit and says what it waited for, and the state, when it runs out. */
public final class Await {

    /** A condition checked repeatedly; it may throw while the system is not ready. */
    public interface Condition {
        boolean holds() throws Exception;
    }

    private Await() {
    }

    /**
     * Waits until the condition holds.
     *
     * @param waitingFor what the test is waiting for, in words
     * @param state      what to report about the system when the wait times out
     */
    public static void until(Duration timeout, String waitingFor, Condition condition, Supplier<String> state) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        Exception last = null;
        while (Instant.now().isBefore(deadline)) {
            try {
                if (condition.holds()) {
                    return;
                }
                last = null;
            } catch (Exception e) {
                last = e;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + waitingFor + "; state: " + state.get()
                + (last == null ? "" : "; last error: " + last));
    }
}
