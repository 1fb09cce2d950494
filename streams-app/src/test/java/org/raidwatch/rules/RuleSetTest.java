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
        try (RuleSet shipped = RuleSet.loadShipped()) {
            assertThat(shipped.ruleIds()).containsExactlyInAnyOrder(
                    "claimed-no-referral", "no-victims-identified", "rescue-overstated", "identified-not-referred",
                    "foi-withheld", "foi-overdue", "arrests-without-trafficking-charge");
            assertThat(shipped.source()).isEqualTo("shipped");
        }
    }

    @Test
    void the_version_follows_the_contents_not_the_location() throws IOException {
        Path copy = Files.createTempDirectory("rules-copy");
        try (var files = Files.list(Path.of("../rules/drl"))) {
            for (Path file : files.toList()) {
                Files.copy(file, copy.resolve(file.getFileName()));
            }
        }
        try (RuleSet shipped = RuleSet.loadShipped(); RuleSet copied = RuleSet.load(copy)) {
            assertThat(copied.version()).isEqualTo(shipped.version()).hasSize(12);

            Files.writeString(copy.resolve("foi-withheld.drl"), Files.readString(copy.resolve("foi-withheld.drl")) + "\n// reviewed\n");
            try (RuleSet edited = RuleSet.load(copy)) {
                assertThat(edited.version()).isNotEqualTo(shipped.version());
            }
        }
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
    void an_empty_or_missing_folder_is_refused(@TempDir Path folder) {
        assertThatThrownBy(() -> RuleSet.load(folder)).hasMessageContaining("holds no .drl files");
        assertThatThrownBy(() -> RuleSet.load(folder.resolve("nowhere"))).hasMessageContaining("not a folder of .drl files");
    }
}
