package org.raidwatch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layers of the production code, held by a test so they stay as the README draws them:
 * {@code cli} on top; then the reports, the benchmarks, the in-process stack and the instance assembly;
 * the HTTP side, alerts, rule delivery, serving, clients and deployment; the runner and the JSON shapes;
 * the topology; rules, files and the demo data; serdes and the contract at the bottom. Each rule says what a package may not use, and packages form no cycle.
 */
class LayersTest {

    private static JavaClasses production;

    @BeforeAll
    static void importProductionClasses() {
        production = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.raidwatch");
    }

    @Test
    void nothing_imports_the_command_line() {
        noClasses().that().resideOutsideOfPackage("org.raidwatch.cli..")
                .should().dependOnClassesThat().resideInAPackage("org.raidwatch.cli..")
                .check(production);
    }

    @Test
    void only_the_command_line_reaches_the_benchmarks() {
        noClasses().that().resideOutsideOfPackages("org.raidwatch.cli..", "org.raidwatch.bench..")
                .should().dependOnClassesThat().resideInAPackage("org.raidwatch.bench..")
                .check(production);
    }

    @Test
    void the_topology_uses_nothing_of_the_runtime_around_it() {
        noClasses().that().resideInAPackage("org.raidwatch.topology..")
                .should().dependOnClassesThat().resideInAnyPackage("org.raidwatch.cli..", "org.raidwatch.http..",
                        "org.raidwatch.alerts..", "org.raidwatch.local..", "org.raidwatch.bench..", "org.raidwatch.runner..",
                        "org.raidwatch.deployment..", "org.raidwatch.serving..", "org.raidwatch.ruledelivery..",
                        "org.raidwatch.clients..", "org.raidwatch.instance..")
                .check(production);
    }

    @Test
    void rules_know_nothing_of_the_stream() {
        noClasses().that().resideInAPackage("org.raidwatch.rules..")
                .should().dependOnClassesThat().resideInAnyPackage("org.raidwatch.topology..", "org.raidwatch.runner..",
                        "org.raidwatch.http..", "org.raidwatch.local..", "org.raidwatch.deployment..", "org.raidwatch.instance..")
                .check(production);
    }

    @Test
    void the_contract_and_the_serdes_are_the_bottom_layer() {
        noClasses().that().resideInAnyPackage("org.raidwatch.contract..", "org.raidwatch.serde..")
                .should().dependOnClassesThat().resideInAnyPackage("org.raidwatch.topology..", "org.raidwatch.rules..",
                        "org.raidwatch.files..", "org.raidwatch.demo..", "org.raidwatch.runner..", "org.raidwatch.deployment..",
                        "org.raidwatch.serving..", "org.raidwatch.http..", "org.raidwatch.local..", "org.raidwatch.clients..")
                .check(production);
    }

    @Test
    void the_http_side_reads_the_running_stream_but_not_the_topology_internals() {
        noClasses().that().resideInAPackage("org.raidwatch.http..")
                .should().dependOnClassesThat().resideInAnyPackage("org.raidwatch.local..", "org.raidwatch.bench..",
                        "org.raidwatch.ruledelivery..", "org.raidwatch.instance..")
                .check(production);
    }

    @Test
    void the_runner_knows_no_deployment_serving_or_local_stack() {
        noClasses().that().resideInAPackage("org.raidwatch.runner..")
                .should().dependOnClassesThat().resideInAnyPackage("org.raidwatch.deployment..", "org.raidwatch.serving..",
                        "org.raidwatch.local..", "org.raidwatch.http..", "org.raidwatch.clients..", "org.raidwatch.instance..")
                .check(production);
    }

    @Test
    void only_the_command_line_writes_reports() {
        noClasses().that().resideOutsideOfPackages("org.raidwatch.cli..", "org.raidwatch.report..")
                .should().dependOnClassesThat().resideInAPackage("org.raidwatch.report..")
                .check(production);
    }

    @Test
    void the_json_shapes_know_nothing_of_what_serves_them() {
        noClasses().that().resideInAPackage("org.raidwatch.json..")
                .should().dependOnClassesThat().resideInAnyPackage("org.raidwatch.cli..", "org.raidwatch.http..", "org.raidwatch.alerts..",
                        "org.raidwatch.local..", "org.raidwatch.runner..", "org.raidwatch.serving..", "org.raidwatch.report..",
                        "org.raidwatch.instance..", "org.raidwatch.deployment..")
                .check(production);
    }

    @Test
    void only_the_command_line_assembles_instances() {
        noClasses().that().resideOutsideOfPackages("org.raidwatch.cli..", "org.raidwatch.instance..")
                .should().dependOnClassesThat().resideInAPackage("org.raidwatch.instance..")
                .check(production);
    }

    @Test
    void packages_form_no_cycle() {
        slices().matching("org.raidwatch.(*)..").should().beFreeOfCycles().check(production);
    }
}
