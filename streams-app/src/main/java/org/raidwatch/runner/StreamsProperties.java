package org.raidwatch.runner;

import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * raidwatch's Kafka Streams settings, in one place: exactly-once, every internal resource named,
 * and Kafka Streams' dead-letter queue for records that fail unexpectedly (input records are read
 * as bytes and dead-lettered by the topology itself), except during a schema registry outage.
 */
public final class StreamsProperties {

    private StreamsProperties() {
    }

    public static Properties defaults(String applicationId, String bootstrapServers, String deadLetterTopic) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        props.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, deadLetterTopic);
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, RegistryOutageHandlers.Deserialization.class);
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, RegistryOutageHandlers.Processing.class);
        // Kafka 4.x warns at every start until this is on; it becomes the default (and the key goes) in 5.0.
        props.put("processing.exception.handler.global.enabled", true);
        props.put(StreamsConfig.producerPrefix(ProducerConfig.ACKS_CONFIG), "all");
        return props;
    }
}
