package org.raidwatch.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.raidwatch.rules.RuleSet;
import org.raidwatch.rules.RuleSetException;
import org.raidwatch.rules.scenario.Coverage;
import org.raidwatch.rules.scenario.Scenario;
import org.raidwatch.rules.scenario.ScenarioFiles;
import org.raidwatch.rules.scenario.ScenarioRun;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code raidwatch rules}: a rule set's scenarios run without Java, and the check before a rule set goes live. */
@Command(name = "rules", mixinStandardHelpOptions = true,
        header = "Test and check rule sets, see a change's effect, and publish a signed set to running instances.",
        description = {
                "DIR is a folder of .drl files, as given to --rules (default: the shipped rule set and its scenarios).",
                "Its scenarios are the .yaml, .yml and .json files in DIR/tests or, when there is none, in DIR/../tests (the repository's own layout: rules/drl and rules/tests); --tests names another folder.",
                "  test     run every scenario, printing PASS or FAIL for each and the difference on a failure",
                "  check    build the rule set (every problem as file:line: message), read the scenarios, warn about a rule without a scenario where it holds, one where it does not and one on unknown values, then run the scenarios",
                "  diff     the flags a new rule set would raise, resolve and change on a dataset (see its --help)",
                "  keygen   make an Ed25519 key pair for signing published rule sets",
                "  publish  check, sign and publish a rule set to the rules topic; running instances that trust the key put it in force",
                "Exit status (test, check): 0 every scenario passed; 1 a scenario failed; 2 the rule set does not build, a scenario file cannot be used, or a usage error. Each of diff, keygen and publish lists its own."},
        subcommands = {RulesCommand.Test.class, RulesCommand.Check.class, RulesDiffCommand.class, RulesKeygenCommand.class,
                RulesPublishCommand.class})
