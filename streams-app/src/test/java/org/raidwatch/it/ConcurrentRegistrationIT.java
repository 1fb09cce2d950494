package org.raidwatch.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.raidwatch.schema.RaidReport;
import org.raidwatch.serde.ConfluentAvroSerde;
import org.raidwatch.serde.RestSchemaRegistryClient;

/**
 * Instances that start together register the same new schemas at the same moment. Apicurio Registry
 * answers the loser of such a race 409 "artifact already exists", the code Confluent's server uses
 * for an incompatible schema: raidwatch must settle it by looking the schema up, and every serde must
 * end with the one id the registry holds.
 */
class ConcurrentRegistrationIT {

    @TempDir
    static Path dir;

    private static ApicurioRegistry registry;

    private static final RaidReport REPORT = RaidReport.newBuilder().setRaidId("r-1").setForce("Kent Police")
            .setRaidDate(LocalDate.of(2021, 3, 1)).setTraffickingClaimed(true).build();

    @BeforeAll
    static void startRegistry() throws Exception {
        registry = ApicurioRegistry.start(dir.resolve("apicurio.log"));
    }

    @AfterAll
    static void stopRegistry() throws Exception {
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void a_registration_answered_409_after_the_schema_was_stored_gets_its_id() throws Exception {
        try (RegistryFront front = RegistryFront.over(registry.confluentUrl())) {
            // Given a registry that stores each registration and then answers 409 "already exists", as Apicurio answers the
            // second of two racing registrations
            front.registerThenAnswerConflict();
            ConfluentAvroSerde<RaidReport> serde = ConfluentAvroSerde.forValues(
                    new RestSchemaRegistryClient(front.url(), Duration.ofSeconds(5), Duration.ofSeconds(10)), RaidReport.class);

            // When raidwatch writes its first record to a new topic
            byte[] written = serde.serializer().serialize("conflict-answered", REPORT);

            // Then the record carries the id the registry stored, and reads back
            int stored = new RestSchemaRegistryClient(registry.confluentUrl(), Duration.ofSeconds(5))
                    .lookup("conflict-answered-value", RaidReport.getClassSchema());
            assertThat(schemaId(written)).isEqualTo(stored);
            assertThat(serde.deserializer().deserialize("conflict-answered", written)).isEqualTo(REPORT);
        }
    }

    @Test
    void serdes_registering_the_same_new_schemas_at_the_same_moment_all_get_the_same_id() throws Exception {
        int serdes = 8;
        int rounds = 25;
        List<String> topics = List.of("cases-changelog", "flagged-cases", "force-rates");
        ExecutorService pool = Executors.newFixedThreadPool(serdes);
        try (RegistryFront front = RegistryFront.over(registry.confluentUrl())) {
            for (int round = 0; round < rounds; round++) {
                // Given eight serdes, each with a registry client of its own, as eight stream threads of two instances have
                List<ConfluentAvroSerde<RaidReport>> writers = new ArrayList<>();
                for (int i = 0; i < serdes; i++) {
                    writers.add(ConfluentAvroSerde.forValues(new RestSchemaRegistryClient(front.url(), Duration.ofSeconds(5),
                            Duration.ofSeconds(10)), RaidReport.class));
                }
                // When they all write their first records to the same new topics at the same moment
                CountDownLatch go = new CountDownLatch(1);
                List<Future<List<Integer>>> ids = new ArrayList<>();
                String prefix = "race-" + round + "-";
                for (ConfluentAvroSerde<RaidReport> writer : writers) {
                    Callable<List<Integer>> write = () -> {
                        go.await();
                        List<Integer> got = new ArrayList<>();
                        for (String topic : topics) {
                            got.add(schemaId(writer.serializer().serialize(prefix + topic, REPORT)));
                        }
                        return got;
                    };
                    ids.add(pool.submit(write));
                }
                go.countDown();
                // Then none fails, and every serde got the one id the registry holds for each subject
                Set<List<Integer>> distinct = new HashSet<>();
                for (Future<List<Integer>> got : ids) {
                    distinct.add(got.get(60, TimeUnit.SECONDS));
                }
                assertThat(distinct).as("ids of round %d's subjects across %d serdes", round, serdes).hasSize(1);
                RestSchemaRegistryClient reader = new RestSchemaRegistryClient(registry.confluentUrl(), Duration.ofSeconds(5));
                List<Integer> registered = new ArrayList<>();
                for (String topic : topics) {
                    registered.add(reader.lookup(prefix + topic + "-value", RaidReport.getClassSchema()));
                }
                assertThat(distinct.iterator().next()).isEqualTo(registered);
            }
            // and the race did happen: Apicurio refused some of the registrations
            assertThat(front.conflicts()).as("registrations Apicurio answered 409 (the race this test is about)").isPositive();
            System.out.printf("concurrent registration: %d serdes x %d subjects x %d rounds, %d registrations, %d answered 409 by"
                    + " Apicurio and settled by a lookup%n", serdes, topics.size(), rounds, front.registrations(), front.conflicts());
        } finally {
            pool.shutdownNow();
        }
    }

    private static int schemaId(byte[] record) {
        return ByteBuffer.wrap(record, 1, 4).getInt();
    }
}
