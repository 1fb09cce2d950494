package org.raidwatch.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.raidwatch.schema.FlagStatus;
import org.raidwatch.serving.FlagFilter;
import org.raidwatch.serving.ListedFlag;
import org.raidwatch.serving.StateQueries;

/**
 * A dashboard's load on the flags listing while a benchmark runs: the first 1,000 open flags,
 * asked once a second on a thread of its own, each answer timed. What it costs the stream shows as
 * the difference from the same run without it.
 */
final class FlagsListingLoad implements AutoCloseable {

    static final int LIMIT = 1000;
    private static final long EVERY_MS = 1000;

    /** The dashboard's question: the flags that hold (raised or updated). */
    private record OpenFlags() implements FlagFilter {
        @Override
        public boolean test(ListedFlag flag) {
            return flag.getStatus() != FlagStatus.RESOLVED;
        }
    }

    private final StateQueries queries;
    private final Thread thread;
    private final List<Long> millis = new ArrayList<>();
    private volatile boolean stopped;

    private FlagsListingLoad(StateQueries queries) {
        this.queries = queries;
        this.thread = new Thread(this::askEverySecond, "bench-flags-listing");
        this.thread.setDaemon(true);
    }

    static FlagsListingLoad start(StateQueries queries) {
        FlagsListingLoad load = new FlagsListingLoad(queries);
        load.thread.start();
        return load;
    }

    private void askEverySecond() {
        while (!stopped) {
            long started = System.nanoTime();
            try {
                queries.flags(new OpenFlags(), LIMIT);
                synchronized (millis) {
                    millis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
                }
            } catch (StateQueries.NotQueryableNow notYet) {
                // Starting or rebalancing: a dashboard would ask again next time.
            }
            long sleep = EVERY_MS - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            if (sleep > 0) {
                try {
                    Thread.sleep(sleep);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** Each listing's duration so far, in milliseconds. */
    List<Long> millis() {
        synchronized (millis) {
            return List.copyOf(millis);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stopped = true;
        thread.interrupt();
        thread.join(TimeUnit.SECONDS.toMillis(30));
    }
}
