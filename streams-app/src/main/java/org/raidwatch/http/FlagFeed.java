package org.raidwatch.http;

import io.javalin.http.sse.SseClient;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.raidwatch.contract.LogText;
import org.raidwatch.deployment.HttpLimits;
import org.raidwatch.json.OutputJson;
import org.raidwatch.schema.CaseFlag;
import org.raidwatch.topology.Topic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard's live feed of flag changes: follows the flagged-cases topic (committed records only,
 * no consumer group) and sends each change to every connected browser as a server-sent event
 * {@code flag}. A browser that connects first gets up to the {@value #RECENT} latest changes this
 * instance has read, so the feed is never empty while flags exist. Each browser has its own bounded
 * queue, which a few sending threads shared by all browsers drain (no thread per connection), so a
 * browser that stops reading is dropped rather than holding up the others. Connections are admitted
 * up to a bound in all and per client address ({@link HttpLimits}); beyond it the request is refused
 * before it becomes a stream. A comment line every 15 seconds keeps idle connections open. The feed
 * survives Kafka trouble: it starts over, after a pause, from where it was.
 */
public final class FlagFeed implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FlagFeed.class);
    /** How many recent changes a new browser gets first. */
    static final int RECENT = 100;
    /** Changes a browser may fall behind by before it is dropped (it reconnects and starts again). */
    private static final int QUEUE = 1_000;
    private static final String HEARTBEAT = "";
    private static final Duration HEARTBEAT_EVERY = Duration.ofSeconds(15);
    private static final Duration RETRY_PAUSE = Duration.ofSeconds(5);
    /**
     * Threads writing to browsers, shared by all of them. A browser that stops reading holds one while
     * its write blocks (until the connection's idle timeout ends it); this many such browsers at once
     * hold up the feed for the others, whose queues then overflow and who reconnect.
     */
    static final int SENDERS = 16;
    /** Changes one turn of a sending thread writes to one browser before it serves the others. */
    private static final int TURN = 64;

    private final Map<String, Object> consumerProperties;
    private final Topic<String, CaseFlag> topic;
    private final Deserializer<CaseFlag> decoder;
    private final Deque<String> recent = new ArrayDeque<>();
    private final Set<Browser> browsers = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final Map<TopicPartition, Long> position = new HashMap<>();
    private final Thread thread;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile boolean running = true;
    private final java.util.concurrent.CountDownLatch closing = new java.util.concurrent.CountDownLatch(1);
    private final HttpLimits limits;
    /** Connections admitted and not yet closed, in all and by client address; guarded by itself. */
    private final Map<String, Integer> connectionsByClient = new HashMap<>();
    private int connections;
    private final java.util.concurrent.ScheduledExecutorService heartbeat = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(task -> {
        Thread beating = new Thread(task, "raidwatch-flag-feed-heartbeat");
        beating.setDaemon(true);
        return beating;
    });
    private final java.util.concurrent.ExecutorService senders = java.util.concurrent.Executors.newFixedThreadPool(SENDERS, task -> {
        Thread sender = new Thread(task, "raidwatch-flag-feed-sender");
        sender.setDaemon(true);
        return sender;
    });

    public FlagFeed(Map<String, Object> clientProperties, Topic<String, CaseFlag> flaggedCases, HttpLimits limits) {
        this.limits = limits;
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString().toLowerCase(Locale.ROOT));
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "raidwatch-flag-feed-" + UUID.randomUUID().toString().substring(0, 8));
        this.consumerProperties = props;
        this.topic = flaggedCases;
        this.decoder = flaggedCases.valueSerde().deserializer();
        this.thread = new Thread(this::follow, "raidwatch-flag-feed");
        thread.setDaemon(true);
        thread.start();
        // On a schedule of its own, not the Kafka loop's: while Kafka is away, closed connections are still noticed and given back.
        heartbeat.scheduleAtFixedRate(() -> browsers.forEach(browser -> browser.offer(HEARTBEAT)), HEARTBEAT_EVERY.toMillis(),
                HEARTBEAT_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Takes a connection from a client address, if the bounds allow one more; the caller then
     * {@link #connect}s it, or {@link #release}s it if the stream does not start.
     *
     * @return null when admitted, else why not
     */
    String admit(String client) {
        synchronized (connectionsByClient) {
            if (connections >= limits.feedConnections()) {
                return "the live feed has " + connections + " connections open, its most (raidwatch.http.feed.max.connections)";
            }
            int fromClient = connectionsByClient.getOrDefault(client, 0);
            if (fromClient >= limits.feedConnectionsPerClient()) {
                return LogText.of(client) + " has " + fromClient + " live-feed connections open, the most one address may"
                        + " (raidwatch.http.feed.max.connections.per.client)";
            }
            connections++;
            connectionsByClient.put(client, fromClient + 1);
            return null;
        }
    }

    /** Gives back a connection {@link #admit} took. */
    void release(String client) {
        synchronized (connectionsByClient) {
            connections--;
            connectionsByClient.computeIfPresent(client, (c, n) -> n <= 1 ? null : n - 1);
        }
    }

    /** Live-feed connections open now. */
    int connections() {
        synchronized (connectionsByClient) {
            return connections;
        }
    }

    /**
     * An admitted browser connected: it gets the recent changes, then every new one, until it goes
     * away or falls behind; its connection is released when it closes.
     */
    void connect(SseClient client, String clientAddress) {
        client.keepAlive();
        Browser browser = new Browser(client, clientAddress);
        client.onClose(browser::stop);
        // Under the feed's lock, so no change is sent twice or missed between the backlog and the live ones. Added before
        // the backlog is offered: a browser gone already is stopped by the first write, which must find it in the set to remove it.
        synchronized (recent) {
            browsers.add(browser);
            recent.forEach(browser::offer);
        }
        if (!browser.open) {
            browsers.remove(browser);
        }
    }

    private void follow() {
        while (running) {
            try (KafkaConsumer<byte[], byte[]> reader = new KafkaConsumer<>(consumerProperties, new ByteArrayDeserializer(),
                    new ByteArrayDeserializer())) {
                consumer = reader;
                startReading(reader);
                while (running) {
                    for (ConsumerRecord<byte[], byte[]> record : reader.poll(Duration.ofMillis(500))) {
                        position.put(new TopicPartition(record.topic(), record.partition()), record.offset() + 1);
                        String json = decode(record);
                        if (json != null) {
                            publish(json);
                        }
                    }
                }
            } catch (WakeupException stopping) {
                // close() woke the poll
            } catch (RuntimeException e) {
                if (running) {
                    LOG.warn("The dashboard's live feed of flags lost Kafka ({}); starting again in {} s", e.toString(),
                            RETRY_PAUSE.toSeconds());
                    pause();
                }
            }
        }
        browsers.forEach(Browser::stop);
    }

    /** From where it was, or, the first time, a little before the end of each partition, so the first browsers see recent changes. */
    private void startReading(KafkaConsumer<byte[], byte[]> reader) {
        List<TopicPartition> partitions = reader.partitionsFor(topic.name(), Duration.ofSeconds(60)).stream()
                .map(p -> new TopicPartition(topic.name(), p.partition())).toList();
        reader.assign(partitions);
        Map<TopicPartition, Long> ends = reader.endOffsets(partitions);
        Map<TopicPartition, Long> beginnings = reader.beginningOffsets(partitions);
        for (TopicPartition partition : partitions) {
            long start = position.getOrDefault(partition, Math.max(beginnings.get(partition), ends.get(partition) - RECENT));
            reader.seek(partition, Math.max(start, beginnings.get(partition)));
        }
    }

    private String decode(ConsumerRecord<byte[], byte[]> record) {
        if (record.value() == null) {
            return null;
        }
        try {
            return OutputJson.flagLine(decoder.deserialize(record.topic(), record.value()));
        } catch (SerializationException notAFlag) {
            LOG.warn("Record at {}-{}@{} is not a flag ({}); the live feed passes it over", record.topic(), record.partition(),
                    record.offset(), LogText.of(notAFlag.getMessage()));
            return null;
        }
    }

    private void publish(String json) {
        synchronized (recent) {
            recent.addLast(json);
            if (recent.size() > RECENT) {
                recent.removeFirst();
            }
            browsers.forEach(browser -> browser.offer(json));
        }
    }

    private void pause() {
        try {
            closing.await(RETRY_PAUSE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /** One connected browser: its queue of changes, which the shared sending threads write to it in turns. */
    private final class Browser {
        private final SseClient client;
        private final String clientAddress;
        private final BlockingQueue<String> queue = new ArrayBlockingQueue<>(QUEUE);
        /** Whether a turn of a sending thread is due or under way for this browser (at most one at a time). */
        private final java.util.concurrent.atomic.AtomicBoolean turnTaken = new java.util.concurrent.atomic.AtomicBoolean();
        private final java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();
        private volatile boolean open = true;

        Browser(SseClient client, String clientAddress) {
            this.client = client;
            this.clientAddress = clientAddress;
        }

        /** Never blocks the feed: a browser this far behind is dropped (its page reconnects). */
        void offer(String json) {
            if (!open) {
                return;
            }
            if (!queue.offer(json)) {
                LOG.info("A browser fell {} flag changes behind the live feed; dropping it (it reconnects)", QUEUE);
                stop();
                return;
            }
            takeTurn();
        }

        private void takeTurn() {
            if (open && turnTaken.compareAndSet(false, true)) {
                try {
                    senders.execute(this::send);
                } catch (java.util.concurrent.RejectedExecutionException closing) {
                    stop();
                }
            }
        }

        /** One turn: up to {@value #TURN} changes, then the turn goes back, so one busy browser cannot hold a thread. */
        private void send() {
            try {
                for (int sent = 0; sent < TURN && open; sent++) {
                    String json = queue.poll();
                    if (json == null) {
                        break;
                    }
                    if (client.terminated()) {
                        stop();
                        break;
                    }
                    if (json == HEARTBEAT) {
                        client.sendComment("keep-alive");
                    } else {
                        client.sendEvent("flag", json);
                    }
                }
            } catch (RuntimeException browserGone) {
                // The browser went away while being written to (its response is recycled).
                stop();
            } finally {
                turnTaken.set(false);
            }
            if (!queue.isEmpty()) {
                takeTurn();
            }
        }

        void stop() {
            open = false;
            browsers.remove(this);
            if (released.compareAndSet(false, true)) {
                release(clientAddress);
            }
            try {
                if (!client.terminated()) {
                    client.close();
                }
            } catch (RuntimeException alreadyGone) {
                // nothing to close any more
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        closing.countDown();
        KafkaConsumer<byte[], byte[]> current = consumer;
        if (current != null) {
            current.wakeup(); // not an interrupt: the consumer then closes cleanly
        }
        thread.join(10_000);
        heartbeat.shutdownNow();
        senders.shutdown();
        senders.awaitTermination(5, TimeUnit.SECONDS);
    }
}
