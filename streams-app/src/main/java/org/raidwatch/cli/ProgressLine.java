package org.raidwatch.cli;

import java.io.Console;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One line on the terminal that says how far long work has come, rewritten in place twice a second
 * ({@code \r}, then the text padded over the previous one) and wiped when the work ends. Only on a
 * terminal: when the output goes to a file or a pipe (no {@link System#console()}), or with
 * {@code --quiet}, nothing is written at all, so scripts and logs never see it.
 */
final class ProgressLine implements AutoCloseable {

    /** How often the line is rewritten. */
    static final Duration EVERY = Duration.ofMillis(500);

    private final PrintWriter terminal;
    private final Supplier<String> text;
    private final ScheduledExecutorService timer;
    private int shown;
    private String last;
    private boolean closed;

    private ProgressLine(PrintWriter terminal, Supplier<String> text) {
        this.terminal = terminal;
        this.text = text;
        if (terminal == null) {
            this.timer = null;
            return;
        }
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "raidwatch-progress");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleAtFixedRate(this::show, 0, EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** A progress line showing {@code text}, when the output is a terminal and not {@code quiet}; otherwise one that shows nothing. */
    static ProgressLine onTerminal(boolean quiet, Supplier<String> text) {
        Console console = System.console();
        return new ProgressLine(quiet || !isTerminal(console) ? null : console.writer(), text);
    }

    /**
     * Whether the console is a terminal. Up to JDK 21 a console exists only then; from JDK 22 one may
     * exist with the output redirected, and {@code Console.isTerminal()} (looked up, as JDK 17 lacks
     * it) says which.
     */
    static boolean isTerminal(Console console) {
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (NoSuchMethodException e) {
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    /** A progress line on this writer whatever it is (for tests). */
    static ProgressLine on(PrintWriter out, Supplier<String> text) {
        return new ProgressLine(out, text);
    }

    private synchronized void show() {
        if (closed) {
            return;   // a turn that was waiting while close() wiped the line must not write it again
        }
        String line;
        try {
            line = text.get();
        } catch (RuntimeException e) {
            return;   // a progress line never fails the work it describes
        }
        if (line == null || line.equals(last)) {
            return;
        }
        last = line;
        StringBuilder out = new StringBuilder("\r").append(line);
        for (int i = line.length(); i < shown; i++) {
            out.append(' ');
        }
        shown = line.length();
        terminal.print(out);
        terminal.flush();
    }

    /** Stops the line and wipes it, so what the command prints next starts on a clean line. */
    @Override
    public synchronized void close() {
        if (timer == null || closed) {
            return;
        }
        closed = true;
        timer.shutdownNow();
        if (shown > 0) {
            terminal.print("\r" + " ".repeat(shown) + "\r");
            terminal.flush();
        }
        shown = 0;
    }

    /**
     * Time left for a count going up to a total, from its pace over the last 20 seconds; null until
     * there is a pace to go by.
     */
    static final class Remaining {

        private static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(20);
        private final ArrayDeque<long[]> samples = new ArrayDeque<>();

        /** Takes a reading of the count, and says how long is left at the recent pace (null: not known yet). */
        synchronized Duration after(long done, long total) {
            return after(System.nanoTime(), done, total);
        }

        synchronized Duration after(long nanos, long done, long total) {
            samples.addLast(new long[] {nanos, done});
            while (samples.size() > 2 && nanos - samples.peekFirst()[0] > WINDOW_NANOS) {
                samples.removeFirst();
            }
            if (done >= total) {
                return Duration.ZERO;
            }
            long[] first = samples.peekFirst();
            long elapsed = nanos - first[0];
            long moved = done - first[1];
            if (moved <= 0 || elapsed < TimeUnit.SECONDS.toNanos(1)) {
                return null;
            }
            double perNano = (double) moved / elapsed;
            return Duration.ofNanos((long) (Math.max(0, total - done) / perNano));
        }
    }

    /** {@code 1,034,407}. */
    static String count(long n) {
        return String.format(Locale.UK, "%,d", n);
    }

    /** {@code 42%}, rounded down: 100% only at the end. */
    static String percent(long done, long total) {
        return total <= 0 ? "0%" : Math.min(100, done * 100 / total) + "%";
    }

    /** {@code , about 1 min 10 s left}; empty while the time left is not known; {@code , finishing} when nothing is left. */
    static String left(Duration left) {
        if (left == null) {
            return "";
        }
        if (left.isZero()) {
            return ", finishing";
        }
        long seconds = Math.max(1, left.toSeconds());
        if (seconds < 60) {
            return ", about " + seconds + " s left";
        }
        if (seconds < 3600) {
            return ", about " + seconds / 60 + " min " + seconds % 60 + " s left";
        }
        return ", about " + seconds / 3600 + " h " + seconds % 3600 / 60 + " min left";
    }
}
