package org.raidwatch.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.raidwatch.contract.London;
import org.raidwatch.demo.DemoDataset;
import org.raidwatch.local.EmbeddedKafka;
import org.raidwatch.rules.RuleSet;
import org.raidwatch.schema.CaseFlag;
import org.raidwatch.schema.FlagStatus;

/**
 * Two instances as production runs them: two {@code raidwatch run} processes of the shipped jar, one
 * application id, each with its own state folder, against a real broker and a real Apicurio
 * Registry with no subjects yet, started at the same moment. They are fed, a signed rule set is
 * published, and one is killed (SIGKILL) in the middle of the re-evaluation that set starts, then
 * started again. Both must end with the new set in force and every flag and rate exactly as the
 * inputs call for under it, with no duplicated or impossible flag change.
 *
 * <p>Runs once in {@code mvn verify}; {@code -Draidwatch.it.repeat=N} runs it N times (the
 * {@code soak} profile does, ten).
 */
class TwoInstancesIT {

    private static final Pattern PUBLISHED_VERSION = Pattern.compile("published rule set (\\w+) ");
    private static final String APPLICATION_ID = "raidwatch-two-instances-it";

    @TempDir
    Path dir;

    @TestFactory
    Stream<DynamicTest> two_instances_started_together_survive_a_kill_during_a_rule_set_reevaluation() {
        int repeat = Integer.getInteger("raidwatch.it.repeat", 1);
        // Dynamic tests are outside the default timeout of the test methods: each run has its own limit.
        return IntStream.rangeClosed(1, repeat).mapToObj(run -> DynamicTest.dynamicTest("run " + run + " of " + repeat,
                () -> assertTimeoutPreemptively(Duration.ofMinutes(10),
                        () -> twoInstances(Files.createDirectories(dir.resolve("run-" + run)), run))));
    }

