package org.raidwatch.ruledelivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.raidwatch.deployment.TopicSetup;
import org.raidwatch.it.Await;
import org.raidwatch.it.RuleFolders;
import org.raidwatch.local.EmbeddedKafka;
import org.raidwatch.rules.LiveRuleSet;
import org.raidwatch.rules.PublishedRuleSet;
import org.raidwatch.rules.RuleSet;
import org.raidwatch.rules.RuleSigningKeys;

/**
 * Published rule sets on a real rules topic, replayed, flooded and mixed with junk: an instance puts in
 * force the highest sequence it accepts, never an older set sent again, and a topic full of junk
 * neither hides a good set nor stops start-up.
 */
class RuleSetOrderIT {

    private static final String TOPIC = "raidwatch-rules";
    private static final String DEPLOYMENT = "raidwatch";

    @TempDir
    Path dir;

    private final KeyPair analysts = RuleSigningKeys.generate();
    private final Map<String, Integer> refusals = new ConcurrentHashMap<>();

    @Test
    void the_highest_sequence_wins_and_no_replay_flood_or_junk_turns_it_back() throws Exception {
        Map<String, String> shipped = shippedFiles();
        PublishedRuleSet first = signed(variant(shipped, "first"), 1);
        PublishedRuleSet second = signed(variant(shipped, "second"), 2);
        String secondVersion = RuleSet.fromFiles("check", second.drlFiles()).version();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), false);
             KafkaProducer<String, byte[]> producer = producer(kafka)) {
            try (Admin admin = Admin.create(client(kafka))) {
                TopicSetup.createRulesTopic(admin, TOPIC, java.util.Optional.of((short) 1), 30_000);
            }
            // Given sets 1 and 2 published, then set 1 sent again, then ten thousand junk records
            send(producer, first);
            send(producer, second);
            send(producer, first);
            for (int i = 0; i < 10_000; i++) {
                producer.send(new ProducerRecord<>(TOPIC, RuleSetSubscription.PARTITION, "junk-" + i,
                        ("{\"format\":2,\"junk\":" + i + "}").getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
            LiveRuleSet live = new LiveRuleSet(RuleSet.loadShipped());

            // When an instance starts
            try (RuleSetSubscription subscription = subscription(kafka, live)) {
                long start = System.nanoTime();
                subscription.catchUp(Duration.ofSeconds(60));
                double seconds = (System.nanoTime() - start) / 1e9;

                // Then it starts promptly with set 2 in force, not set 1 sent last, and counted the junk
                System.out.printf("RuleSetOrderIT: catch-up over 10,003 records took %.1f s%n", seconds);
                assertThat(seconds).isLessThan(30);
                assertThat(live.current().version()).isEqualTo(secondVersion);
                assertThat(subscription.highestAccepted()).isEqualTo(2);
                assertThat(refusals.get("malformed")).isEqualTo(10_000);

                // When set 1 is sent again while it follows the topic
                subscription.start();
                send(producer, first);
                // Then it is refused and counted, and set 2 stays
                Await.until(Duration.ofSeconds(30), "the replayed set 1 refused as stale", () -> refusals.getOrDefault("stale-sequence", 0) == 1,
                        refusals::toString);
                assertThat(live.current().version()).isEqualTo(secondVersion);

                // When set 3 is published with junk, a set for another deployment and an unsequenced set right behind it, in one batch
                PublishedRuleSet third = signed(variant(shipped, "third"), 3);
                producer.send(new ProducerRecord<>(TOPIC, RuleSetSubscription.PARTITION, third.sha256(), third.toJson()));
                producer.send(new ProducerRecord<>(TOPIC, RuleSetSubscription.PARTITION, "junk", "not json".getBytes(StandardCharsets.UTF_8)));
                PublishedRuleSet elsewhere = PublishedRuleSet.sign(variant(shipped, "elsewhere"), analysts.getPrivate(), analysts.getPublic(),
                        Instant.now(), 9, "another-deployment");
                producer.send(new ProducerRecord<>(TOPIC, RuleSetSubscription.PARTITION, elsewhere.sha256(), elsewhere.toJson()));
                PublishedRuleSet unsequenced = PublishedRuleSet.signUnsequenced(variant(shipped, "old"), analysts.getPrivate(),
                        analysts.getPublic(), Instant.now());
                producer.send(new ProducerRecord<>(TOPIC, RuleSetSubscription.PARTITION, unsequenced.sha256(), unsequenced.toJson()));
                producer.flush();

                // Then set 3 is in force: the records after it hide nothing, and each of them is refused for its own reason
                String thirdVersion = RuleSet.fromFiles("check", third.drlFiles()).version();
                Await.until(Duration.ofSeconds(30), "set 3 in force", () -> live.current().version().equals(thirdVersion),
                        () -> "in force " + live.current().version() + "; refusals " + refusals);
                Await.until(Duration.ofSeconds(30), "the three records behind it refused",
                        () -> refusals.getOrDefault("other-deployment", 0) == 1 && refusals.getOrDefault("unsequenced", 0) == 1
                                && refusals.get("malformed") == 10_001, refusals::toString);
                assertThat(subscription.highestAccepted()).isEqualTo(3);
            }

            // And a restarted instance comes back to set 3, the highest sequence, though other sets were written after it
            LiveRuleSet restarted = new LiveRuleSet(RuleSet.loadShipped());
            try (RuleSetSubscription again = subscription(kafka, restarted)) {
                again.catchUp(Duration.ofSeconds(60));
                assertThat(restarted.current().version()).isEqualTo(RuleSet.fromFiles("check", signed(variant(shipped, "third"), 3).drlFiles())
                        .version());
            }
        }
    }

    private RuleSetSubscription subscription(EmbeddedKafka kafka, LiveRuleSet live) {
        return new RuleSetSubscription(client(kafka), TOPIC, Map.of(RuleSigningKeys.keyId(analysts.getPublic()), analysts.getPublic()),
                null, live, (reason, message) -> refusals.merge(reason, 1, Integer::sum), DEPLOYMENT);
    }

    private PublishedRuleSet signed(Map<String, String> files, long sequence) {
        return PublishedRuleSet.sign(files, analysts.getPrivate(), analysts.getPublic(), Instant.parse("2026-12-01T10:00:00Z"), sequence,
                DEPLOYMENT);
    }

    private static void send(KafkaProducer<String, byte[]> producer, PublishedRuleSet set) throws Exception {
        producer.send(new ProducerRecord<>(TOPIC, RuleSetSubscription.PARTITION, set.sha256(), set.toJson())).get(30, TimeUnit.SECONDS);
    }

    /** The shipped rule files, one of them with a comment that makes the set a version of its own. */
    private static Map<String, String> variant(Map<String, String> shipped, String mark) {
        Map<String, String> files = new TreeMap<>(shipped);
        files.computeIfPresent("claimed-no-referral.drl", (name, text) -> text + "\n// " + mark + "\n");
        return files;
    }

    private static Map<String, String> shippedFiles() throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> paths = Files.list(RuleFolders.SHIPPED)) {
            for (Path file : paths.filter(p -> p.toString().endsWith(".drl")).toList()) {
                files.put(file.getFileName().toString(), Files.readString(file));
            }
        }
        return files;
    }

    private static Map<String, Object> client(EmbeddedKafka kafka) {
        return Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    }

    private static KafkaProducer<String, byte[]> producer(EmbeddedKafka kafka) {
        return new KafkaProducer<>(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 * 1024 * 1024),
                new StringSerializer(), new ByteArraySerializer());
    }

}
