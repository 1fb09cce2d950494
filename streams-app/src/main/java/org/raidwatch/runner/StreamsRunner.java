package org.raidwatch.runner;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.raidwatch.contract.LogText;
import org.raidwatch.serde.SchemaRegistryUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns one KafkaStreams instance's life: start, wait until running, report state changes, stop.
 *
 * <p>Behaviour on failure: a schema registry outage replaces the stream thread, which retries its
 * tasks from their last commit until the registry answers. Any other exception that escapes
 * processing (bad records and rule failures do not: they go to the dead-letter topic) shuts this client down (SHUTDOWN_CLIENT) and is kept as
 * {@link #failure()}; the state becomes ERROR and {@link #awaitStop} returns. The caller exits
 * non-zero so a supervisor can restart the process; exactly-once makes the restart safe.
 */
public final class StreamsRunner implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StreamsRunner.class);

    private final KafkaStreams streams;
    private final CountDownLatch running = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final CountDownLatch reportedClosed = new CountDownLatch(1);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Backoff outageBackoff = new Backoff();
    private final org.apache.kafka.streams.state.HostInfo self;
    private volatile boolean hasRun;
    private volatile boolean closing;
    private final GlobalStoreGuard globalStores;
    private final boolean rebuildsGlobalStores;

    public StreamsRunner(Topology topology, Properties properties) {
        RocksDbLibrary.load();
        this.globalStores = GlobalStoreGuard.of(properties);
        this.rebuildsGlobalStores = globalStores.beforeStart();
        this.streams = new KafkaStreams(topology, properties);
        String applicationServer = properties.getProperty(org.apache.kafka.streams.StreamsConfig.APPLICATION_SERVER_CONFIG);
        this.self = applicationServer == null || applicationServer.isBlank() ? null
                : org.apache.kafka.streams.state.HostInfo.buildFromEndpoint(applicationServer);
        streams.setStateListener((now, before) -> {
            LOG.info("Kafka Streams state {} -> {}", before, now);
            if (now == KafkaStreams.State.RUNNING) {
                hasRun = true;
                running.countDown();
            }
            if ((now == KafkaStreams.State.PENDING_ERROR || now == KafkaStreams.State.ERROR) && !closing) {
                // Whatever thread failed: the global thread's failures can reach ERROR without the handler below.
                failure.compareAndSet(null, new IllegalStateException("Kafka Streams stopped in " + now
                        + " (the failing thread's error is in the log above)"));
            }
            if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING
                    || now == KafkaStreams.State.PENDING_ERROR) {
                running.countDown();
                stopped.countDown();
            }
            if (now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.ERROR) {
                reportedClosed.countDown();
            }
        });
        streams.setUncaughtExceptionHandler(error -> {
            if (SchemaRegistryUnavailableException.isCauseOf(error)) {
                long pauseMs = outageBackoff.next();
                LOG.warn("The schema registry is unavailable ({}); replacing the stream thread in {} s, which retries its tasks"
                        + " from their last commit", LogText.rootMessage(error), pauseMs / 1000);
                // A pause before each replacement: under exactly-once every replacement restores the task's stores.
                sleep(pauseMs);
                return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
            }
            LOG.error("raidwatch stream stopped on an unexpected error: {}", error.toString(), error);
            failure.compareAndSet(null, error);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    }

    /**
     * Starts processing and waits until every stream thread runs.
     *
     * @return true when it has run and still serves (RUNNING, or REBALANCING since); false when it
     *         failed, stopped, or did not get there within the timeout
     */
    public boolean start(Duration timeout) {
        try {
            streams.start();
        } catch (RuntimeException e) {
            // The global stores are opened and restored inside start(): a failure there is thrown, not handled.
            // A stop requested meanwhile (SIGTERM while starting) makes start() throw too; that is no failure.
            if (!closing) {
                LOG.error("raidwatch stream could not start: {}", e.toString(), e);
                failure.compareAndSet(null, e);
            }
            stopped.countDown();
            return false;
        }
        try {
            // Running once is enough: another instance joining at the same moment moves this one straight on to REBALANCING.
            return running.await(timeout.toMillis(), TimeUnit.MILLISECONDS) && failure.get() == null && isServing();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Waits until the streams stop (error or close); false on timeout. */
    public boolean awaitStop(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /**
     * Whether this instance serves its share: RUNNING, or REBALANCING after it has run (every
     * instance rebalances at once when one joins or leaves, and each goes on serving meanwhile).
     */
    public boolean isServing() {
        KafkaStreams.State state = streams.state();
        return state == KafkaStreams.State.RUNNING || (state == KafkaStreams.State.REBALANCING && hasRun);
    }

    /** Why the stream stopped or could not start (whatever thread failed); null while it has not failed. */
    public Throwable failure() {
        return failure.get();
    }

    /** Whether this start deletes the global stores left by an unclean stop, to rebuild them from their topic. */
    public boolean rebuildsGlobalStores() {
        return rebuildsGlobalStores;
    }

    /** Publishes Kafka Streams' metrics (and its clients') to a meter registry until the returned binder is closed. */
    public AutoCloseable bindMetrics(io.micrometer.core.instrument.MeterRegistry registry) {
        // Checked for new metrics every 10 s (tasks and their metrics appear after start and rebalances).
        var refresher = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "raidwatch-metrics-refresh");
            thread.setDaemon(true);
            return thread;
        });
        var binder = new io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics(streams, java.util.List.of(), refresher,
                Duration.ofSeconds(10));
        binder.bindTo(registry);
        return () -> {
            binder.close();
            refresher.shutdownNow(); // the binder does not stop a scheduler it was given
        };
    }

    /**
     * The Kafka Streams client itself, for the edges that read the running stream: interactive
     * queries, metrics, benchmarks. Its life cycle stays the runner's.
     */
    public KafkaStreams kafkaStreams() {
        return streams;
    }

    /** This instance's {@code application.server} address, or null when it has none. */
    public org.apache.kafka.streams.state.HostInfo self() {
        return self;
    }

    /** Pauses that double from 1 s to 30 s while failures follow each other, and start again after 5 quiet minutes. */
    private static final class Backoff {
        private long lastFailureNanos;
        private long pauseMs;

        synchronized long next() {
            long now = System.nanoTime();
            pauseMs = pauseMs == 0 || now - lastFailureNanos > Duration.ofMinutes(5).toNanos() ? 1_000 : Math.min(pauseMs * 2, 30_000);
            lastFailureNanos = now;
            return pauseMs;
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closing = true;
        boolean closed = streams.close(Duration.ofSeconds(30));
        if (closed && failure.get() == null) {
            globalStores.closedCleanly();
        }
        stopped.countDown();
        // Kafka Streams may wake close() before it tells the state listener, whose line a process
        // halting right after close() would lose.
        try {
            reportedClosed.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