    private void twoInstances(Path dir, int run) throws Exception {
        // Given the analysts' key, a broker, a registry with no subjects, and inputs for 6,000 raids
        assertThat(RaidwatchProcess.run(dir, "keygen", Duration.ofSeconds(60), "rules", "keygen", "--out", dir.resolve("keys").toString(),
                "--name", "analysts").status()).isZero();
        List<DemoDataset.Event> events = DemoDataset.generate(7_000 + run, 6_000);
        try (ApicurioRegistry registry = ApicurioRegistry.start(dir.resolve("apicurio.log"));
             EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), false)) {
            Cluster cluster = new Cluster(kafka, registry.confluentUrl(), 4);
            Path[] configs = {config(dir, 1, kafka, registry.confluentUrl(), APPLICATION_ID), config(dir, 2, kafka, registry.confluentUrl(), APPLICATION_ID)};
            // half of them already waiting when the instances start
            cluster.send(events.subList(0, events.size() / 2));

            // When two instances start at the same moment
            RaidwatchProcess first = RaidwatchProcess.start(dir, "instance-1", "run", "--config", configs[0].toString());
            RaidwatchProcess second = RaidwatchProcess.start(dir, "instance-2", "run", "--config", configs[1].toString());
            try (FlagTail tail = new FlagTail(cluster)) {
                first.awaitRunning(Duration.ofMinutes(2));
                second.awaitRunning(Duration.ofMinutes(2));
                // and are fed the rest
                cluster.send(events.subList(events.size() / 2, events.size()));
                Expected underShipped = Expected.of(events, RuleSet.loadShipped(), today());
                Await.until(Duration.ofMinutes(3), "the results of all " + events.size() + " inputs under the shipped rules",
                        () -> underShipped.matches(cluster.latestFlags(), cluster.latestRates()),
                        () -> underShipped.mismatches(cluster.latestFlags(), cluster.latestRates()) + "\n" + first.tail() + "\n" + second.tail());

                // and the analysts publish the shipped rules less foi-withheld, plus a rule for Kent's claimed raids
                Path changed = RuleFolders.shippedWithout(dir.resolve("changed-rules"), "foi-withheld");
                RuleFolders.addRule(changed, "claimed-in-kent", "claimed, force == \"Kent Police\"", "$c.pressClaim() + \" in Kent\"");
                RaidwatchProcess.Finished published = RaidwatchProcess.run(dir, "publish", Duration.ofSeconds(90), "rules", "publish",
                        changed.toString(), "--key", dir.resolve("keys/analysts.key").toString(), "--config", configs[0].toString());
                assertThat(published.status()).as(published.output()).isZero();
                Matcher version = PUBLISHED_VERSION.matcher(published.output());
                assertThat(version.find()).as(published.output()).isTrue();
                String newVersion = version.group(1);

                // and the second instance is killed as soon as the re-evaluation under the new set is writing flags
                tail.awaitFirstOf(newVersion, Duration.ofSeconds(60));
                second.kill();
                int writtenAtKill = tail.recordsOf(newVersion);
                // and started again with the state it left
                RaidwatchProcess restarted = RaidwatchProcess.start(dir, "instance-2-restarted", "run", "--config", configs[1].toString());
                try {
                    restarted.awaitRunning(Duration.ofMinutes(2));
                    assertThat(restarted.output()).as("the restart says it rebuilds its copy of the flags")
                            .contains("rebuilding this instance's copy of the flags from flagged-cases");

                    // Then every flag and rate is what the inputs call for under the new set
                    Expected underNew = Expected.of(events, RuleSet.load(changed), today());
                    Await.until(Duration.ofMinutes(3), "the results of rule set " + newVersion + " on both instances",
                            () -> underNew.matches(cluster.latestFlags(), cluster.latestRates()),
                            () -> underNew.mismatches(cluster.latestFlags(), cluster.latestRates()) + "\n" + first.tail() + "\n"
                                    + restarted.tail());
                    // and both instances have the new set in force, and serve every open flag from their own copy
                    for (RaidwatchProcess instance : List.of(first, restarted)) {
                        Http http = new Http(httpPort(instance == first ? configs[0] : configs[1]));
                        Await.until(Duration.ofSeconds(60), "rule set " + newVersion + " in force and every open flag listed",
                                () -> http.get("/metrics").body().contains("raidwatch_rule_set_info{source=\"published")
                                        && http.get("/metrics").body().contains("version=\"" + newVersion + "\"")
                                        && http.get("/api/flags?status=open&limit=1").body().contains("\"total\":" + underNew.holdingFlagCount() + ","),
                                () -> http.get("/api/flags?status=open&limit=1").body() + "; " + instance.tail());
                        assertThat(instance.isAlive()).isTrue();
                    }
                    // and no flag change is duplicated or impossible, and the new rule's flags carry the new version
                    List<CaseFlag> records = cluster.allFlagRecords();
                    int checked = Expected.assertValidLifeCycles(records);
                    Map<String, CaseFlag> latest = cluster.latestFlags();
                    assertThat(latest.entrySet()).filteredOn(e -> e.getKey().endsWith("|claimed-in-kent")).isNotEmpty()
                            .allSatisfy(e -> assertThat(e.getValue().getRuleSetVersion()).isEqualTo(newVersion));
                    assertThat(latest.entrySet()).filteredOn(e -> e.getKey().endsWith("|foi-withheld")).isNotEmpty()
                            .allSatisfy(e -> assertThat(e.getValue().getStatus()).isEqualTo(FlagStatus.RESOLVED));
                    // And both stop cleanly
                    assertThat(first.stop()).as(first.tail()).isZero();
                    assertThat(restarted.stop()).as(restarted.tail()).isZero();
                    System.out.printf("two instances (run %d): %d inputs, killed with %d of the new set's flag records written,"
                            + " %d flag records read_committed, 0 duplicates, %d flags holding under %s%n", run, events.size(),
                            writtenAtKill, checked, underNew.holdingFlagCount(), newVersion);
                } finally {
                    restarted.close();
                }
            } finally {
                first.close();
                second.close();
            }
        }
    }

    static LocalDate today() {
        return London.today();
    }

    static int httpPort(Path config) throws java.io.IOException {
        return Integer.parseInt(Files.readAllLines(config).stream().filter(line -> line.startsWith("raidwatch.http.port="))
                .findFirst().orElseThrow().substring("raidwatch.http.port=".length()));
    }

    /** One instance's settings: its own state folder and HTTP port, the shared application id, trusting the analysts' key if made. */
    static Path config(Path dir, int instance, EmbeddedKafka kafka, String registryUrl, String applicationId)
            throws java.io.IOException {
        Path config = dir.resolve("instance-" + instance + ".properties");
        Files.writeString(config, String.join("\n",
                "bootstrap.servers=" + kafka.bootstrapServers(),
                "schema.registry.url=" + registryUrl,
                "application.id=" + applicationId,
                "state.dir=" + dir.resolve("state-" + instance),
                "raidwatch.http.port=" + Http.freePort(),
                "raidwatch.topic.partitions=4",
                "raidwatch.topic.replication=1",
                Files.exists(dir.resolve("keys/analysts.pub")) ? "raidwatch.rules.trusted.keys=" + dir.resolve("keys/analysts.pub") : "",
                // a killed instance's partitions move after 10 s rather than the default 45 s
                "consumer.session.timeout.ms=10000",
                "consumer.heartbeat.interval.ms=1000",
                ""));
        return config;
    }
}
