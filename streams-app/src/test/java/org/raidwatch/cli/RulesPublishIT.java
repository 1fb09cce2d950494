package org.raidwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.raidwatch.clients.TopicReader;
import org.raidwatch.it.Await;
import org.raidwatch.it.Http;
import org.raidwatch.it.RuleFolders;
import org.raidwatch.local.EmbeddedKafka;
import org.raidwatch.rules.PublishedRuleSet;
import org.raidwatch.rules.RuleSigningKeys;
import org.raidwatch.schema.CaseFlag;
import org.raidwatch.schema.FlagStatus;
import org.raidwatch.serde.SchemaRegistries;
import org.raidwatch.topology.TopicNames;
import org.raidwatch.topology.Topics;

/**
 * Analysts change the rules of a running deployment: `rules keygen`, then `rules publish` of a
 * signed set, which the running instance puts in force without a restart; a set signed by a key it
 * does not trust, or one that does not build, is refused and the set in force stays.
 */
class RulesPublishIT {

    private static final Path RAIDS = Path.of("src/test/resources/replay/raids.csv");
    private static final Path FOI = Path.of("src/test/resources/replay/foi.csv");
    private static final Pattern PUBLISHED_VERSION = Pattern.compile("published rule set (\\w+) ");

    /** The new rule's scenarios, as an analyst writes them. */
    private static final String KENT_SCENARIOS = """
            - name: Kent claimed trafficking
              report: {raid_id: K1, force: Kent, raid_date: 2021-03-01, trafficking_claimed: yes}
              holds: [claimed-in-kent]
            - name: Essex is not Kent
              report: {raid_id: E1, force: Essex, raid_date: 2021-03-01, trafficking_claimed: yes}
              not_holds: [claimed-in-kent]
            """;

    @TempDir
    Path dir;

