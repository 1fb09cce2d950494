/**
 * Kafka clients the commands use around the stream: loading input files into the input topics ({@code InputLoader}),
 * reading a topic back ({@code TopicReader}). Uses the topology's topic catalogue, the files and the deployment's topic setup.
 */
package org.raidwatch.clients;
