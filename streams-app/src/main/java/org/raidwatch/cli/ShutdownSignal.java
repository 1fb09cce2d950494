package org.raidwatch.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * How a long-running command stops on Ctrl-C or SIGTERM: a shutdown hook that stops the work and
 * then exits with the status the command chooses (0 when stopped on request), rather than the
 * JVM's 130 or 143 for a signal. The command withdraws the hook when it ends by itself, so its own
 * exit status stands.
 */
final class ShutdownSignal {

    private final Thread hook;
    private final CountDownLatch done = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean received;

    private ShutdownSignal(String name, Runnable onSignal, boolean waitForCommand, Duration grace, IntSupplier status) {
        this.hook = new Thread(() -> {
            received = true;
            onSignal.run();
            stopped.countDown();
            try {
                if (!waitForCommand || done.await(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                    Runtime.getRuntime().halt(status.getAsInt());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, name);
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** On a signal the hook stops everything itself ({@code stopAll}), then exits with {@code status}. */
    static ShutdownSignal stopping(String name, Runnable stopAll, IntSupplier status) {
        return new ShutdownSignal(name, stopAll, false, Duration.ZERO, status);
    }

    /**
     * On a signal the hook asks the command to stop ({@code request}) and waits up to {@code grace}
     * for it to say {@link #done()}, then exits 0; past the grace the JVM exits as it would.
     */
    static ShutdownSignal requesting(String name, Runnable request, Duration grace) {
        return new ShutdownSignal(name, request, true, grace, () -> ExitCodes.OK);
    }

    /** Whether a signal has arrived. */
    boolean received() {
        return received;
    }

    /** The command has finished its work and cleaned up. */
    void done() {
        done.countDown();
    }

    /** Waits until a signal's hook has stopped everything (the process then exits). */
    void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    /**
     * Takes the hook back when the command ends by itself; false when a signal's shutdown is under
     * way, so the hook stops everything and chooses the exit status.
     */
    boolean withdraw() {
        if (received) {
            return false;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
            return true;
        } catch (IllegalStateException shuttingDown) {
            return false;
        }
    }
}
