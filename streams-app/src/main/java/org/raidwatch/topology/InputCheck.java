package org.raidwatch.topology;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.BiFunction;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.raidwatch.contract.InputContract;
import org.raidwatch.schema.FoiUpdate;
import org.raidwatch.schema.RaidReport;

/**
 * The first step of every input: the record must have a value, decode as the topic's Avro type
 * (Confluent wire format), keep the input contract, and be keyed by its raid id. What
 * passes is a {@link CaseInput} keyed by raid id; anything else is a {@link DeadLetter} carrying the
 * record exactly as it arrived. A schema registry outage is not the record's fault and is not
 * caught here: it fails the task, which Kafka Streams retries.
 */
final class InputCheck<T> implements Processor<byte[], byte[], String, CheckedInput> {

    private final String input;
    private final String topic;
    private final Deserializer<T> decoder;
    private final BiFunction<T, RawInput, Accepted> contract;
    private final ProcessingObserver observer;
    private ProcessorContext<String, CheckedInput> context;

    /** The contract's verdict on a decoded record: the case input, or why it is rejected. */
    private record Accepted(CaseInput input, String rejection) {
    }

    private InputCheck(String input, String topic, Deserializer<T> decoder, BiFunction<T, RawInput, Accepted> contract,
                       ProcessingObserver observer) {
        this.input = input;
        this.observer = observer;
        this.topic = topic;
        this.decoder = decoder;
        this.contract = contract;
    }

    static InputCheck<RaidReport> ofRaidReports(Topics topics, ProcessingObserver observer) {
        return new InputCheck<>("raid-reports", topics.raidReports().name(), topics.raidReports().valueSerde().deserializer(), (report, raw) -> {
            InputContract.Checked<RaidReport> checked = InputContract.check(report);
            return checked.isAccepted() ? new Accepted(CaseInput.of(checked.record(), raw), null) : new Accepted(null, checked.rejection());
        }, observer);
    }

    static InputCheck<FoiUpdate> ofFoiUpdates(Topics topics, ProcessingObserver observer) {
        return new InputCheck<>("foi-updates", topics.foiUpdates().name(), topics.foiUpdates().valueSerde().deserializer(), (update, raw) -> {
            InputContract.Checked<FoiUpdate> checked = InputContract.check(update);
            return checked.isAccepted() ? new Accepted(CaseInput.of(checked.record(), raw), null) : new Accepted(null, checked.rejection());
        }, observer);
    }

    @Override
    public void init(ProcessorContext<String, CheckedInput> context) {
        this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        observer.inputRead(input);
        RawInput raw = InputPlacement.rawInput(topic, record.key(), record.value(), record.headers(), context.recordMetadata());
        if (raw.value() == null) {
            reject(record, raw, new InvalidInputException(
                    "the record has no value (a tombstone); raid reports and FOI updates are never deleted"));
            return;
        }
        T decoded;
        try {
            decoded = decoder.deserialize(topic, raw.value());
        } catch (SerializationException e) {
            reject(record, raw, e);
            return;
        }
        Accepted accepted = contract.apply(decoded, raw);
        if (accepted.rejection() != null) {
            reject(record, raw, new InvalidInputException(accepted.rejection()));
            return;
        }
        String raidId = accepted.input().raidId();
        if (raw.key() == null || raw.key().length == 0) {
            reject(record, raw, new InvalidInputException("the record has no key; key raid reports and FOI updates by their raid id"
                    + " as a UTF-8 string ('" + raidId + "')"));
            return;
        }
        if (!Arrays.equals(raw.key(), raidId.getBytes(StandardCharsets.UTF_8))) {
            reject(record, raw, new InvalidInputException("record key '" + new String(raw.key(), StandardCharsets.UTF_8)
                    + "' is not the raid id '" + raidId + "'"));
            return;
        }
        context.forward(record.withKey(raidId).withValue(accepted.input()));
    }

    private void reject(Record<byte[], byte[]> record, RawInput raw, Exception error) {
        context.forward(record.<String>withKey(null).<CheckedInput>withValue(DeadLetter.of(raw, error)));
    }

    /** An input record that breaks the data contract. */
    static final class InvalidInputException extends RuntimeException {
        InvalidInputException(String reason) {
            super(reason);
        }
    }
}
