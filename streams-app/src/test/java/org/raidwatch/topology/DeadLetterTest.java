package org.raidwatch.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.raidwatch.rules.RuleSession;
import org.raidwatch.rules.RuleSet;
import org.raidwatch.schema.CaseFlag;

/** Bad input never stops the stream and is never silently dropped: it goes to the dead-letter topic with why. */
class DeadLetterTest {

    private RaidwatchDriver driver;

    @BeforeEach
    void start() {
        driver = new RaidwatchDriver();
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private byte[] validReportBytes(String raidId) {
        return driver.topics.raidReports().valueSerde().serializer()
                .serialize(driver.topics.raidReports().name(), Raids.report(raidId).build());
    }

    @Test
    void a_value_with_the_wrong_magic_byte_is_a_dead_letter() {
        byte[] bytes = validReportBytes("r-bad");
        bytes[0] = 7;

        assertUndecodableGoesToDeadLettersAndStreamGoesOn(bytes, "unknown magic byte 7");
    }

    @Test
    void a_value_with_an_unknown_schema_id_is_a_dead_letter() {
        byte[] bytes = validReportBytes("r-bad");
        bytes[1] = 0x7f;

        assertUndecodableGoesToDeadLettersAndStreamGoesOn(bytes, "cannot get writer schema");
    }

    @Test
    void truncated_avro_is_a_dead_letter() {
        byte[] bytes = validReportBytes("r-bad");

        assertUndecodableGoesToDeadLettersAndStreamGoesOn(Arrays.copyOf(bytes, bytes.length - 12), "corrupt Avro RaidReport");
    }

    @Test
    void avro_with_bytes_left_over_is_a_dead_letter() {
        byte[] bytes = validReportBytes("r-bad");

        assertUndecodableGoesToDeadLettersAndStreamGoesOn(Arrays.copyOf(bytes, bytes.length + 3), "bytes left over");
    }

    @Test
    void a_value_shorter_than_the_header_is_a_dead_letter() {
        assertUndecodableGoesToDeadLettersAndStreamGoesOn(new byte[] {0, 0, 1}, "fewer than the 5-byte header");
    }

    @Test
    void an_undecodable_foi_update_is_a_dead_letter() {
        driver.sendRawFoiUpdate("r-bad", "not avro at all".getBytes(StandardCharsets.UTF_8));

        List<TestRecord<byte[], byte[]>> deadLetters = driver.deadLetters();
        assertThat(deadLetters).hasSize(1);
        assertThat(header(deadLetters.get(0).headers(), "__streams.errors.topic")).isEqualTo("foi-updates");
    }

    @Test
    void a_report_naming_no_known_force_is_a_dead_letter() {
        driver.send(Raids.report("r-1").setForce("Atlantis Constabulary"));
        driver.send(Raids.report("r-2"));

        List<TestRecord<byte[], byte[]>> deadLetters = driver.deadLetters();
        assertThat(deadLetters).hasSize(1);
        assertThat(new String(deadLetters.get(0).key(), StandardCharsets.UTF_8)).isEqualTo("r-1");
        assertThat(header(deadLetters.get(0).headers(), "__streams.errors.message"))
                .isEqualTo("force 'Atlantis Constabulary' is not one of the 44 forces of England and Wales");
        assertThat(header(deadLetters.get(0).headers(), "__streams.errors.topic")).isEqualTo("raid-reports");
        assertThat(deadLetters.get(0).value()).as("the record as it arrived").isNotEmpty();
        assertThat(driver.caseOf("r-1")).isNull();
        assertThat(driver.rates("Kent Police", "all").getClaimedRaids()).isEqualTo(1);
    }

    @Test
    void absurd_values_are_dead_letters() {
        driver.send(Raids.answer("r-1").setNrmReferrals(-1));
        driver.send(Raids.report("r-2").setRaidDate(java.time.LocalDate.of(9999, 1, 1)));
        driver.send(Raids.report("r-3").setRaidId(""));
        driver.send(Raids.report("r-4").setSourceUrl("x".repeat(100_000)));

        assertThat(driver.deadLetters()).extracting(record -> header(record.headers(), "__streams.errors.message")).containsExactly(
                "nrm_referrals is negative (-1)",
                "raid_date 9999-01-01 is outside 1990-01-01..2099-12-31",
                "raid_id is missing",
                "source_url is 100000 characters long, more than 2000");
    }

    @Test
    void a_tombstone_is_a_dead_letter_and_deletes_nothing() {
        driver.send(Raids.report("r-1"));
        driver.sendRawReport("r-1", null);

        assertThat(driver.deadLetters()).extracting(record -> header(record.headers(), "__streams.errors.message"))
                .containsExactly("the record has no value (a tombstone); raid reports and FOI updates are never deleted");
        assertThat(driver.caseOf("r-1").getReport()).isNotNull();
    }

    @Test
    void a_record_keyed_by_another_raid_is_a_dead_letter() {
        driver.sendRawReport("r-other", validReportBytes("r-1"));

        assertThat(driver.deadLetters()).extracting(record -> header(record.headers(), "__streams.errors.message"))
                .containsExactly("record key 'r-other' is not the raid id 'r-1'");
    }

    @Test
    void a_rule_that_throws_sends_that_case_to_dead_letters_and_the_rest_goes_on(@TempDir Path rules) throws Exception {
        // Given the shipped rules plus one that divides by the number of victims identified
        useShippedRulesPlus(rules, "rescued-per-victim.drl", """
                package raidwatch.rules;
                import org.raidwatch.rules.RaidCase;
                global org.raidwatch.rules.Findings findings;
                rule "rescued-per-victim"
                    @severity(LOW)
                when
                    $c : RaidCase( claimedVictims != null, victimsIdentified != null )
                then
                    int ratio = $c.getClaimedVictims() / $c.getVictimsIdentified();
                end
                """);

        // When one case has 0 victims identified and another has 3
        driver.send(Raids.report("r-1"));
        driver.send(Raids.answer("r-1").setVictimsIdentified(0).setNrmReferrals(0));
        driver.send(Raids.report("r-2"));
        driver.send(Raids.answer("r-2").setNrmReferrals(0));

        // Then the first FOI update is a dead letter naming the rule
        List<TestRecord<byte[], byte[]>> deadLetters = driver.deadLetters();
        assertThat(deadLetters).hasSize(1);
        assertThat(header(deadLetters.get(0).headers(), "raidwatch.rule.id")).isEqualTo("rescued-per-victim");
        assertThat(header(deadLetters.get(0).headers(), "__streams.errors.message"))
                .isEqualTo("rule rescued-per-victim failed on raid r-1: ArithmeticException: / by zero");
        assertThat(header(deadLetters.get(0).headers(), "__streams.errors.topic")).isEqualTo("foi-updates");
        // and its case stays as it was (no FOI update, not counted as answered), while the other case is flagged as usual
        assertThat(driver.caseOf("r-1").getFoiUpdate()).isNull();
        assertThat(driver.rates("Kent Police", "all").getNoReferral()).isEqualTo(1);
        assertThat(driver.rates("Kent Police", "all").getFoiRequested()).isEqualTo(1);
        assertThat(driver.flagChanges()).extracting(CaseFlag::getRaidId).contains("r-2").doesNotContain("r-1");
    }

    @Test
    void a_rule_that_loops_on_some_cases_sends_those_to_dead_letters_and_the_rest_goes_on(@TempDir Path rules) throws Exception {
        // Given the shipped rules plus two that never stop on Dorset's raids (so they pass the checks at
        // load): one triggers itself again at once, the other slowly
        useShippedRulesPlus(rules, "dorset-loops.drl", """
                package raidwatch.rules;
                import org.raidwatch.rules.RaidCase;
                global org.raidwatch.rules.Findings findings;
                rule "dorset-echo"
                    @severity(LOW)
                when
                    $c : RaidCase( force == "Dorset Police", claimedArrests == 1 )
                then
                    update($c);
                end
                rule "dorset-slow-echo"
                    @severity(LOW)
                when
                    $c : RaidCase( force == "Dorset Police", claimedArrests == 2 )
                then
                    Thread.sleep(20);
                    update($c);
                end
                """);

        // When a Dorset raid of each kind is reported, and a Kent raid
        driver.send(Raids.report("r-fast").setForce("Dorset Police").setClaimedArrests(1));
        driver.send(Raids.report("r-slow").setForce("Dorset Police").setClaimedArrests(2));
        driver.send(Raids.report("r-kent"));
        driver.send(Raids.answer("r-kent").setNrmReferrals(0));

        // Then each Dorset report is a dead letter naming its rule and why it was stopped
        List<TestRecord<byte[], byte[]>> deadLetters = driver.deadLetters();
        assertThat(deadLetters).hasSize(2);
        assertThat(header(deadLetters.get(0).headers(), "raidwatch.rule.id")).isEqualTo("dorset-echo");
        assertThat(header(deadLetters.get(0).headers(), "__streams.errors.message"))
                .startsWith("rule dorset-echo failed on raid r-fast: IllegalStateException: the rules fired more than "
                        + RuleSession.MAX_FIRINGS + " times on one case");
        assertThat(header(deadLetters.get(1).headers(), "raidwatch.rule.id")).isEqualTo("dorset-slow-echo");
        assertThat(header(deadLetters.get(1).headers(), "__streams.errors.message"))
                .startsWith("rule dorset-slow-echo failed on raid r-slow: IllegalStateException: the rules were still firing on one"
                        + " case after " + RuleSession.TIME_BUDGET.toMillis() + " ms");
        // and neither became a case, while the Kent raid is flagged as usual
        assertThat(driver.caseOf("r-fast")).isNull();
        assertThat(driver.caseOf("r-slow")).isNull();
        assertThat(driver.flagChanges()).extracting(CaseFlag::getRaidId).contains("r-kent").doesNotContain("r-fast", "r-slow");
    }

    @Test
    void an_input_whose_finding_is_malformed_changes_nothing_and_a_resend_is_not_counted_twice(@TempDir Path rules) throws Exception {
        // Given a rule whose explanation is the FOI reference, null on a case without an FOI update; the
        // sample cases at load never reach it (they claim 3 arrests, not 7)
        useShippedRulesPlus(rules, "seven-arrests.drl", """
                package raidwatch.rules;
                import org.raidwatch.rules.RaidCase;
                global org.raidwatch.rules.Findings findings;
                rule "seven-arrests"
                    @severity(LOW)
                when
                    $c : RaidCase( claimedArrests != null, claimedArrests == 7 )
                then
                    findings.flag(drools, $c.getFoiReference());
                end
                """);

        // When one raid is reported three times (identical rows) and another raid once
        for (int i = 0; i < 3; i++) {
            driver.send(Raids.report("r-1").setClaimedArrests(7));
        }
        driver.send(Raids.report("r-2"));

        // Then each report of the first raid is a dead letter naming the rule, and nothing of it is stored or counted
        assertThat(driver.deadLetters()).hasSize(3).allSatisfy(deadLetter -> {
            assertThat(header(deadLetter.headers(), "raidwatch.rule.id")).isEqualTo("seven-arrests");
            assertThat(header(deadLetter.headers(), "__streams.errors.message")).contains("the finding has no explanation (null)");
        });
        assertThat(driver.caseOf("r-1")).isNull();
        assertThat(driver.rates("ALL", "all").getClaimedRaids()).isEqualTo(1);
        assertThat(driver.flagChanges()).extracting(CaseFlag::getRaidId).doesNotContain("r-1");
    }

    @Test
    void a_record_without_a_key_is_a_dead_letter_carrying_exactly_what_arrived() {
        byte[] value = validReportBytes("r-1");
        org.apache.kafka.common.header.internals.RecordHeaders headers = new org.apache.kafka.common.header.internals.RecordHeaders();
        headers.add("producer.trace", "abc".getBytes(StandardCharsets.UTF_8));

        driver.sendRaw("raid-reports", null, value, headers);

        List<TestRecord<byte[], byte[]>> deadLetters = driver.deadLetters();
        assertThat(deadLetters).hasSize(1);
        assertThat(deadLetters.get(0).key()).isNull();
        assertThat(deadLetters.get(0).value()).isEqualTo(value);
        assertThat(header(deadLetters.get(0).headers(), "producer.trace")).isEqualTo("abc");
        assertThat(header(deadLetters.get(0).headers(), "__streams.errors.message")).startsWith("the record has no key");
        assertThat(driver.caseOf("r-1")).isNull();
    }

    @Test
    void a_raid_id_holding_the_key_separator_is_a_dead_letter_and_makes_no_case() {
        // When a raid report arrives whose raid id holds '|', which would make its flags' keys ambiguous
        driver.send(Raids.report("r|1"));

        // Then it is a dead letter saying why, and no case, flag or rate comes of it
        List<TestRecord<byte[], byte[]>> deadLetters = driver.deadLetters();
        assertThat(deadLetters).hasSize(1);
        assertThat(header(deadLetters.get(0).headers(), "__streams.errors.message")).contains("contains '|'");
        assertThat(driver.caseOf("r|1")).isNull();
        assertThat(driver.flagChanges()).isEmpty();
    }

    @Test
    void a_contract_breach_is_dead_lettered_with_the_producers_bytes_and_no_schema_is_registered_for_the_input() {
        // Given a record written by a producer with its own, newer schema (an extra field)
        org.apache.avro.Schema newer = org.raidwatch.serde.WireFormatFixtures.withOptionalField(
                org.raidwatch.schema.RaidReport.getClassSchema(), "newsroom");
        var registry = driver.registry();
        int id = registry.register("raid-reports-value", newer);
        org.raidwatch.schema.RaidReport report = Raids.report("r-1").setForce("Atlantis Constabulary").build();
        org.apache.avro.generic.GenericRecord record = new org.apache.avro.generic.GenericData.Record(newer);
        report.getSchema().getFields().forEach(field -> record.put(field.name(), report.get(field.pos())));
        record.put("newsroom", "Kent Online");
        byte[] value = org.raidwatch.serde.WireFormatFixtures.frame(id, newer, record);
        int versionsBefore = registry.latest("raid-reports-value").version();

        // When it breaks the contract (an unknown force)
        driver.sendRawReport("r-1", value);

        // Then the dead letter carries the producer's bytes, and raidwatch registered nothing under the input's subject
        List<TestRecord<byte[], byte[]>> deadLetters = driver.deadLetters();
        assertThat(deadLetters).singleElement().satisfies(deadLetter -> assertThat(deadLetter.value()).isEqualTo(value));
        assertThat(registry.latest("raid-reports-value").version()).isEqualTo(versionsBefore);
        assertThat(registry.latest("raid-reports-value").id()).isEqualTo(id);
    }

    @Test
    void an_output_that_cannot_be_written_fails_the_task_rather_than_drop_the_flag() {
        // Given raidwatch may not register schemas and nobody registered flagged-cases-value
        driver.close();
        driver = new RaidwatchDriver(RaidwatchDriver.shippedRules(), CaseTopology.Settings.live(), false);
        driver.send(Raids.report("r-1"));

        // When an input raises a flag, Then the task fails (to be retried) and nothing is dead-lettered or dropped silently
        assertThatThrownBy(() -> driver.send(Raids.answer("r-1").setNrmReferrals(0)))
                .isInstanceOf(org.apache.kafka.streams.errors.StreamsException.class)
                .hasStackTraceContaining("cannot get a schema id for subject flagged-cases-value");
        assertThat(driver.deadLetters()).isEmpty();
    }

    /** Restarts the driver with the shipped rules plus one more rule file. */
    private void useShippedRulesPlus(Path folder, String fileName, String drl) throws java.io.IOException {
        for (String id : RaidwatchDriver.shippedRules().ruleIds()) {
            Files.copy(Path.of("../rules/drl/" + id + ".drl"), folder.resolve(id + ".drl"));
        }
        Files.writeString(folder.resolve(fileName), drl);
        driver.close();
        driver = new RaidwatchDriver(RuleSet.load(folder), CaseTopology.Settings.live());
    }

    private void assertUndecodableGoesToDeadLettersAndStreamGoesOn(byte[] value, String expectedMessage) {
        // When a bad record arrives between two good ones
        driver.send(Raids.report("r-before"));
        driver.sendRawReport("r-bad", value);
        driver.send(Raids.report("r-after"));

        // Then it is a dead letter, with the error headers and the bytes as they arrived
        List<TestRecord<byte[], byte[]>> deadLetters = driver.deadLetters();
        assertThat(deadLetters).hasSize(1);
        TestRecord<byte[], byte[]> deadLetter = deadLetters.get(0);
        assertThat(deadLetter.value()).isEqualTo(value);
        assertThat(header(deadLetter.headers(), "__streams.errors.exception")).contains("SerializationException");
        assertThat(header(deadLetter.headers(), "__streams.errors.message")).contains(expectedMessage);
        assertThat(header(deadLetter.headers(), "__streams.errors.topic")).isEqualTo("raid-reports");
        assertThat(header(deadLetter.headers(), "__streams.errors.offset")).isEqualTo("1");
        // and both good records were processed
        assertThat(driver.rates("Kent Police", "all").getClaimedRaids()).isEqualTo(2);
    }

    private static String header(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        assertThat(header).as("header %s in %s", name, headers).isNotNull();
        return new String(header.value(), StandardCharsets.UTF_8);
    }
}
