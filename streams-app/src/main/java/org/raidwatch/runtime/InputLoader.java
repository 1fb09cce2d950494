package org.raidwatch.runtime;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.raidwatch.files.InputFiles;
import org.raidwatch.schema.FoiUpdate;
import org.raidwatch.schema.RaidReport;
import org.raidwatch.topology.Topics;

/**
 * Produces raid reports and FOI updates to the input topics, keyed by raid id, in order. Rows read
 * from files carry where they came from in the headers {@code raidwatch.source.file} and
 * {@code raidwatch.source.line}, which dead letters keep.
 */
public final class InputLoader implements AutoCloseable {

    public static final String HEADER_SOURCE_FILE = "raidwatch.source.file";
    public static final String HEADER_SOURCE_LINE = "raidwatch.source.line";

    private final Topics topics;
    private final KafkaProducer<String, byte[]> producer;

    public InputLoader(Map<String, Object> clientProperties, Topics topics) {
        this.topics = topics;
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    public Future<RecordMetadata> send(RaidReport report) {
        return send(report, null, 0);
    }

    public Future<RecordMetadata> send(FoiUpdate update) {
        return send(update, null, 0);
    }

    public Future<RecordMetadata> send(RaidReport report, String file, long line) {
        String topic = topics.raidReports().name();
        return producer.send(new ProducerRecord<>(topic, null, report.getRaidId(),
                topics.raidReports().valueSerde().serializer().serialize(topic, report), source(file, line)));
    }

    public Future<RecordMetadata> send(FoiUpdate update, String file, long line) {
        String topic = topics.foiUpdates().name();
        return producer.send(new ProducerRecord<>(topic, null, update.getRaidId(),
                topics.foiUpdates().valueSerde().serializer().serialize(topic, update), source(file, line)));
    }

    /** Sends every accepted row of two files, raid reports first; returns how many records were sent. */
    public int sendAll(String raidsFile, InputFiles.Contents<RaidReport> raids, String foiFile, InputFiles.Contents<FoiUpdate> fois) {
        int sent = 0;
        if (raids != null) {
            for (InputFiles.Row<RaidReport> row : raids.accepted()) {
                send(row.record(), raidsFile, row.line());
                sent++;
            }
        }
        if (fois != null) {
            for (InputFiles.Row<FoiUpdate> row : fois.accepted()) {
                send(row.record(), foiFile, row.line());
                sent++;
            }
        }
        producer.flush();
        return sent;
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
