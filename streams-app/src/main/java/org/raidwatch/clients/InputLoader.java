package org.raidwatch.clients;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.raidwatch.deployment.TopicSetup;
import org.raidwatch.files.InputFiles;
import org.raidwatch.schema.FoiUpdate;
import org.raidwatch.schema.RaidReport;
import org.raidwatch.topology.Topics;

/**
 * Produces raid reports and FOI updates to the input topics, keyed by raid id, in order. Rows read
 * from files carry where they came from in the headers {@code raidwatch.source.file} and
 * {@code raidwatch.source.line}, which dead letters keep.
 * <p>
 * A record counts as sent only once Kafka has acknowledged it (acks=all). A record Kafka does not
 * acknowledge within {@link #DELIVERY_TIMEOUT_MS} fails instead of being retried for ever.
 * Before loading, wait for the input topics' leaders ({@link TopicSetup#awaitLeaders}).
 */
public final class InputLoader implements AutoCloseable {

    public static final String HEADER_SOURCE_FILE = "raidwatch.source.file";
    public static final String HEADER_SOURCE_LINE = "raidwatch.source.line";
    /** How long a record may wait for Kafka's acknowledgement, retries included, before it fails (unless the settings say otherwise). */
    public static final int DELIVERY_TIMEOUT_MS = 120_000;

    private final Topics topics;
    private final KafkaProducer<String, byte[]> producer;

    public InputLoader(Map<String, Object> clientProperties, Topics topics) {
        this.topics = topics;
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        // With one request in flight (below), each round trip must carry much: 16 KiB batches made
        // loading a million rows into the in-process broker take 11-13 s.
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        // One request in flight: a batch is never written ahead of an earlier batch of the same partition
        // that the broker refused for a moment (NOT_LEADER_OR_FOLLOWER while a leader is being elected).
        // With more in flight, a broker that has no state yet for this producer on a partition accepts the
        // later batch, and the earlier one then fails OUT_OF_ORDER_SEQUENCE_NUMBER until its delivery
        // timeout: its records are lost (KAFKA-15591; Kafka 4.5 fixes it only for never-written partitions).
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        props.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, DELIVERY_TIMEOUT_MS);
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    /** A record Kafka did not acknowledge: the file and line (1-based, the header is line 1) it came from, and why. */
    public record Failure(String file, long line, String reason) {
        @Override
        public String toString() {
            return file + ":" + line + ": " + reason;
        }
    }

    /** What a load achieved: how many records Kafka acknowledged, and every record it did not, in file and line order. */
    public record Result(int acknowledged, List<Failure> failures) {

        public Result {
            failures = List.copyOf(failures);
        }

        public int attempted() {
            return acknowledged + failures.size();
        }

        public boolean allDelivered() {
            return failures.isEmpty();
        }

        /** @throws UndeliveredRecordsException when some record was not acknowledged */
        public Result requireAllDelivered() {
            if (!allDelivered()) {
                throw new UndeliveredRecordsException(this);
            }
            return this;
        }
    }

    /** Some records of a load were not acknowledged by Kafka; {@link #failures()} lists them. */
    public static final class UndeliveredRecordsException extends RuntimeException {
        private final transient Result result;

        public UndeliveredRecordsException(Result result) {
            super(result.failures().size() + " of " + result.attempted() + " records could not be delivered to Kafka");
            this.result = result;
        }

        public List<Failure> failures() {
            return result.failures();
        }

        public int acknowledged() {
            return result.acknowledged();
        }
    }

    public Future<RecordMetadata> send(RaidReport report) {
        return send(report, null, 0);
    }

    public Future<RecordMetadata> send(FoiUpdate update) {
        return send(update, null, 0);
    }

    public Future<RecordMetadata> send(RaidReport report, String file, long line) {
        return producer.send(record(report, file, line));
    }

    public Future<RecordMetadata> send(FoiUpdate update, String file, long line) {
        return producer.send(record(update, file, line));
    }

    private ProducerRecord<String, byte[]> record(RaidReport report, String file, long line) {
        String topic = topics.raidReports().name();
        return new ProducerRecord<>(topic, null, report.getRaidId(),
                topics.raidReports().valueSerde().serializer().serialize(topic, report), source(file, line));
    }