    @Test
    void a_published_set_goes_live_without_a_restart_and_untrusted_or_broken_sets_are_refused() throws Exception {
        // Given the analysts' key pair and a stranger's
        assertThat(raidwatch("rules", "keygen", "--out", dir.resolve("keys").toString(), "--name", "analysts").status()).isZero();
        assertThat(raidwatch("rules", "keygen", "--out", dir.resolve("keys").toString(), "--name", "stranger").status()).isZero();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), false)) {
            Path config = dir.resolve("raidwatch.properties");
            int httpPort = Http.freePort();
            Files.writeString(config, "bootstrap.servers=" + kafka.bootstrapServers() + "\nschema.registry.url=mock://publish-it"
                    + "\napplication.id=raidwatch-publish-it\nstate.dir=" + dir.resolve("state") + "\nraidwatch.http.port=" + httpPort
                    + "\nraidwatch.topic.partitions=2\nraidwatch.topic.replication=1"
                    + "\nraidwatch.rules.trusted.keys=" + dir.resolve("keys/analysts.pub") + "\n");
            Map<String, Object> client = Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            Topics topics = Topics.create(TopicNames.DEFAULTS, SchemaRegistries.forUrl("mock://publish-it"));

            // and raidwatch running on the shipped rules, trusting the analysts' key, with the fixture loaded
            AtomicInteger runExit = new AtomicInteger(-1);
            StringWriter runOut = new StringWriter();
            Thread run = new Thread(() -> runExit.set(Main.execute(new PrintWriter(runOut, true), new PrintWriter(new StringWriter(), true),
                    "run", "--config", config.toString())), "run-command");
            run.start();
            try {
                Await.until(Duration.ofSeconds(90), "the run command to report it is running", () -> runOut.toString().contains("raidwatch running"),
                        () -> "it printed: " + runOut + ", exit " + runExit.get());
                assertThat(runOut.toString()).contains("created topic raidwatch-rules");
                raidwatch("produce", "--raids", RAIDS.toString(), "--foi", FOI.toString(), "--config", config.toString());
                Map<String, CaseFlag> before = awaitFlags(client, topics, "the fixture's 9 flags", flags -> flags.size() == 9
                        && flags.get("R3|foi-withheld") != null && flags.get("R3|foi-withheld").getStatus() == FlagStatus.RAISED);
                String shipped = before.get("R3|foi-withheld").getRuleSetVersion();

                // When the analysts publish the shipped rules less foi-withheld, plus a brand-new rule for Kent's claimed
                // raids: one DRL file and one scenario file, no Java
                Path changed = shippedRulesWithout("foi-withheld", dir.resolve("changed"), "claimed-in-kent", "Kent claimed trafficking");
                Files.createDirectories(changed.resolve("tests"));
                Files.writeString(changed.resolve("tests/claimed-in-kent.yaml"), KENT_SCENARIOS);
                Run published = raidwatch("rules", "publish", changed.toString(), "--key", dir.resolve("keys/analysts.key").toString(),
                        "--config", config.toString());
                assertThat(published.status()).as(published.err()).isZero();
                assertThat(published.out()).contains("as sequence 1 for deployment raidwatch-publish-it");
                Matcher version = PUBLISHED_VERSION.matcher(published.out());
                assertThat(version.find()).as(published.out()).isTrue();
                String changedVersion = version.group(1);

                // Then the running instance re-evaluates the stored cases under it: the removed rule's flag
                // RESOLVED, the new rule's RAISED, both tagged with the published version
                Map<String, CaseFlag> after = awaitFlags(client, topics, "R3|foi-withheld resolved and R1|claimed-in-kent raised",
                        flags -> flags.get("R3|foi-withheld").getStatus() == FlagStatus.RESOLVED && flags.containsKey("R1|claimed-in-kent"));
                assertThat(after.get("R3|foi-withheld").getRuleSetVersion()).isEqualTo(changedVersion).isNotEqualTo(shipped);
                assertThat(after.get("R1|claimed-in-kent").getRuleSetVersion()).isEqualTo(changedVersion);
                assertThat(after.get("R1|claimed-in-kent").getStatus()).isEqualTo(FlagStatus.RAISED);

                // When a set signed by the stranger, and a set signed by the analysts that does not build, are published
                Path strangers = shippedRulesWithout("rescue-overstated", dir.resolve("strangers"), "everything-claimed", "claimed");
                assertThat(raidwatch("rules", "publish", strangers.toString(), "--key", dir.resolve("keys/stranger.key").toString(),
                        "--config", config.toString()).status()).isZero();
                writeSigned(kafka, Map.of("broken.drl", "package raidwatch.rules;\nrule \"broken\" when $c : RaidCase( then end\n"),
                        dir.resolve("keys/analysts.key"), 2);
                // and a set signed by the analysts whose own scenario fails
                writeSigned(kafka, Map.of("claimed-in-kent.drl", Files.readString(changed.resolve("claimed-in-kent.drl")),
                        "tests/claimed-in-kent.yaml", KENT_SCENARIOS.replace("not_holds: [claimed-in-kent]", "holds: [claimed-in-kent]")),
                        dir.resolve("keys/analysts.key"), 3);
                // Then the instance refuses all three, and counts why
                Await.until(Duration.ofSeconds(30), "the three sets refused in /metrics", () -> {
                    String metrics = new Http(httpPort).get("/metrics").body();
                    return metrics.contains("raidwatch_rule_set_refused_total{reason=\"untrusted-key\"} 1.0")
                            && metrics.contains("raidwatch_rule_set_refused_total{reason=\"does-not-build\"} 1.0")
                            && metrics.contains("raidwatch_rule_set_refused_total{reason=\"scenarios-fail\"} 1.0");
                }, () -> new Http(httpPort).get("/metrics").body().lines().filter(line -> line.startsWith("raidwatch_rule_set")).toList().toString());
                assertThat(new Http(httpPort).get("/metrics").body())
                        .contains("raidwatch_rule_set_info{source=\"published " );
                // and a new raid arrives after them
                Path lateRaid = dir.resolve("late.csv");
                Files.writeString(lateRaid, "raid_id,revision,force,raid_date,trafficking_claimed,claimed_victims\nR20,0,Kent,2021-05-01,true,4\n");
                raidwatch("produce", "--raids", lateRaid.toString(), "--config", config.toString());

                // and the analysts' published set stayed in force: the late raid is flagged under it, the stranger's
                // rule flagged nothing and rescue-overstated's flags were not resolved
                Map<String, CaseFlag> last = awaitFlags(client, topics, "the late raid R20 flagged by claimed-in-kent",
                        flags -> flags.containsKey("R20|claimed-in-kent"));
                assertThat(last.get("R20|claimed-in-kent").getRuleSetVersion()).isEqualTo(changedVersion);
                assertThat(last.keySet()).noneMatch(key -> key.endsWith("|everything-claimed"));
                assertThat(last.get("R1|rescue-overstated").getStatus()).isNotEqualTo(FlagStatus.RESOLVED);
                assertThat(last.values()).filteredOn(flag -> !flag.getRuleSetVersion().equals(shipped))
                        .allSatisfy(flag -> assertThat(flag.getRuleSetVersion()).isEqualTo(changedVersion));
            } finally {
                // And stopping it shuts down cleanly
                run.interrupt();
                run.join(TimeUnit.SECONDS.toMillis(60));
            }
            assertThat(run.isAlive()).as("run command still alive after the stop").isFalse();
            assertThat(runExit.get()).isEqualTo(ExitCodes.OK);
        }
    }

    @Test
    void publishing_a_set_whose_scenarios_fail_is_refused_before_anything_is_written() throws IOException {
        assertThat(raidwatch("rules", "keygen", "--out", dir.resolve("keys").toString()).status()).isZero();
        Path rules = shippedRulesWithout("none", dir.resolve("failing"), "claimed-in-kent", "Kent claimed trafficking");
        Files.createDirectories(rules.resolve("tests"));
        Files.writeString(rules.resolve("tests/claimed-in-kent.yaml"), KENT_SCENARIOS.replace("force: Essex", "force: Kent"));
        Path config = dir.resolve("nowhere.properties");
        Files.writeString(config, "bootstrap.servers=127.0.0.1:1\nschema.registry.url=mock://nowhere\n");

        Run run = raidwatch("rules", "publish", rules.toString(), "--key", dir.resolve("keys/raidwatch-rules.key").toString(),
                "--config", config.toString(), "--connect-timeout", "2s");

        assertThat(run.status()).isEqualTo(ExitCodes.FAILED);
        assertThat(run.err()).contains("tests/claimed-in-kent.yaml:4: scenario \"Essex is not Kent\" fails: expected claimed-in-kent not to hold")
                .contains("was not published: its scenarios do not pass");
    }

    @Test
    void publishing_a_set_that_does_not_build_is_refused_before_anything_is_written() throws IOException {
        assertThat(raidwatch("rules", "keygen", "--out", dir.resolve("keys").toString()).status()).isZero();
        Path broken = Files.createDirectories(dir.resolve("broken"));
        Files.writeString(broken.resolve("broken.drl"), "package raidwatch.rules;\nrule \"broken\" when then end end\n");
        Path config = dir.resolve("nowhere.properties");
        Files.writeString(config, "bootstrap.servers=127.0.0.1:1\nschema.registry.url=mock://nowhere\n");

        Run run = raidwatch("rules", "publish", broken.toString(), "--key", dir.resolve("keys/raidwatch-rules.key").toString(),
                "--config", config.toString(), "--connect-timeout", "2s");

        assertThat(run.status()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains(broken.resolve("broken.drl") + ":");
    }

    private record Run(int status, String out, String err) {
    }

    private static Run raidwatch(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(status, out.toString(), err.toString());
    }

    private static Map<String, CaseFlag> awaitFlags(Map<String, Object> client, Topics topics, String waitingFor,
                                                    java.util.function.Predicate<Map<String, CaseFlag>> done) throws InterruptedException {
        @SuppressWarnings("unchecked")
        Map<String, CaseFlag>[] flags = new Map[1];
        Await.until(Duration.ofSeconds(60), waitingFor, () -> {
            flags[0] = TopicReader.latestByKey(client, "flagged-cases", topics.flaggedCases().valueSerde().deserializer(),
                    Duration.ofSeconds(10), key -> new String(key, StandardCharsets.UTF_8));
            return done.test(flags[0]);
        }, () -> "flagged-cases holds " + (flags[0] == null ? "nothing yet" : flags[0].values().stream()
                .map(f -> f.getRaidId() + "|" + f.getRuleId() + " " + f.getStatus() + " " + f.getRuleSetVersion()).toList()));
        return flags[0];
    }

    /** A copy of the shipped rules without one rule, plus a rule flagging claimed raids of Kent (or every claimed raid). */
    private static Path shippedRulesWithout(String removed, Path folder, String addedId, String explanation) throws IOException {
        RuleFolders.shippedWithout(folder, removed);
        String condition = addedId.equals("claimed-in-kent") ? "claimed, force == \"Kent Police\"" : "claimed";
        RuleFolders.addRule(folder, addedId, condition, "\"" + explanation + "\"");
        return folder;
    }

    /** Writes a signed set straight to the rules topic, as a publisher that skipped the checks would. */
    private static void writeSigned(EmbeddedKafka kafka, Map<String, String> files, Path key, long sequence) throws Exception {
        PublishedRuleSet signed = PublishedRuleSet.sign(files, RuleSigningKeys.readPrivate(key), RuleSigningKeys.publicBeside(key), Instant.now(),
                sequence, "raidwatch-publish-it");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>("raidwatch-rules", 0, "rule-set", signed.toJson())).get(30, TimeUnit.SECONDS);
        }
    }
}
