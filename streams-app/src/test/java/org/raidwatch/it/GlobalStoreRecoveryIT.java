package org.raidwatch.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.raidwatch.demo.DemoDataset;
import org.raidwatch.local.EmbeddedKafka;
import org.raidwatch.rules.RuleSet;

/**
 * The flags copy every instance keeps (a global store) survives a crash: an instance whose copy
 * has taken in thousands of flag changes, so that Kafka Streams has flushed it to disk while open,
 * is killed with SIGKILL and started again on the same state folder. It must reach RUNNING and list
 * every open flag again. (Under exactly-once Kafka Streams 4.4 refuses to open a RocksDB store left
 * open, and its global thread, unlike the stream threads, cannot recover from that by itself.)
 */
class GlobalStoreRecoveryIT {

    @TempDir
    Path dir;

    @Test
    void an_instance_killed_after_its_flags_copy_was_flushed_comes_back_with_every_flag() throws Exception {
        // 30,000 raids make about 52,000 flag changes, some 25 MB, enough for RocksDB to flush the store and its "open"
        // mark to disk (past its 16 MB write buffer, it seems); with 8,000 raids the crash went unnoticed
        List<DemoDataset.Event> events = DemoDataset.generate(99, 30_000);
        Expected expected = Expected.of(events, RuleSet.loadShipped(), TwoInstancesIT.today());
        try (ApicurioRegistry registry = ApicurioRegistry.start(dir.resolve("apicurio.log"));
             EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), false)) {
            Cluster cluster = new Cluster(kafka, registry.confluentUrl(), 2);
            Path config = TwoInstancesIT.config(dir, 1, kafka, registry.confluentUrl(), "raidwatch-global-store-it");
            // Given an instance that has flagged every case of 30,000 raids
            RaidwatchProcess first = RaidwatchProcess.start(dir, "first", "run", "--config", config.toString());
            try {
                first.awaitRunning(Duration.ofMinutes(2));
                cluster.send(events);
                Http http = new Http(TwoInstancesIT.httpPort(config));
                awaitEveryOpenFlagListed(http, expected, first);
                // When it is killed
                first.kill();
            } finally {
                first.close();
            }
            // and started again on the state it left
            long afterCrash;
            try (RaidwatchProcess restarted = RaidwatchProcess.start(dir, "restarted", "run", "--config", config.toString())) {
                // Then it runs, and its copy lists every open flag again
                long started = System.nanoTime();
                restarted.awaitRunning(Duration.ofMinutes(2));
                afterCrash = (System.nanoTime() - started) / 1_000_000;
                assertThat(restarted.output()).contains("rebuilding this instance's copy of the flags from flagged-cases");
                awaitEveryOpenFlagListed(new Http(TwoInstancesIT.httpPort(config)), expected, restarted);
                assertThat(restarted.stop()).as(restarted.tail()).isZero();
            }
            // And after a clean stop, the next start keeps its copy
            try (RaidwatchProcess again = RaidwatchProcess.start(dir, "started-after-clean-stop", "run", "--config", config.toString())) {
                long started = System.nanoTime();
                again.awaitRunning(Duration.ofMinutes(2));
                long afterCleanStop = (System.nanoTime() - started) / 1_000_000;
                assertThat(again.output()).doesNotContain("rebuilding this instance's copy of the flags");
                awaitEveryOpenFlagListed(new Http(TwoInstancesIT.httpPort(config)), expected, again);
                assertThat(again.stop()).as(again.tail()).isZero();
                System.out.printf("global store recovery: %d inputs, %d open flags; from start to RUNNING after the crash (flags"
                        + " copy rebuilt from flagged-cases, task stores restored) %d ms, after a clean stop (copy kept) %d ms%n",
                        events.size(), expected.holdingFlagCount(), afterCrash, afterCleanStop);
            }
        }
    }

    private static void awaitEveryOpenFlagListed(Http http, Expected expected, RaidwatchProcess instance) throws InterruptedException {
        Await.until(Duration.ofMinutes(2), expected.holdingFlagCount() + " open flags listed by the instance",
                () -> http.get("/api/flags?status=open&limit=1").body().contains("\"total\":" + expected.holdingFlagCount() + ","),
                () -> http.get("/api/flags?status=open&limit=1").body() + "; " + instance.tail());
    }
}
