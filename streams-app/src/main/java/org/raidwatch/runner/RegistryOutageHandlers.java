package org.raidwatch.runner;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.raidwatch.serde.SchemaRegistryUnavailableException;
import org.raidwatch.topology.CaseTopology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What Kafka Streams does with an exception the topology did not handle itself. The topology
 * dead-letters bad input on its own, so what reaches these handlers is either a schema registry
 * outage (the record is fine, the registry is not: the task fails and {@link StreamsRunner}
 * replaces the stream thread, which retries from the last commit) or something unexpected. An
 * unexpected error before a record reaches its case changes no state, so that record goes to the
 * dead-letter queue and the stream goes on; anywhere later (the case, flags, rates, a sink) going on
 * would leave outputs out of step with the stored cases, so the task fails instead.
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
            if (CaseTopology.isBeforeCases(context.processorNodeId())) {
                return super.handleError(context, record, error);
            }
            LOG.error("Unexpected error in {} while processing {}-{} offset {}; the task fails so that no output gets out of step"
                    + " with the stored cases", context.processorNodeId(), context.topic(), context.partition(), context.offset(), error);
            return ProcessingExceptionHandler.Response.fail();
        }
    }

    /**
     * For errors while decoding a record of an internal topic (inputs are read as bytes and never
     * fail here): raidwatch wrote it, so an error is never the record's fault, and dropping it would
     * lose a rate change. The task fails.
     */
    public static final class Deserialization implements DeserializationExceptionHandler {
        @Override
        public DeserializationExceptionHandler.Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record,
                                                                    Exception error) {
            if (SchemaRegistryUnavailableException.isCauseOf(error)) {
                LOG.warn("The schema registry is unavailable while decoding {}-{} offset {}: {}; the task fails and is retried",
                        context.topic(), context.partition(), context.offset(), error.getMessage());
            } else {
                LOG.error("Cannot decode {}-{} offset {}, written by raidwatch itself; the task fails", context.topic(),
                        context.partition(), context.offset(), error);
            }
            return DeserializationExceptionHandler.Response.fail();
        }

        @Override
        public void configure(java.util.Map<String, ?> configs) {
        }
    }
}
