package org.raidwatch.rules.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.raidwatch.rules.RuleSet;

/**
 * The shipped rule set against its scenarios (rules/tests, as packaged on the classpath): every
 * scenario passes, each is a test of its own named by file and scenario, and every shipped rule is
 * shown holding, not holding and on unknown values.
 */
class ShippedScenariosTest {

    private static RuleSet shipped;
    private static ScenarioFiles.Read scenarios;

    @BeforeAll
    static void loadTheShippedRulesAndScenarios() {
        shipped = RuleSet.loadShipped();
        scenarios = ScenarioFiles.readShipped();
    }


    @TestFactory
    Stream<DynamicTest> every_shipped_scenario_passes() {
        assertThat(scenarios.scenarios()).isNotEmpty();
        return scenarios.scenarios().stream().map(scenario -> DynamicTest.dynamicTest(scenario.location() + " " + scenario.name(), () -> {
            ScenarioRun.Outcome outcome = ScenarioRun.run(shipped, scenario);
            assertThat(outcome.differences()).as("%s %s", scenario.location(), scenario.name()).isEmpty();
        }));
    }

    @Test
    void the_shipped_scenario_files_are_sound_and_name_only_shipped_rules() {
        assertThat(scenarios.problems()).isEmpty();
        assertThat(ScenarioRun.undefinedRuleIds(shipped, scenarios.scenarios())).isEmpty();
    }

    @Test
    void every_shipped_rule_has_scenarios_holding_not_holding_and_on_unknown_values() {
        Map<String, List<Coverage.Kind>> gaps = new LinkedHashMap<>();
        for (String ruleId : shipped.ruleIds()) {
            List<Coverage.Kind> missing = Coverage.missing(ruleId, scenarios.scenarios());
            if (!missing.isEmpty()) {
                gaps.put(ruleId, missing);
            }
        }
        assertThat(gaps).as("shipped rules lacking a kind of scenario").isEmpty();
        assertThat(Coverage.warnings(shipped.ruleIds(), scenarios.scenarios())).isEmpty();
    }

    @Test
    void the_jar_carries_every_scenario_file_of_rules_tests() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("../rules/tests"))) {
            List<String> inRepository = files.map(file -> ScenarioFiles.SHIPPED_NAME + "/" + file.getFileName()).sorted().toList();
            assertThat(scenarios.files()).containsExactlyElementsOf(inRepository);
        }
    }

    @Test
    void a_rule_lacking_a_kind_of_scenario_is_found_out() {
        // Given only the scenarios where foi-overdue holds
        List<Scenario> holdingOnly = scenarios.scenarios().stream()
                .filter(scenario -> !scenario.unknowns() && scenario.holds().contains("foi-overdue")).toList();

        // Then it lacks the other two kinds, and a rule no scenario names lacks all three
        assertThat(Coverage.missing("foi-overdue", holdingOnly)).containsExactly(Coverage.Kind.NOT_HOLDING, Coverage.Kind.UNKNOWNS);
        assertThat(Coverage.warnings(List.of("foi-overdue", "brand-new"), holdingOnly)).containsExactly(
                "rule foi-overdue has no scenario where it does not hold (list it under not_holds), nor on unknown values"
                        + " (a scenario marked unknowns: true that lists it)",
                "rule brand-new has no scenarios");
    }
}
