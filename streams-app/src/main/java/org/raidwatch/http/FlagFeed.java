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
import java.util.concurrent.CopyOnWriteArraySet;
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
 * queue and sending thread, so a browser that stops reading is dropped rather than holding up the
 * others. A comment line every 15 seconds keeps idle connections open. The feed survives Kafka
 * trouble: it starts over, after a pause, from where it was.
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

    private final Map<String, Object> consumerProperties;
    private final Topic<String, CaseFlag> topic;
    private final Deserializer<CaseFlag> decoder;
    private final Deque<String> recent = new ArrayDeque<>();
    private final Set<Browser> browsers = new CopyOnWriteArraySet<>();
    private final Map<TopicPartition, Long> position = new HashMap<>();
    private final Thread thread;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile boolean running = true;
    private final java.util.concurrent.CountDownLatch closing = new java.util.concurrent.CountDownLatch(1);

    public FlagFeed(Map<String, Object> clientProperties, Topic<String, CaseFlag> flaggedCases) {
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
    }

    /** A browser connected: it gets the recent changes, then every new one, until it goes away or falls behind. */
    void connect(SseClient client) {
        client.keepAlive();
        Browser browser = new Browser(client);
        client.onClose(browser::stop);
        // Under the feed's lock, so no change is sent twice or missed between the backlog and the live ones.
        synchronized (recent) {
            recent.forEach(browser::offer);
            browsers.add(browser);
        }
        browser.start();
    }

    private void follow() {
        long lastSent = System.nanoTime();
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
                            lastSent = System.nanoTime();
                        }
                    }
                    if (System.nanoTime() - lastSent > HEARTBEAT_EVERY.toNanos()) {
                        browsers.forEach(browser -> browser.offer(HEARTBEAT));
                        lastSent = System.nanoTime();
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

    /** One connected browser: its queue of changes and the thread that writes them to it. */
    private final class Browser {
        private final SseClient client;
        private final BlockingQueue<String> queue = new ArrayBlockingQueue<>(QUEUE);
        private final Thread sender;
        private volatile boolean open = true;

        Browser(SseClient client) {
            this.client = client;
            this.sender = new Thread(this::send, "raidwatch-flag-feed-browser");
            sender.setDaemon(true);
        }

        void start() {
            sender.start();
        }

        /** Never blocks the feed: a browser this far behind is dropped (its page reconnects). */
        void offer(String json) {
            if (open && !queue.offer(json)) {
                LOG.info("A browser fell {} flag changes behind the live feed; dropping it (it reconnects)", QUEUE);
                stop();
            }
        }

        private void send() {
            try {
                while (open) {
                    String json = queue.poll(1, TimeUnit.SECONDS);
                    if (json == null || !open) {
                        continue;
                    }
                    if (client.terminated()) {
                        break;
                    }
                    if (json == HEARTBEAT) {
                        client.sendComment("keep-alive");
                    } else {
                        client.sendEvent("flag", json);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException browserGone) {
                // The browser went away while being written to (its response is recycled).
            } finally {
                stop();
            }
        }

        void stop() {
            open = false;
            browsers.remove(this);
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
    }
}