final class RulesCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name what to do: test, check, diff, keygen or publish");
    }

    /** The rule folder and its scenario folder, shared by both subcommands. */
    static final class Folders {
        @Parameters(index = "0", arity = "0..1", paramLabel = "DIR",
                description = "Folder of .drl rule files (default: the shipped rule set, rules/drl in the repository).")
        Path rules;

        @Option(names = "--tests", paramLabel = "FOLDER",
                description = "Folder of scenario files (default: DIR/tests, else DIR/../tests; the shipped scenarios without DIR).")
        Path tests;

        RuleSet load() {
            return rules == null ? RuleSet.loadShipped() : RuleSet.load(rules);
        }

        /** The scenarios, or null (with a message) when a folder given cannot be used. */
        ScenarioFiles.Read scenarios() {
            if (tests != null) {
                if (!Files.isDirectory(tests)) {
                    throw new Failures.UsageFailure("--tests " + tests + ": no such folder");
                }
                return ScenarioFiles.read(tests);
            }
            if (rules == null) {
                return ScenarioFiles.readShipped();
            }
            Path folder = ScenarioFiles.folderFor(rules);
            return folder == null ? new ScenarioFiles.Read(List.of(), List.of(), List.of()) : ScenarioFiles.read(folder);
        }

        String scenarioFolder() {
            if (tests != null) {
                return tests.toString();
            }
            if (rules == null) {
                return ScenarioFiles.SHIPPED_NAME;
            }
            Path folder = ScenarioFiles.folderFor(rules);
            return folder == null ? "none (no " + rules.resolve(ScenarioFiles.FOLDER_NAME) + " nor "
                    + rules.resolve("..").resolve(ScenarioFiles.FOLDER_NAME).normalize() + ")" : folder.toString();
        }

        String ruleSource() {
            return rules == null ? "the shipped rule set" : rules.toString();
        }
    }

    @Command(name = "test", mixinStandardHelpOptions = true,
            header = "Run a rule set's scenarios: PASS or FAIL for each, with the difference on a failure.",
            description = {
                    "Scenarios are in DIR/tests, else DIR/../tests, or in --tests FOLDER; without DIR, the shipped ones.",
                    "Exit status: 0 every scenario passed; 1 a scenario failed; 2 the rule set does not build, a scenario file cannot be used (each problem as file:line: message), no scenario files were found, or a usage error."})
    static final class Test implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @CommandLine.Mixin
        Folders folders;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            ScenarioFiles.Read read = folders.scenarios();
            if (read.files().isEmpty()) {
                throw new Failures.UsageFailure("no scenario files (.yaml, .yml, .json) for " + folders.ruleSource() + "; looked in "
                        + folders.scenarioFolder());
            }
            RuleSet rules = build(folders, err);
            if (rules == null) {
                return ExitCodes.USAGE;
            }
            out.println("rule set " + folders.ruleSource() + " (version " + rules.version() + ", " + rules.ruleIds().size()
                    + " rules); scenarios in " + folders.scenarioFolder());
            List<String> problems = new ArrayList<>(read.problems());
            problems.addAll(ScenarioRun.undefinedRuleIds(rules, read.scenarios()));
            Results results = runAll(rules, read.scenarios(), out, true);
            problems.forEach(err::println);
            out.println(results.summary(problems.size()));
            out.flush();
            err.flush();
            return !problems.isEmpty() ? ExitCodes.USAGE : results.failed > 0 ? ExitCodes.FAILED : ExitCodes.OK;
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            header = "Check a rule set before it goes live: it builds, its scenarios are sound and cover every rule, and they pass.",
            description = {
                    "Builds the rule set and prints every problem as file:line: message (a rule without @description(\"...\") is one); reads the scenarios (DIR/tests, else DIR/../tests, or --tests FOLDER) and prints their problems the same way; warns about each rule that lacks a scenario where it holds, one where it does not, or one on unknown values; then runs the scenarios, printing each failure with its difference.",
                    "Exit status: 0 the rule set builds and every scenario passed (warnings allowed); 1 a scenario failed; 2 the rule set does not build, a scenario file cannot be used, or a usage error."})
    static final class Check implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @CommandLine.Mixin
        Folders folders;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            RuleSet rules = build(folders, err);
            if (rules == null) {
                return ExitCodes.USAGE;
            }
            ScenarioFiles.Read read = folders.scenarios();
            List<String> problems = new ArrayList<>(rules.undescribed());
            problems.addAll(read.problems());
            problems.addAll(ScenarioRun.undefinedRuleIds(rules, read.scenarios()));
            problems.forEach(err::println);
            List<String> warnings = new ArrayList<>();
            for (String ruleId : rules.ruleIds()) {
                for (String warning : Coverage.warnings(List.of(ruleId), read.scenarios())) {
                    String where = rules.locationOf(ruleId);
                    warnings.add((where == null ? "" : where + ": ") + "warning: " + warning);
                }
            }
            warnings.forEach(err::println);
            Results results = runAll(rules, read.scenarios(), out, false);
            out.println("rule set " + folders.ruleSource() + " builds (version " + rules.version() + ", " + rules.ruleIds().size()
                    + " rules); scenarios in " + folders.scenarioFolder() + ": " + results.summary(problems.size())
                    + "; " + warnings.size() + (warnings.size() == 1 ? " warning" : " warnings"));
            out.flush();
            err.flush();
            return !problems.isEmpty() ? ExitCodes.USAGE : results.failed > 0 ? ExitCodes.FAILED : ExitCodes.OK;
        }
    }

    /** The built rule set, or null after printing each problem as {@code file:line: message}. */
    private static RuleSet build(Folders folders, PrintWriter err) {
        try {
            return folders.load();
        } catch (RuleSetException e) {
            e.problems().forEach(err::println);
            err.println("raidwatch: the rule set " + folders.ruleSource() + " does not build (" + e.problems().size()
                    + (e.problems().size() == 1 ? " problem)" : " problems)"));
            err.flush();
            return null;
        }
    }

    private record Results(int passed, int failed, int notRun) {
        String summary(int problems) {
            String text = (passed + failed + notRun) + " scenarios: " + passed + " passed, " + failed + " failed";
            if (notRun > 0) {
                text += ", " + notRun + " not run (they name rules the set does not define)";
            }
            if (problems > 0) {
                text += ", " + problems + (problems == 1 ? " problem" : " problems") + " in the rule or scenario files";
            }
            return text;
        }
    }

    private static Results runAll(RuleSet rules, List<Scenario> scenarios, PrintWriter out, boolean printPasses) {
        int passed = 0;
        int failed = 0;
        int notRun = 0;
        for (Scenario scenario : scenarios) {
            if (!ScenarioRun.runnable(rules, scenario)) {
                notRun++;
                continue;
            }
            ScenarioRun.Outcome outcome = ScenarioRun.run(rules, scenario);
            if (outcome.passed()) {
                passed++;
                if (printPasses) {
                    out.println("PASS " + scenario.location() + "  " + scenario.name());
                }
            } else {
                failed++;
                out.println("FAIL " + scenario.location() + "  " + scenario.name());
                outcome.differences().forEach(difference -> out.println("       " + difference));
            }
        }
        return new Results(passed, failed, notRun);
    }
}
