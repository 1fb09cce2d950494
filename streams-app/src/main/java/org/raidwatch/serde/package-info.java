/**
 * The Confluent wire-format Avro serde and the schema registry clients (REST, and {@code mock://} in memory) with their
 * settings (addresses, credentials, TLS). The bottom layer with the contract.
 */
package org.raidwatch.serde;
