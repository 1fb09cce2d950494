/**
 * The in-process stack: a Kafka broker inside the JVM ({@code EmbeddedKafka}), temporary folders, waiting until
 * processing has caught up, watching the outputs, and the replay of files through the production topology
 * ({@code Replay}, {@code FlagDiff}). Used by {@code demo}, {@code replay}, {@code rules diff}, the benchmarks and the tests.
 */
package org.raidwatch.local;
