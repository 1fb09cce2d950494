package org.raidwatch.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.raidwatch.demo.DemoDataset;
import org.raidwatch.local.EmbeddedKafka;
import org.raidwatch.rules.RuleSet;

/**
 * Exactly-once under crashes: raidwatch runs in a process of its own, which is killed with SIGKILL
 * mid-stream (no clean shutdown) and started again, twice. Read as a read_committed consumer would,
 * every flag's history is a clean life cycle (no duplicate RAISED, no repeated record) and the final
 * flags and rates are those recomputed from the inputs.
 */
class CrashRecoveryIT {

    @TempDir
    Path dir;

    @Test
    void killed_twice_mid_stream_it_ends_with_every_result_exactly_once() throws Exception {
        RuleSet rules = RuleSet.loadShipped();
        List<DemoDataset.Event> events = DemoDataset.generate(41, 2_000);
        Expected expected = Expected.of(events, rules, AppInstance.AS_OF);
        try (ApicurioRegistry registry = ApicurioRegistry.start(dir.resolve("apicurio.log"));
             EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), false)) {
            Cluster cluster = new Cluster(kafka, registry.confluentUrl(), 4);
            // The inputs keep arriving, in small batches over about 40 s, whether or not an instance is up
            // (long enough to outlast two kills and restarts, each waiting out the dead member's session).
            Thread feeder = new Thread(() -> {
                for (int from = 0; from < events.size(); from += 20) {
                    cluster.send(events.subList(from, Math.min(events.size(), from + 20)));
                    try {
                        Thread.sleep(150);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "feeder");
            Process instance = startInstance(kafka, registry, 0);
            feeder.start();
            int crashes = 0;
            for (int run = 1; run <= 2; run++) {
                int flagsBefore = cluster.allFlagRecords().size();
                int previous = run - 1;
                Await.until(Duration.ofMinutes(2), "instance " + previous + " to be busy", () -> cluster.allFlagRecords().size() > flagsBefore + 100,
                        () -> cluster.offsets() + "; " + log(previous));
                assertThat(feeder.isAlive()).as("inputs still arriving when instance %d is killed", previous).isTrue();
                instance.destroyForcibly(); // SIGKILL: no commit, no close, an open transaction left behind
                assertThat(instance.waitFor(30, TimeUnit.SECONDS)).isTrue();
                crashes++;
                instance = startInstance(kafka, registry, run);
            }
            feeder.join(TimeUnit.MINUTES.toMillis(3));
            Process last = instance;
            try {
                Await.until(Duration.ofMinutes(4), "the results of all " + events.size() + " inputs after the crashes",
                        () -> expected.matches(cluster.latestFlags(), cluster.latestRates()),
                        () -> expected.mismatches(cluster.latestFlags(), cluster.latestRates()) + "; " + cluster.offsets()
                                + "; instance alive " + last.isAlive() + "; " + log(2));
            } finally {
                last.destroy();
                last.waitFor(30, TimeUnit.SECONDS);
            }
            int records = Expected.assertValidLifeCycles(cluster.allFlagRecords());
            System.out.printf("crash recovery: %d inputs, %d crashes (SIGKILL) while inputs were arriving, %d flag records read_committed,"
                    + " 0 duplicates, %d flags holding%n", events.size(), crashes, records, expected.holdingFlagCount());
        }
    }

    private Process startInstance(EmbeddedKafka kafka, ApicurioRegistry registry, int run) throws Exception {
        Path log = dir.resolve("instance-" + run + ".log");
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"), AppInstance.class.getName(),
                kafka.bootstrapServers(), registry.confluentUrl(), dir.resolve("state").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Await.until(Duration.ofMinutes(2), "instance " + run + " to run", () -> Files.readString(log).contains("instance running")
                || !process.isAlive(), () -> log(run));
        assertThat(process.isAlive()).as("instance %d alive; it printed:%n%s", run, log(run)).isTrue();
        return process;
    }

    private String log(int run) {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("instance-" + run + ".log"));
            return "instance " + run + " log tail: " + String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }
}
