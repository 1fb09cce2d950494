package org.raidwatch.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A rule set is built from a folder at start-up; one that cannot go live says why, file by file and line by line. */
class RuleSetTest {

    private static final String HEADER = """
            package raidwatch.rules;
            import org.raidwatch.rules.RaidCase;
            global org.raidwatch.rules.Findings findings;
            """;

    @Test
    void the_shipped_rule_set_has_one_rule_per_rule_id_of_the_contract() {
        RuleSet shipped = RuleSet.loadShipped();
        assertThat(shipped.ruleIds()).containsExactlyInAnyOrder(
                "claimed-no-referral", "no-victims-identified", "rescue-overstated", "identified-not-referred",
                "foi-withheld", "foi-overdue", "arrests-without-trafficking-charge");
        assertThat(shipped.source()).isEqualTo("shipped");
    }

    @Test
    void the_version_follows_the_contents_not_the_location() throws IOException {
        Path copy = Files.createTempDirectory("rules-copy");
        try (var files = Files.list(Path.of("../rules/drl"))) {
            for (Path file : files.toList()) {
                Files.copy(file, copy.resolve(file.getFileName()));
            }
        }
        RuleSet shipped = RuleSet.loadShipped();
        RuleSet copied = RuleSet.load(copy);
        assertThat(copied.version()).isEqualTo(shipped.version()).hasSize(12);

        Files.writeString(copy.resolve("foi-withheld.drl"), Files.readString(copy.resolve("foi-withheld.drl")) + "\n// reviewed\n");
        RuleSet edited = RuleSet.load(copy);
        assertThat(edited.version()).isNotEqualTo(shipped.version());
    }

    @Test
    void a_syntax_error_is_reported_with_file_and_line(@TempDir Path folder) throws IOException {
        Files.writeString(folder.resolve("good.drl"), HEADER + """
                rule "good"
                    @severity(LOW)
                when
                    $c : RaidCase( claimed )
                then
                    findings.flag(drools, "claimed");
                end
                """);
        Files.writeString(folder.resolve("broken.drl"), HEADER + """
                rule "broken"
                    @severity(LOW)
                when
                    $c : RaidCase( claimed
                then
                    findings.flag(drools, "never");
                end
                """);

        assertThatThrownBy(() -> RuleSet.load(folder))
                .isInstanceOfSatisfying(RuleSetException.class, e -> {
                    assertThat(e.problems()).containsExactly(folder.resolve("broken.drl")
                            + ":8: [ERR 102] Line 8:0 mismatched input 'then' in rule \"broken\"");
                    assertThat(e.problems()).noneMatch(p -> p.contains("Parser returned a null Package"));
                });
    }

    @Test
    void an_unknown_field_is_reported_with_file_and_line(@TempDir Path folder) throws IOException {
        Files.writeString(folder.resolve("typo.drl"), HEADER + """
                rule "typo"
                    @severity(LOW)
                when
                    $c : RaidCase( victimsIdentifed > 0 )
                then
                    findings.flag(drools, "typo");
                end
                """);

        assertThatThrownBy(() -> RuleSet.load(folder))
                .isInstanceOfSatisfying(RuleSetException.class,
                        e -> assertThat(e.problems()).singleElement().asString()
                                .startsWith(folder.resolve("typo.drl") + ":7: Unable to Analyse Expression victimsIdentifed > 0"));
    }

    @Test
    void a_rule_without_a_valid_severity_does_not_go_live(@TempDir Path folder) throws IOException {
        Files.writeString(folder.resolve("no-severity.drl"), HEADER + """
                rule "no-severity"
                when
                    $c : RaidCase( claimed )
                then
                    findings.flag(drools, "claimed");
                end
                rule "odd-severity"
                    @severity(URGENT)
                when
                    $c : RaidCase( claimed )
                then
                    findings.flag(drools, "claimed");
                end
                """);

        assertThatThrownBy(() -> RuleSet.load(folder))
                .isInstanceOfSatisfying(RuleSetException.class, e -> assertThat(e.problems()).containsExactlyInAnyOrder(
                        folder.resolve("no-severity.drl") + ":0: rule \"no-severity\" declares no @severity(HIGH|MEDIUM|LOW)",
                        folder.resolve("no-severity.drl") + ":0: rule \"odd-severity\" declares @severity(URGENT); it must be HIGH, MEDIUM or LOW"));
    }

    @Test
    void a_rule_that_throws_on_every_case_does_not_go_live(@TempDir Path folder) throws IOException {
        // classic DRL compiles this comparison of a number with a word, then throws on every evaluation
        Files.writeString(folder.resolve("words.drl"), HEADER + """
                rule "words-for-numbers"
                    @severity(LOW)
                when
                    $c : RaidCase( arrests == "many" )
                then
                    findings.flag(drools, "many arrests");
                end
                """);

        assertThatThrownBy(() -> RuleSet.load(folder))
                .isInstanceOfSatisfying(RuleSetException.class, e -> assertThat(e.problems())
                        .singleElement().asString()
                        .startsWith(folder.resolve("words.drl") + ":0: rule \"words-for-numbers\" throws on a sample case")
                        .contains("NumberFormatException"));
    }