    private ProducerRecord<String, byte[]> record(FoiUpdate update, String file, long line) {
        String topic = topics.foiUpdates().name();
        return new ProducerRecord<>(topic, null, update.getRaidId(),
                topics.foiUpdates().valueSerde().serializer().serialize(topic, update), source(file, line));
    }

    /**
     * Sends every accepted row of two files, raid reports first, and waits until Kafka has acknowledged
     * or refused each (at most about {@link #DELIVERY_TIMEOUT_MS} after the last send).
     */
    public Result sendAll(String raidsFile, InputFiles.Contents<RaidReport> raids, String foiFile, InputFiles.Contents<FoiUpdate> fois) {
        return sendAll(sending(), raidsFile, raids, foiFile, fois);
    }

    /** As {@link #sendAll(String, InputFiles.Contents, String, InputFiles.Contents)}, through a sending the caller can watch. */
    public Result sendAll(Sending sending, String raidsFile, InputFiles.Contents<RaidReport> raids, String foiFile,
                          InputFiles.Contents<FoiUpdate> fois) {
        if (raids != null) {
            raids.accepted().forEach(row -> sending.send(row.record(), raidsFile, row.line()));
        }
        if (fois != null) {
            fois.accepted().forEach(row -> sending.send(row.record(), foiFile, row.line()));
        }
        return sending.finish();
    }

    /** Starts sending rows one by one as they are read (a file too large to hold), each outcome kept for {@link Sending#finish()}. */
    public Sending sending() {
        return new Sending();
    }

    /** Rows being sent: each acknowledged or refused by Kafka, which {@link #finish()} waits for and reports. */
    public final class Sending {
        private final AtomicInteger acknowledged = new AtomicInteger();
        private final List<Failure> failures = Collections.synchronizedList(new ArrayList<>());

        private Sending() {
        }

        public void send(RaidReport report, String file, long line) {
            InputLoader.this.send(record(report, file, line), file, line, acknowledged, failures);
        }

        public void send(FoiUpdate update, String file, long line) {
            InputLoader.this.send(record(update, file, line), file, line, acknowledged, failures);
        }

        /** Records Kafka has acknowledged so far, or refused: for a progress line while the rows go out. */
        public long settled() {
            return acknowledged.get() + failures.size();
        }

        /** Waits until every record sent is acknowledged or has failed: how many were acknowledged, and the failures in file and line order. */
        public Result finish() {
            // Returns once every record is acknowledged or has failed; callbacks run before that.
            producer.flush();
            List<Failure> sorted;
            synchronized (failures) {
                sorted = new ArrayList<>(failures);
            }
            sorted.sort(Comparator.comparing(Failure::file, Comparator.nullsFirst(Comparator.naturalOrder())).thenComparingLong(Failure::line));
            return new Result(acknowledged.get(), sorted);
        }
    }

    /** Sends one record; its outcome lands in {@code acknowledged} or {@code failures} (from the producer's thread). */
    private void send(ProducerRecord<String, byte[]> record, String file, long line, AtomicInteger acknowledged, List<Failure> failures) {
        Callback outcome = (metadata, error) -> {
            if (error == null) {
                acknowledged.incrementAndGet();
            } else {
                failures.add(new Failure(file, line, "not delivered to " + record.topic() + ": " + describe(error)));
            }
        };
        try {
            producer.send(record, outcome);
        } catch (InterruptException e) {
            throw e;
        } catch (KafkaException e) {
            // The producer refused the record outright (e.g. it has failed for good); it never calls back then.
            outcome.onCompletion(null, e);
        }
    }

    private static String describe(Exception error) {
        String message = error.getMessage();
        return error.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
    }

    public void flush() {
        producer.flush();
    }

    private static RecordHeaders source(String file, long line) {
        RecordHeaders headers = new RecordHeaders();
        if (file != null) {
            headers.add(HEADER_SOURCE_FILE, file.getBytes(StandardCharsets.UTF_8));
            headers.add(HEADER_SOURCE_LINE, String.valueOf(line).getBytes(StandardCharsets.UTF_8));
        }
        return headers;
    }

    @Override
    public void close() {
        producer.close();
    }
}
