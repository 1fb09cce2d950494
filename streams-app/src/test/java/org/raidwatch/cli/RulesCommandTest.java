package org.raidwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code raidwatch rules test} and {@code rules check}, run in-process as a user runs them: a rule
 * folder of DRL files, its scenario files beside it or inside it, and what is printed and returned.
 */
class RulesCommandTest {

    private static final String HEADER = """
            package raidwatch.rules;
            import org.raidwatch.rules.RaidCase;
            global org.raidwatch.rules.Findings findings;
            """;

    /** A rule an analyst might add: the press claimed trafficking without an article to check it against. */
    private static final String CLAIMED_WITHOUT_SOURCE = HEADER + """

            // The press claim cannot be checked: the report names no article.
            rule "claimed-without-source"
                @severity(LOW)
                @description("A test rule.")
            when
                $c : RaidCase( claimed, sourceUrl == null )
            then
                findings.flag(drools, $c.pressClaim() + ", with no article to check it against", "sourceUrl", $c.getSourceUrl());
            end
            """;

    private static final String CLAIMED_WITHOUT_SOURCE_SCENARIOS = """
            - name: claimed with no article
              report:
                raid_id: kent-2020-01-flat
                force: Kent
                raid_date: 2020-01-07
                trafficking_claimed: yes
                claimed_victims: 2
              holds: [claimed-without-source]
              explanation:
                claimed-without-source: "Press reported trafficking (2 people rescued), with no article"

            - name: claimed, with the article
              report:
                raid_id: kent-2020-02-flat
                force: Kent
                raid_date: 2020-02-11
                source_url: https://example.org/kent
                trafficking_claimed: yes
              not_holds: [claimed-without-source]

            - name: no claim, and the claim fields left empty
              unknowns: true
              report:
                raid_id: kent-2020-03-flat
                force: Kent
                raid_date: 2020-03-03
                trafficking_claimed: no
                modern_slavery_claimed:
              not_holds: [claimed-without-source]
            """;

    private record Run(int exit, String out, String err) {
    }

    private static Run raidwatch(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(exit, out.toString(), err.toString());
    }

    /** The repository's layout: DIR/drl with DIR/tests beside it. */
    private static Path ruleFolder(Path root, String drl, String scenarios) throws IOException {
        Path rules = Files.createDirectories(root.resolve("drl"));
        Files.writeString(rules.resolve("claimed-without-source.drl"), drl);
        if (scenarios != null) {
            Files.writeString(Files.createDirectories(root.resolve("tests")).resolve("claimed-without-source.yaml"), scenarios);
        }
        return rules;
    }