    @Test
    void a_rule_that_triggers_itself_forever_does_not_go_live(@TempDir Path folder) throws IOException {
        // update() makes Drools look at the case again, and the rule matches again: it would never stop
        Files.writeString(folder.resolve("echo.drl"), HEADER + """
                rule "echo"
                    @severity(LOW)
                when
                    $c : RaidCase( claimed )
                then
                    update($c);
                end
                """);

        assertThatThrownBy(() -> RuleSet.load(folder))
                .isInstanceOfSatisfying(RuleSetException.class, e -> assertThat(e.problems())
                        .singleElement().asString()
                        .startsWith(folder.resolve("echo.drl") + ":0: rule \"echo\" throws on a sample case")
                        .contains("the rules fired more than " + RuleSession.MAX_FIRINGS + " times on one case (echo"));
    }

    @Test
    void a_finding_without_an_explanation_does_not_go_live(@TempDir Path folder) throws IOException {
        // The FOI reference is null on a case with no FOI update: the sample cases include one
        Files.writeString(folder.resolve("reference.drl"), HEADER + """
                rule "reference-only"
                    @severity(LOW)
                when
                    $c : RaidCase( claimed )
                then
                    findings.flag(drools, $c.getFoiReference());
                end
                """);

        assertThatThrownBy(() -> RuleSet.load(folder))
                .isInstanceOfSatisfying(RuleSetException.class, e -> assertThat(e.problems())
                        .singleElement().asString()
                        .startsWith(folder.resolve("reference.drl") + ":0: rule \"reference-only\" throws on a sample case")
                        .contains("the finding has no explanation (null)"));
    }

    @Test
    void a_rule_that_reads_the_passing_days_must_say_when_its_outcome_can_change(@TempDir Path folder) throws IOException {
        Files.writeString(folder.resolve("late.drl"), HEADER + """
                rule "late-answer"
                    @severity(LOW)
                when
                    $c : RaidCase( answered, workingDaysSinceRequest > 40 )
                then
                    findings.flag(drools, "answered late");
                end
                """);

        assertThatThrownBy(() -> RuleSet.load(folder))
                .isInstanceOfSatisfying(RuleSetException.class, e -> assertThat(e.problems())
                        .singleElement().asString()
                        .startsWith(folder.resolve("late.drl") + ":0: rule \"late-answer\" reads workingDaysSinceRequest")
                        .contains("declares no @dueAfterWorkingDays(N)"));

        // Declaring it makes the rule set build, with the deadline known
        Files.writeString(folder.resolve("late.drl"), Files.readString(folder.resolve("late.drl"))
                .replace("@severity(LOW)", "@severity(LOW)\n    @dueAfterWorkingDays(40)"));
        RuleSet rules = RuleSet.load(folder);
        assertThat(rules.workingDayDeadlines()).containsExactly(40);
    }

    @Test
    void a_case_is_due_again_on_the_first_day_past_a_declared_deadline() {
        RuleSet shipped = RuleSet.loadShipped();
        org.raidwatch.schema.RaidReport report = org.raidwatch.schema.RaidReport.newBuilder().setRaidId("r-1").setForce("Kent Police")
                .setRaidDate(java.time.LocalDate.of(2021, 5, 1)).setTraffickingClaimed(true).build();
        org.raidwatch.schema.FoiUpdate pending = org.raidwatch.schema.FoiUpdate.newBuilder().setFoiId("F-1").setRaidId("r-1")
                .setForce("Kent Police").setRequestedOn(java.time.LocalDate.of(2021, 5, 4))
                .setStatus(org.raidwatch.schema.FoiStatus.REQUESTED).build();
        // 20 working days after 2021-05-04 (the spring bank holiday 2021-05-31 does not count) end on 2021-06-02
        assertThat(shipped.reevaluateOn(new RaidCase(report, pending, java.time.LocalDate.of(2021, 5, 20))))
                .isEqualTo(java.time.LocalDate.of(2021, 6, 3));
        assertThat(shipped.reevaluateOn(new RaidCase(report, pending, java.time.LocalDate.of(2021, 6, 3)))).isNull();
        assertThat(shipped.reevaluateOn(new RaidCase(report, null, java.time.LocalDate.of(2021, 5, 20)))).isNull();
    }

    @Test
    void an_empty_or_missing_folder_is_refused(@TempDir Path folder) {
        assertThatThrownBy(() -> RuleSet.load(folder)).hasMessageContaining("holds no .drl files");
        assertThatThrownBy(() -> RuleSet.load(folder.resolve("nowhere"))).hasMessageContaining("not a folder of .drl files");
    }
}
