package org.raidwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.raidwatch.it.RuleFolders;
import picocli.CommandLine;

/**
 * An analyst sees what a rule change would do before publishing it: the replay fixture evaluated
 * under the shipped rules and under a changed copy (foi-withheld removed, rescue-overstated raised to
 * HIGH, a new rule for Kent's claimed raids).
 */
class RulesDiffIT {

    private static final Path RAIDS = Path.of("src/test/resources/replay/raids.csv");
    private static final Path FOI = Path.of("src/test/resources/replay/foi.csv");

    @TempDir
    static Path newRules;
    static Run text;
    static Run json;

    record Run(int status, String out, String err) {
    }

    @BeforeAll
    static void compareTheShippedRulesWithAChangedCopy() throws IOException {
        RuleFolders.shippedWithout(newRules, "foi-withheld");
        Path overstated = newRules.resolve("rescue-overstated.drl");
        Files.writeString(overstated, Files.readString(overstated).replace("@severity(MEDIUM)", "@severity(HIGH)"));
        RuleFolders.addRule(newRules, "claimed-in-kent", "claimed, force == \"Kent Police\"", "\"Kent claimed trafficking\"");
        text = diff("--rules", newRules.toString(), "--raids", RAIDS.toString(), "--foi", FOI.toString(), "--as-of", "2021-06-30");
        json = diff("--rules", newRules.toString(), "--raids", RAIDS.toString(), "--foi", FOI.toString(), "--as-of", "2021-06-30", "--json");
    }

    @Test
    void each_rule_shows_the_flags_that_would_appear_disappear_and_change() {
        assertThat(text.status()).as(text.err()).isEqualTo(ExitCodes.OK);
        assertThat(text.err()).startsWith("raidwatch rules-diff: log lines go to ");
        assertThat(text.out()).containsPattern("foi-withheld +1 +0 +0 +-1 +0 +\\(removed\\)")
                .containsPattern("claimed-in-kent +0 +1 +\\+1 +0 +0 +\\(new rule\\)")
                .containsPattern("rescue-overstated +2 +2 +0 +0 +~2\\n")
                .containsPattern("claimed-no-referral +1 +1 +0 +0 +0\\n")
                .contains("  - R3  Essex Police  2021-01-15  LOW  ")
                .contains("  + R1  Kent Police  2020-03-04  LOW  Kent claimed trafficking")
                .contains("  ~ R1  Kent Police  2020-03-04  HIGH  Press reported 6 people rescued")
                .contains("      was: MEDIUM  Press reported 6 people rescued")
                .contains("3 rows refused by the input contract");
    }

    @Test
    void the_json_form_lists_every_flag_with_the_apis_flag_fields() throws IOException {
        assertThat(json.status()).as(json.err()).isEqualTo(ExitCodes.OK);
        JsonNode document = new ObjectMapper().readTree(json.out());
        Map<String, JsonNode> rules = new HashMap<>();
        document.get("rules").forEach(rule -> rules.put(rule.get("ruleId").asText(), rule));

        assertThat(document.get("asOf").asText()).isEqualTo("2021-06-30");
        assertThat(document.get("current").get("source").asText()).isEqualTo("shipped");
        assertThat(rules.get("foi-withheld").get("inNew").asBoolean()).isFalse();
        assertThat(rules.get("foi-withheld").get("disappear")).singleElement()
                .satisfies(flag -> assertThat(flag.get("raidId").asText()).isEqualTo("R3"));
        assertThat(rules.get("claimed-in-kent").get("appear")).singleElement()
                .satisfies(flag -> assertThat(flag.get("severity").asText()).isEqualTo("LOW"));
        assertThat(rules.get("rescue-overstated").get("change")).hasSize(2).allSatisfy(change -> {
            assertThat(change.get("before").get("severity").asText()).isEqualTo("MEDIUM");
            assertThat(change.get("after").get("severity").asText()).isEqualTo("HIGH");
        });
        assertThat(rules.get("claimed-no-referral").get("appear")).isEmpty();
        assertThat(rules.get("claimed-no-referral").get("disappear")).isEmpty();
    }

    @Test
    void a_new_set_that_does_not_build_is_a_usage_error_naming_file_and_line(@TempDir Path broken) throws IOException {
        Files.writeString(broken.resolve("broken.drl"), "package raidwatch.rules;\nrule \"x\" when then end end\n");

        Run run = diff("--rules", broken.toString(), "--raids", RAIDS.toString());

        assertThat(run.status()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains(broken.resolve("broken.drl") + ":");
    }

    private static Run diff(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine command = new CommandLine(new RulesDiffCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
        command.setExecutionExceptionHandler(new Failures());
        int status = command.execute(args);
        return new Run(status, out.toString(), err.toString());
    }
}
