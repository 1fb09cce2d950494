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
import java.util.concurrent.CopyOnWriteArraySet;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.raidwatch.json.OutputJson;
import org.raidwatch.schema.CaseFlag;
import org.raidwatch.topology.Topic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard's live feed of flag changes: follows the flagged-cases topic (committed records only,
 * no consumer group) and sends each change to every connected browser as a server-sent event
 * {@code flag}. A browser that connects first gets the latest changes already seen, so the feed is
 * never empty while flags exist. A comment line every 15 seconds keeps idle connections open.
 */
public final class FlagFeed implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FlagFeed.class);
    /** How many recent changes a new browser gets first. */
    static final int RECENT = 100;
    private static final long HEARTBEAT_NANOS = Duration.ofSeconds(15).toNanos();

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Topic<String, CaseFlag> topic;
    private final Deserializer<CaseFlag> decoder;
    private final Deque<String> recent = new ArrayDeque<>();
    private final Set<SseClient> clients = new CopyOnWriteArraySet<>();
    private final Thread thread;
    private volatile boolean running = true;

    public FlagFeed(Map<String, Object> clientProperties, Topic<String, CaseFlag> flaggedCases) {
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString().toLowerCase(Locale.ROOT));
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "raidwatch-flag-feed");
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.topic = flaggedCases;
        this.decoder = flaggedCases.valueSerde().deserializer();
        this.thread = new Thread(this::follow, "raidwatch-flag-feed");
        thread.setDaemon(true);
        thread.start();
    }

    /** A browser connected: it gets the recent changes, then every new one, until it goes away. */
    void connect(SseClient client) {
        client.keepAlive();
        client.onClose(() -> clients.remove(client));
        // Under the feed's lock, so no change is sent twice or missed between the backlog and the live ones.
        synchronized (recent) {
            for (String json : recent) {
                send(client, json);
            }
            clients.add(client);
        }
    }

    int connected() {
        return clients.size();
    }

    private void follow() {
        try {
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name(), Duration.ofSeconds(60)).stream()
                    .map(p -> new TopicPartition(topic.name(), p.partition())).toList();
            consumer.assign(partitions);
            // Start a little before the end of each partition, so the first browsers see recent changes.
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            Map<TopicPartition, Long> beginnings = consumer.beginningOffsets(partitions);
            for (TopicPartition partition : partitions) {
                consumer.seek(partition, Math.max(beginnings.get(partition), ends.get(partition) - RECENT));
            }
            long lastSent = System.nanoTime();
            while (running) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.value() != null) {
                        publish(OutputJson.flagLine(decoder.deserialize(record.topic(), record.value())));
                        lastSent = System.nanoTime();
                    }
                }
                if (System.nanoTime() - lastSent > HEARTBEAT_NANOS) {
                    clients.forEach(client -> send(client, null));
                    lastSent = System.nanoTime();
                }
            }
        } catch (WakeupException stopping) {
            // close() woke the poll
        } catch (RuntimeException e) {
            if (running) {
                LOG.warn("The dashboard's live feed of flags stopped: {}", e.toString());
            }
        } finally {
            consumer.close(Duration.ofSeconds(5));
            clients.forEach(FlagFeed::closeQuietly);
            clients.clear();
        }
    }

    private void publish(String json) {
        synchronized (recent) {
            recent.addLast(json);
            if (recent.size() > RECENT) {
                recent.removeFirst();
            }
            clients.forEach(client -> send(client, json));
        }
    }

    private void send(SseClient client, String json) {
        synchronized (client) {
            try {
                if (client.terminated()) {
                    clients.remove(client);
                } else if (json == null) {
                    client.sendComment("keep-alive");
                } else {
                    client.sendEvent("flag", json);
                }
            } catch (RuntimeException browserGone) {
                // The browser went away between the check and the write (its response is recycled).
                clients.remove(client);
                closeQuietly(client);
            }
        }
    }

    private static void closeQuietly(SseClient client) {
        try {
            if (!client.terminated()) {
                client.close();
            }
        } catch (RuntimeException alreadyGone) {
            // nothing to close any more
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(10_000);
    }
}
