package org.raidwatch.topology;

/**
 * An input record as its producer wrote it (key and value bytes; headers travel on the Kafka record)
 * and where raidwatch first read it, so a dead letter can carry it unchanged and say where it came
 * from, even after it was relocated to another partition.
 */
record RawInput(byte[] key, byte[] value, String topic, int partition, long offset) {
}