    @Test
    void rules_test_without_a_folder_runs_the_shipped_scenarios() {
        Run run = raidwatch("rules", "test");

        assertThat(run.exit()).as(run.err()).isEqualTo(ExitCodes.OK);
        assertThat(run.out()).contains("rule set the shipped rule set (version ", "scenarios in rules/tests",
                "PASS rules/tests/foi-overdue.yaml:18  on the 21st working day it is overdue", " passed, 0 failed");
        assertThat(run.out()).doesNotContain("FAIL");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void rules_check_on_a_sound_rule_set_passes_with_no_warning(@TempDir Path root) throws IOException {
        Path rules = ruleFolder(root, CLAIMED_WITHOUT_SOURCE, CLAIMED_WITHOUT_SOURCE_SCENARIOS);

        Run run = raidwatch("rules", "check", rules.toString());

        assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(ExitCodes.OK);
        assertThat(run.err()).isEmpty();
        assertThat(run.out()).contains("rule set " + rules + " builds", "1 rules", "scenarios in " + root.resolve("tests"),
                "3 scenarios: 3 passed, 0 failed; 0 warnings");
    }

    @Test
    void a_new_rule_is_one_drl_file_and_one_scenario_file_beside_the_shipped_ones(@TempDir Path root) throws IOException {
        // Given a copy of the shipped rules and scenarios, plus one new rule and its scenarios, in the repository's layout
        Path rules = Files.createDirectories(root.resolve("drl"));
        Path tests = Files.createDirectories(root.resolve("tests"));
        copyFolder(Path.of("../rules/drl"), rules);
        copyFolder(Path.of("../rules/tests"), tests);
        Files.writeString(rules.resolve("claimed-without-source.drl"), CLAIMED_WITHOUT_SOURCE);
        Files.writeString(tests.resolve("claimed-without-source.yaml"), CLAIMED_WITHOUT_SOURCE_SCENARIOS);

        // When the set is checked, Then it goes through: eight rules, every scenario passing, no warning
        Run run = raidwatch("rules", "check", rules.toString());
        assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(ExitCodes.OK);
        assertThat(run.out()).contains("8 rules", " 0 failed; 0 warnings");
        assertThat(run.err()).isEmpty();

        // And the older scenarios still pass: they assert only the rules they list
        Run test = raidwatch("rules", "test", rules.toString());
        assertThat(test.exit()).isEqualTo(ExitCodes.OK);
        assertThat(test.out()).contains("PASS " + tests.resolve("claimed-without-source.yaml") + ":1  claimed with no article",
                "PASS " + tests.resolve("claimed-no-referral.yaml") + ":4  trafficking claimed, the force answered, nobody referred");
    }

    @Test
    void a_drl_syntax_error_is_printed_as_file_line_message_and_exits_2(@TempDir Path root) throws IOException {
        Path rules = ruleFolder(root, CLAIMED_WITHOUT_SOURCE, CLAIMED_WITHOUT_SOURCE_SCENARIOS);
        Files.writeString(rules.resolve("broken.drl"), HEADER + """
                rule "broken"
                    @severity(LOW)
                when
                    $c : RaidCase( claimed
                then
                    findings.flag(drools, "never");
                end
                """);

        Run check = raidwatch("rules", "check", rules.toString());

        assertThat(check.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(check.err().lines()).first().isEqualTo(rules.resolve("broken.drl") + ":8: [ERR 102] Line 8:0 mismatched input 'then' in rule \"broken\"");
        assertThat(check.err()).contains("does not build (1 problem)");
        assertThat(check.out()).isEmpty();
        assertThat(raidwatch("rules", "test", rules.toString()).exit()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void a_failing_scenario_exits_1_and_shows_each_difference(@TempDir Path root) throws IOException {
        // Given scenarios that expect the wrong things, in a tests folder inside the rule folder
        Path rules = Files.createDirectories(root.resolve("my-rules"));
        Files.writeString(rules.resolve("claimed-without-source.drl"), CLAIMED_WITHOUT_SOURCE);
        Path scenarios = Files.createDirectories(rules.resolve("tests")).resolve("wrong.yaml");
        Files.writeString(scenarios, """
                - name: expected to hold, but the report has its article
                  report: {raid_id: r1, force: Kent, raid_date: 2020-01-07, trafficking_claimed: yes, source_url: https://example.org/a}
                  holds: [claimed-without-source]

                - name: expected not to hold, but it does
                  report: {raid_id: r2, force: Kent, raid_date: 2020-01-07, trafficking_claimed: yes}
                  not_holds: [claimed-without-source]

                - name: the explanation says something else
                  report: {raid_id: r3, force: Kent, raid_date: 2020-01-07, trafficking_claimed: yes}
                  holds: [claimed-without-source]
                  explanation:
                    claimed-without-source: "no newspaper"

                - name: passes
                  unknowns: true
                  report: {raid_id: r4, force: Kent, raid_date: 2020-01-07, trafficking_claimed: no}
                  not_holds: [claimed-without-source]
                """);

        Run test = raidwatch("rules", "test", rules.toString());

        assertThat(test.exit()).isEqualTo(ExitCodes.FAILED);
        assertThat(test.out()).contains(
                "FAIL " + scenarios + ":1  expected to hold, but the report has its article\n"
                        + "       expected claimed-without-source to hold; it did not (held: none)\n",
                "FAIL " + scenarios + ":5  expected not to hold, but it does\n"
                        + "       expected claimed-without-source not to hold; it held: \"Press reported trafficking, with no article to check it against\"\n",
                "FAIL " + scenarios + ":9  the explanation says something else\n"
                        + "       the explanation of claimed-without-source lacks \"no newspaper\"; it reads: \"Press reported trafficking, with no article to check it against\"\n",
                "PASS " + scenarios + ":15  passes",
                "4 scenarios: 1 passed, 3 failed");

        // And rules check fails the same way, printing the failures
        Run check = raidwatch("rules", "check", rules.toString());
        assertThat(check.exit()).isEqualTo(ExitCodes.FAILED);
        assertThat(check.out()).contains("FAIL " + scenarios + ":5  expected not to hold, but it does").doesNotContain("PASS");
    }

    @Test
    void a_rule_without_a_description_is_a_problem_for_rules_check(@TempDir Path root) throws IOException {
        // Given a rule that says nothing in plain English of what it finds
        Path rules = ruleFolder(root, CLAIMED_WITHOUT_SOURCE, CLAIMED_WITHOUT_SOURCE_SCENARIOS);
        Files.writeString(rules.resolve("undescribed.drl"), HEADER + """
                rule "undescribed"
                    @severity(LOW)
                when
                    $c : RaidCase( claimed, !foiRequested )
                then
                    findings.flag(drools, "no FOI request yet");
                end
                """);

        Run check = raidwatch("rules", "check", rules.toString());

        // Then rules check refuses it, naming where it is declared; the set still builds for replay and run
        assertThat(check.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(check.err()).contains(rules.resolve("undescribed.drl") + ":4: rule \"undescribed\" declares no @description(\"...\")");
        assertThat(check.out()).contains("1 problem in the rule or scenario files");
        assertThat(org.raidwatch.rules.RuleSet.load(rules).described()).extracting(org.raidwatch.rules.RuleSet.Described::ruleId,
                org.raidwatch.rules.RuleSet.Described::description).contains(
                org.assertj.core.groups.Tuple.tuple("claimed-without-source", "A test rule."),
                org.assertj.core.groups.Tuple.tuple("undescribed", null));
    }

    @Test
    void a_rule_without_scenarios_is_warned_about_and_so_is_every_rule_without_a_scenario_folder(@TempDir Path root) throws IOException {
        // Given a second rule with no scenario at all
        Path rules = ruleFolder(root, CLAIMED_WITHOUT_SOURCE, CLAIMED_WITHOUT_SOURCE_SCENARIOS);
        Files.writeString(rules.resolve("no-foi-yet.drl"), HEADER + """
                rule "no-foi-yet"
                    @severity(LOW)
                    @description("A test rule.")
                when
                    $c : RaidCase( claimed, !foiRequested )
                then
                    findings.flag(drools, "no FOI request yet");
                end
                """);

        Run check = raidwatch("rules", "check", rules.toString());

        // Then the rule is warned about, where it is declared; the set still passes
        assertThat(check.exit()).isEqualTo(ExitCodes.OK);
        assertThat(check.err()).isEqualTo(rules.resolve("no-foi-yet.drl") + ":4: warning: rule no-foi-yet has no scenarios" + System.lineSeparator());
        assertThat(check.out()).contains("3 scenarios: 3 passed, 0 failed; 1 warning");

        // When there is no scenario folder at all, every rule is warned about
        Path alone = Files.createDirectories(root.resolve("elsewhere").resolve("rules"));
        Files.copy(rules.resolve("no-foi-yet.drl"), alone.resolve("no-foi-yet.drl"));
        Run bare = raidwatch("rules", "check", alone.toString());
        assertThat(bare.exit()).isEqualTo(ExitCodes.OK);
        assertThat(bare.err()).contains("warning: rule no-foi-yet has no scenarios");
        assertThat(bare.out()).contains("scenarios in none", "0 scenarios");

        // And rules test has nothing to run there: a usage error
        Run test = raidwatch("rules", "test", alone.toString());
        assertThat(test.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(test.err()).contains("no scenario files");
    }

    @Test
    void a_scenario_the_stream_would_refuse_or_that_names_an_unknown_rule_is_an_error_at_its_line(@TempDir Path root) throws IOException {
        Path rules = ruleFolder(root, CLAIMED_WITHOUT_SOURCE, CLAIMED_WITHOUT_SOURCE_SCENARIOS);
        Path bad = root.resolve("tests").resolve("bad.yaml");
        Files.writeString(bad, """
                - name: an unknown force
                  report:
                    raid_id: r1
                    force: Atlantis Police
                    raid_date: 2020-01-07
                    trafficking_claimed: yes
                  holds: [claimed-without-source]

                - name: a misspelt column
                  report:
                    raid_id: r2
                    force: Kent
                    raid_date: 2020-01-07
                    trafficking_claimed: yes
                  foi:
                    foi_id: F-1
                    requested_on: 2020-02-01
                    status: RESPONDED
                    nrm_referral: 0
                  holds: [claimed-without-source]

                - name: a negative count
                  report: {raid_id: r3, force: Kent, raid_date: 2020-01-07, trafficking_claimed: yes}
                  foi: {foi_id: F-2, requested_on: 2020-02-01, status: RESPONDED, victims_identified: -1}
                  holds: [claimed-without-source]

                - name: a rule the set does not define
                  report: {raid_id: r4, force: Kent, raid_date: 2020-01-07, trafficking_claimed: yes}
                  holds:
                    - claimed-without-source
                    - claimed-without-sauce
                """);
        Files.writeString(root.resolve("tests").resolve("broken.json"), """
                [{"name": "json works too",
                  "report": {"raidId": "j1", "force": "Kent", "raidDate": "2020-01-07", "traffickingClaimed": true},
                  "holds": ["claimed-without-source"]},
                 {"name": "and breaks with a line" ]
                """);

        Run check = raidwatch("rules", "check", rules.toString());

        assertThat(check.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(check.err().lines()).containsExactly(
                root.resolve("tests").resolve("bad.yaml") + ":2: scenario \"an unknown force\": the stream would refuse this raid report:"
                        + " force 'Atlantis Police' is not one of the 44 forces of England and Wales",
                bad + ":19: scenario \"a misspelt column\": 'nrm_referral' is not a column of an FOI update (foi_id, raid_id, force,"
                        + " requested_on, status, responded_on, victims_identified, nrm_referrals, nrm_declined, arrests, trafficking_charges, revision)",
                bad + ":24: scenario \"a negative count\": the stream would refuse this FOI update: victims_identified is negative (-1)",
                root.resolve("tests").resolve("broken.json") + ":4: not valid JSON: Unexpected close marker ']': expected '}'",
                bad + ":31: scenario \"a rule the set does not define\": the rule set defines no rule claimed-without-sauce"
                        + " (it defines claimed-without-source)");
        assertThat(check.out()).contains("4 scenarios: 3 passed, 0 failed, 1 not run");
    }

    @Test
    void the_help_says_where_scenarios_are_found() {
        Run help = raidwatch("rules", "test", "--help");

        assertThat(help.exit()).isEqualTo(ExitCodes.OK);
        assertThat(help.out()).contains("DIR/tests", "DIR/../tests", "--tests");
    }

    private static void copyFolder(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : files.toList()) {
                Files.copy(file, to.resolve(file.getFileName()));
            }
        }
    }
}
