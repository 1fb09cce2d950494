package org.raidwatch.it;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.raidwatch.clients.InputLoader;
import org.raidwatch.clients.TopicReader;
import org.raidwatch.demo.DemoDataset;
import org.raidwatch.deployment.TopicSetup;
import org.raidwatch.local.EmbeddedKafka;
import org.raidwatch.local.LocalStack;
import org.raidwatch.schema.CaseFlag;
import org.raidwatch.schema.ForceRates;
import org.raidwatch.topology.Topics;

/** Test-side access to a broker: topics, feeding inputs, reading outputs, offsets for failure messages. */
public final class Cluster {

    public final EmbeddedKafka kafka;
    public final Topics topics;
    public final Map<String, Object> client;

    /** raidwatch's topics on the test's broker, with this many partitions, their serdes on the test's registry (production's {@link LocalStack}). */
    public Cluster(EmbeddedKafka kafka, String registryUrl, int partitions) {
        this.kafka = kafka;
        try (LocalStack stack = LocalStack.on(kafka, registryUrl, partitions)) {
            this.topics = stack.topics();
            this.client = stack.clientProperties();
        }
    }

    /**
     * Sends the events, once the input topics have leaders taking writes (a broker just restarted has
     * none for a moment), and fails the test unless Kafka acknowledged every one.
     */
    public void send(List<DemoDataset.Event> events) {
        try (Admin admin = Admin.create(client)) {
            TopicSetup.awaitLeaders(admin, List.of(topics.raidReports().name(), topics.foiUpdates().name()), Duration.ofSeconds(60));
        }
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        try (InputLoader loader = new InputLoader(client, topics)) {
            for (DemoDataset.Event event : events) {
                sent.add(event.report() != null ? loader.send(event.report()) : loader.send(event.foiUpdate()));
            }
            loader.flush();
        }
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < sent.size(); i++) {
            try {
                sent.get(i).get(0, TimeUnit.SECONDS); // flush() has completed every send
            } catch (ExecutionException e) {
                failures.add("event " + i + ": " + e.getCause());
            } catch (Exception e) {
                failures.add("event " + i + ": " + e);
            }
        }
        if (!failures.isEmpty()) {
            throw new AssertionError("Kafka did not acknowledge " + failures.size() + " of " + sent.size() + " inputs: "
                    + failures.subList(0, Math.min(10, failures.size())));
        }
    }

    public List<CaseFlag> allFlagRecords() {
        return TopicReader.readAll(client, topics.flaggedCases().name(), topics.flaggedCases().valueSerde().deserializer(),
                Duration.ofSeconds(30)).stream().map(ConsumerRecord::value).toList();
    }

    public Map<String, CaseFlag> latestFlags() {
        return TopicReader.latestByKey(client, topics.flaggedCases().name(), topics.flaggedCases().valueSerde().deserializer(),
                Duration.ofSeconds(30), Cluster::utf8);
    }

    public Map<String, ForceRates> latestRates() {
        return TopicReader.latestByKey(client, topics.forceRates().name(), topics.forceRates().valueSerde().deserializer(),
                Duration.ofSeconds(30), Cluster::utf8);
    }

    public int deadLetterCount() {
        return TopicReader.readAll(client, topics.deadLetters().name(), new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                Duration.ofSeconds(30)).size();
    }

    /** Sends a demo event as its producer would: the raid report or FOI update, keyed by raid id, in the wire format. */
    public void send(org.apache.kafka.clients.producer.KafkaProducer<String, byte[]> producer, org.raidwatch.demo.DemoDataset.Event event) {
        String topic = event.report() != null ? topics.raidReports().name() : topics.foiUpdates().name();
        String raidId = event.report() != null ? event.report().getRaidId() : event.foiUpdate().getRaidId();
        byte[] value = event.report() != null
                ? topics.raidReports().valueSerde().serializer().serialize(topic, event.report())
                : topics.foiUpdates().valueSerde().serializer().serialize(topic, event.foiUpdate());
        producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, raidId, value));
    }

    /** The reason each dead letter carries ({@code __streams.errors.message}), in topic order per partition. */
    public List<String> deadLetterReasons() {
        Map<String, Object> props = new java.util.HashMap<>(client);
        props.put(org.apache.kafka.clients.consumer.ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<String> reasons = new java.util.ArrayList<>();
        try (org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]> consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<>(
                props, new org.apache.kafka.common.serialization.ByteArrayDeserializer(), new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            List<org.apache.kafka.common.TopicPartition> partitions = consumer.partitionsFor(topics.deadLetters().name()).stream()
                    .map(p -> new org.apache.kafka.common.TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<org.apache.kafka.common.TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p)) && System.nanoTime() < deadline) {
                for (var record : consumer.poll(Duration.ofMillis(500))) {
                    var header = record.headers().lastHeader("__streams.errors.message");
                    reasons.add(header == null ? null : new String(header.value(), StandardCharsets.UTF_8));
                }
            }
        }
        return reasons;
    }

    /** Committed offsets of the application and end offsets, for a timed-out wait's message. */
    public String offsets() {
        try (Admin admin = Admin.create(client)) {
            return "committed " + admin.listConsumerGroupOffsets(AppInstance.APPLICATION_ID).partitionsToOffsetAndMetadata()
                    .get(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            return "offsets unavailable: " + e;
        }
    }

    private static String utf8(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }
}
