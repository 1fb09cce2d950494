package org.raidwatch.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.raidwatch.local.EmbeddedKafka;

/**
 * {@code run} exits non-zero whatever thread could not start: a global store that cannot be opened
 * fails the global thread inside Kafka Streams' start, which once left {@code run} exiting 0 through
 * its shutdown hook, so a supervisor with an on-failure policy left it down.
 */
class UnstartableRunIT {

    @TempDir
    Path dir;

    @Test
    void a_run_whose_global_store_cannot_be_opened_exits_with_status_1() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), false)) {
            // Given a state folder whose copy of the flags cannot be opened (a file where RocksDB wants its folder), marked
            // as closed cleanly so raidwatch keeps it: Kafka Streams' global thread fails to open it and fails the start
            Path application = Files.createDirectories(dir.resolve("state/raidwatch-unstartable-it"));
            Files.createDirectories(application.resolve("global/rocksdb"));
            Files.writeString(application.resolve("global/rocksdb/flags"), "not a RocksDB folder");
            Files.writeString(application.resolve("global.closed-cleanly"), "");
            Path config = dir.resolve("raidwatch.properties");
            Files.writeString(config, String.join("\n", "bootstrap.servers=" + kafka.bootstrapServers(),
                    "schema.registry.url=mock://unstartable-it", "application.id=raidwatch-unstartable-it",
                    "state.dir=" + dir.resolve("state"), "raidwatch.http.port=0", "raidwatch.topic.partitions=1",
                    "raidwatch.topic.replication=1", ""));

            // When raidwatch runs
            RaidwatchProcess.Finished run = RaidwatchProcess.run(dir, "run", Duration.ofMinutes(2), "run", "--config", config.toString());

            // Then it says the stream could not start and exits 1, as for any failed stream
            assertThat(run.status()).as(run.output()).isEqualTo(1);
            assertThat(run.output()).contains("raidwatch: the stream could not start").doesNotContain("raidwatch running");
        }
    }
}
