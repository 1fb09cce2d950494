package org.raidwatch.topology;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Turns a dead letter into the record written to the dead-letter topic: the input's key and value
 * bytes as they arrived, its own headers, plus Kafka Streams' error header names (so tools that read
 * Kafka Streams' dead-letter queue read these too) and the failing rule when a rule failed.
 */
final class DeadLetterRecords implements Processor<String, DeadLetter, byte[], byte[]> {

    static final String HEADER_EXCEPTION = "__streams.errors.exception";
    static final String HEADER_MESSAGE = "__streams.errors.message";
    static final String HEADER_TOPIC = "__streams.errors.topic";
    static final String HEADER_PARTITION = "__streams.errors.partition";
    static final String HEADER_OFFSET = "__streams.errors.offset";
    /** Header naming the rule that failed, on dead letters from rule failures. */
    static final String HEADER_RULE_ID = "raidwatch.rule.id";

    private final ProcessingObserver observer;
    private ProcessorContext<byte[], byte[]> context;

    DeadLetterRecords(ProcessingObserver observer) {
        this.observer = observer;
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, DeadLetter> record) {
        DeadLetter deadLetter = record.value();
        RawInput raw = deadLetter.raw();
        Headers headers = new RecordHeaders(record.headers().toArray());
        InputPlacement.removeOriginHeaders(headers);
        headers.add(HEADER_EXCEPTION, utf8(deadLetter.exception()));
        headers.add(HEADER_MESSAGE, utf8(deadLetter.message()));
        headers.add(HEADER_TOPIC, utf8(raw.topic()));
        headers.add(HEADER_PARTITION, utf8(String.valueOf(raw.partition())));
        headers.add(HEADER_OFFSET, utf8(String.valueOf(raw.offset())));
        if (deadLetter.ruleId() != null) {
            headers.add(HEADER_RULE_ID, utf8(deadLetter.ruleId()));
        }
        context.forward(new Record<>(raw.key(), raw.value(), record.timestamp(), headers));
        observer.deadLetter(deadLetter.reason());
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
