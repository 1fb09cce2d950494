package org.raidwatch.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.raidwatch.demo.DemoDataset;
import org.raidwatch.local.EmbeddedKafka;
import org.raidwatch.rules.RuleSet;

/**
 * A soak of crashes: of two {@code raidwatch run} processes of the shipped jar (one application id,
 * real broker, real Apicurio), one is killed with SIGKILL 24 times in a row at random points (right
 * after it reports running, while inputs load, while a newly published rule set re-evaluates every
 * case, while the flags topic is busy) and started again each time. Every restart must reach
 * RUNNING; at the end every flag and rate is what the inputs call for under the last published set,
 * and no flag change is duplicated or impossible.
 *
 * <p>In the {@code soak} profile only: {@code mvn -B -Psoak -pl streams-app -am verify}.
 */
@Tag("soak")
@Timeout(value = 60, unit = TimeUnit.MINUTES)
class CrashLoopIT {

    private static final Pattern PUBLISHED_VERSION = Pattern.compile("published rule set (\\w+) ");
    private static final int KILLS = 24;

    @TempDir
    Path dir;

    @Test
    void an_instance_killed_24_times_at_random_points_comes_back_every_time_and_nothing_is_lost_or_doubled() throws Exception {
        long seed = Long.getLong("raidwatch.it.seed", System.nanoTime());
        Random random = new Random(seed);
        System.out.println("crash loop: seed " + seed + " (-Draidwatch.it.seed to repeat the same kill points)");
        assertThat(RaidwatchProcess.run(dir, "keygen", Duration.ofSeconds(60), "rules", "keygen", "--out", dir.resolve("keys").toString(),
                "--name", "analysts").status()).isZero();
        // Two rule sets to publish in turn: the shipped one, and one without foi-withheld but with a rule for Kent
        Path shipped = RuleFolders.shippedWithout(dir.resolve("shipped-rules"));
        Path changed = RuleFolders.shippedWithout(dir.resolve("changed-rules"), "foi-withheld");
        RuleFolders.addRule(changed, "claimed-in-kent", "claimed, force == \"Kent Police\"", "$c.pressClaim() + \" in Kent\"");
        List<DemoDataset.Event> events = DemoDataset.generate(2_026, 8_000);
        try (ApicurioRegistry registry = ApicurioRegistry.start(dir.resolve("apicurio.log"));
             EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), false)) {
            Cluster cluster = new Cluster(kafka, registry.confluentUrl(), 4);
            Path steadyConfig = TwoInstancesIT.config(dir, 1, kafka, registry.confluentUrl(), "raidwatch-crash-loop-it");
            Path crashingConfig = TwoInstancesIT.config(dir, 2, kafka, registry.confluentUrl(), "raidwatch-crash-loop-it");
            // The inputs arrive in small batches over most of the loop, whether or not the crashing instance is up
            AtomicReference<Throwable> feedFailure = new AtomicReference<>();
            Thread feeder = new Thread(() -> {
                try {
                    for (int from = 0; from < events.size(); from += 60) {
                        cluster.send(events.subList(from, Math.min(events.size(), from + 60)));
                        Thread.sleep(600);
                    }
                } catch (Throwable e) {
                    feedFailure.set(e);
                }
            }, "feeder");
            RaidwatchProcess steady = RaidwatchProcess.start(dir, "steady", "run", "--config", steadyConfig.toString());
            RaidwatchProcess crashing = RaidwatchProcess.start(dir, "crashing-0", "run", "--config", crashingConfig.toString());
            List<Long> restartMillis = new ArrayList<>();
            List<String> killPoints = new ArrayList<>();
            Path lastPublished = shipped;
            String lastVersion = null;
            try (FlagTail tail = new FlagTail(cluster)) {
                steady.awaitRunning(Duration.ofMinutes(2));
                crashing.awaitRunning(Duration.ofMinutes(2));
                feeder.start();
                for (int kill = 1; kill <= KILLS; kill++) {
                    // When it is killed at one of the awkward moments
                    switch (kill % 4) {
                        case 0 -> {
                            Thread.sleep(random.nextInt(500));
                            killPoints.add("right after start");
                        }
                        case 1 -> {
                            Thread.sleep(1_000 + random.nextInt(5_000));
                            killPoints.add(feeder.isAlive() ? "during the load" : "while idle");
                        }
                        case 2 -> {
                            lastPublished = lastPublished == shipped ? changed : shipped;
                            int before = tail.recordsOf(RuleSet.load(lastPublished).version());
                            RaidwatchProcess.Finished published = RaidwatchProcess.run(dir, "publish-" + kill, Duration.ofSeconds(90),
                                    "rules", "publish", lastPublished.toString(), "--key", dir.resolve("keys/analysts.key").toString(),
                                    "--config", steadyConfig.toString());
                            assertThat(published.status()).as(published.output()).isZero();
                            Matcher version = PUBLISHED_VERSION.matcher(published.output());
                            assertThat(version.find()).as(published.output()).isTrue();
                            lastVersion = version.group(1);
                            tail.awaitMoreOf(lastVersion, before, Duration.ofSeconds(60));
                            Thread.sleep(random.nextInt(300));
                            killPoints.add("during the re-evaluation under " + lastVersion + " (" + tail.recordsOf(lastVersion) + " records)");
                        }
                        default -> {
                            int before = tail.records();
                            Thread.sleep(random.nextInt(3_000));
                            killPoints.add("flags topic " + (tail.records() > before ? "busy" : "quiet"));
                        }
                    }
                    crashing.kill();
                    // Then it comes back: started again on the state it left, it reaches RUNNING
                    long started = System.nanoTime();
                    crashing = RaidwatchProcess.start(dir, "crashing-" + kill, "run", "--config", crashingConfig.toString());
                    crashing.awaitRunning(Duration.ofMinutes(2));
                    restartMillis.add((System.nanoTime() - started) / 1_000_000);
                    assertThat(steady.isAlive()).as("the steady instance alive after kill %d: %s", kill, steady.tail()).isTrue();
                }
                feeder.join(Duration.ofMinutes(3).toMillis());
                assertThat(feedFailure.get()).as("feeding the inputs").isNull();

                // and the end state is what the inputs call for under the last published set
                Expected expected = Expected.of(events, RuleSet.load(lastPublished), TwoInstancesIT.today());
                RaidwatchProcess last = crashing;
                Await.until(Duration.ofMinutes(4), "the results of all " + events.size() + " inputs under " + lastVersion + " after "
                                + KILLS + " kills", () -> expected.matches(cluster.latestFlags(), cluster.latestRates()),
                        () -> expected.mismatches(cluster.latestFlags(), cluster.latestRates()) + "\n" + steady.tail() + "\n" + last.tail());
                int records = Expected.assertValidLifeCycles(cluster.allFlagRecords());
                assertThat(steady.stop()).as(steady.tail()).isZero();
                assertThat(last.stop()).as(last.tail()).isZero();
                List<Long> sorted = restartMillis.stream().sorted().toList();
                System.out.printf("crash loop: %d inputs, %d kills (%s), every restart reached RUNNING (median %d ms, max %d ms),"
                        + " %d flag records read_committed, 0 duplicates, %d flags holding under %s%n", events.size(), KILLS, killPoints,
                        sorted.get(sorted.size() / 2), sorted.get(sorted.size() - 1), records, expected.holdingFlagCount(), lastVersion);
            } finally {
                feeder.interrupt();
                steady.close();
                crashing.close();
            }
        }
    }
}
