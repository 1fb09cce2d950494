package org.raidwatch.runtime;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.raidwatch.serde.SchemaRegistryUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka Streams' log-and-continue handlers, which send a record that cannot be processed to the
 * dead-letter queue and go on, except for a schema registry outage: then the record is fine and the
 * registry is not, so the task fails instead, and {@link StreamsRunner} replaces the stream thread,
 * which retries from the last commit. A good record never becomes a dead letter because the
 * registry was down.
 */
public final class RegistryOutageHandlers {

    private static final Logger LOG = LoggerFactory.getLogger(RegistryOutageHandlers.class);

    private RegistryOutageHandlers() {
    }

    /** For errors while processing a record. */
    public static final class Processing extends LogAndContinueProcessingExceptionHandler {
        @Override
        public ProcessingExceptionHandler.Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception error) {
            if (SchemaRegistryUnavailableException.isCauseOf(error)) {
                LOG.warn("The schema registry is unavailable while processing {}-{} offset {}: {}; the task fails and is retried",
                        context.topic(), context.partition(), context.offset(), error.getMessage());
                return ProcessingExceptionHandler.Response.fail();
            }
            return super.handleError(context, record, error);
        }
    }

    /** For errors while decoding a record of an internal topic. */
    public static final class Deserialization extends LogAndContinueExceptionHandler {
        @Override
        public DeserializationExceptionHandler.Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record,
                                                                    Exception error) {
            if (SchemaRegistryUnavailableException.isCauseOf(error)) {
                LOG.warn("The schema registry is unavailable while decoding {}-{} offset {}: {}; the task fails and is retried",
                        context.topic(), context.partition(), context.offset(), error.getMessage());
                return DeserializationExceptionHandler.Response.fail();
            }
            return super.handleError(context, record, error);
        }
    }
}
