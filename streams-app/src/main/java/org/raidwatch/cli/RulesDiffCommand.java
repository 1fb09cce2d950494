package org.raidwatch.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.raidwatch.clients.InputLoader;
import org.raidwatch.files.InputFiles;
import org.raidwatch.json.OutputJson;
import org.raidwatch.local.FlagDiff;
import org.raidwatch.local.Replay;
import org.raidwatch.local.ReplayProgress;
import org.raidwatch.report.DiffReport;
import org.raidwatch.report.ReplayReport;
import org.raidwatch.rules.RuleSet;
import org.raidwatch.schema.CaseFlag;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "diff", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Show what a new rule set would change: the flags that would appear and disappear on the given data.",
        description = {
                "Runs the files of raid reports and FOI updates through raidwatch twice, as replay does (an in-process Kafka broker, the production topology, a fixed as-of date): once under the current rule set, once under the new one. Then prints, rule by rule, the flags that would appear (open under the new set only), disappear (open under the current set only) and change (open under both, with another severity, explanation or evidence).",
                "Rows the input contract refuses are left out of both runs and counted; cases on which a rule fails are listed for each set.",
                "Exit status: 0 the comparison was made (whether or not anything changes); 2 usage error, unreadable file or a rule set that does not build; 5 records could not be delivered to the in-process broker; 1 a run did not finish."})
final class RulesDiffCommand implements Callable<Integer> {

    /** How many flags of each kind the text output lists per rule; --json lists all. */
    private static final int LISTED = 20;

    @Spec
    CommandSpec spec;

    @Option(names = "--rules", required = true, paramLabel = "NEW_DIR", description = "Folder of the new rule set's .drl files.")
    Path newRules;

    @Option(names = "--current", paramLabel = "DIR",
            description = "Folder of the current rule set (default: the shipped rule set, rules/drl in the repository).")
    Path currentRules;

    @Mixin
    InputFilesOption inputs;

    @Option(names = "--as-of", paramLabel = "YYYY-MM-DD",
            description = "\"Now\" for time-dependent rules such as foi-overdue (default: the latest date in the input).")
    LocalDate asOf;

    @Option(names = "--json", description = "Print the whole comparison as one JSON document instead of text.")
    boolean json;

    @Option(names = "--report", paramLabel = "FILE.html",
            description = "Also write a self-contained HTML report: per rule, the flags that would appear, disappear and change, with their cases.")
    Path report;

    @Option(names = "--quiet", description = "No progress line on the terminal (there is none when the output is not a terminal).")
    boolean quiet;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10m", converter = DurationConverter.class,
            description = "Give up when one run takes longer (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() throws Exception {
        InputFilesOption.Read read = inputs.read(spec);
        // Rule sets that do not build are the user's to read first, before any log line.
        RuleSet current = currentRules == null ? RuleSet.loadShipped() : RuleSet.load(currentRules);
        RuleSet proposed = RuleSet.load(newRules);
        return ConsoleLogging.divertedWhile(spec.commandLine().getErr(), "rules-diff", () -> compare(read, current, proposed));
    }

    private int compare(InputFilesOption.Read read, RuleSet current, RuleSet proposed) throws Exception {
        Replay.Result before;
        Replay.Result after;
        List<CaseFlag> flagsBefore = new ArrayList<>();
        List<CaseFlag> flagsAfter = new ArrayList<>();
        try {
            long rows = (read.raids() == null ? 0 : read.raids().accepted().size()) + (read.fois() == null ? 0 : read.fois().accepted().size());
            ReplayProgress first = new ReplayProgress();
            try (ProgressLine line = ProgressLine.onTerminal(quiet, new ReplayProgressLine("rules diff, 1 of 2 (current rules)", first, rows))) {
                before = Replay.run(current, asOf, read.raidsFile(), read.raids(), read.foiFile(), read.fois(), flagsBefore::add, timeout, first);
            }
            ReplayProgress second = new ReplayProgress();
            try (ProgressLine line = ProgressLine.onTerminal(quiet, new ReplayProgressLine("rules diff, 2 of 2 (proposed rules)", second, rows))) {
                after = Replay.run(proposed, before.asOf(), read.raidsFile(), read.raids(), read.foiFile(), read.fois(), flagsAfter::add, timeout,
                        second);
            }
        } catch (InputLoader.UndeliveredRecordsException undelivered) {
            PrintWriter err = spec.commandLine().getErr();
            undelivered.failures().forEach(err::println);
            err.printf("raidwatch: %s; no comparison made%n", undelivered.getMessage());
            err.flush();
            return ExitCodes.UNDELIVERED;
        }
        LocalDate now = before.asOf();
        FlagDiff diff = FlagDiff.between(flagsBefore, flagsAfter, current.ruleIds(), proposed.ruleIds());
        if (report != null) {
            writeReport(read, current, proposed, now, diff);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(OutputJson.write(asJson(diff, current, proposed, now, read, before, after)));
        } else {
            printText(out, diff, current, proposed, now, read, before, after);
            if (report != null) {
                out.printf("  the report for readers: %s%n", report);
            }
        }
        out.flush();
        return ExitCodes.OK;
    }

    private void writeReport(InputFilesOption.Read read, RuleSet current, RuleSet proposed, LocalDate now, FlagDiff diff) throws IOException {
        List<ReplayReport.Input> files = new ArrayList<>();
        if (read.raids() != null) {
            files.add(new ReplayReport.Input("raid reports", read.raidsFile(), inputs.raidsSheet, read.raids().rowsRead(),
                    read.raids().rejected().size(), InputFiles.sha256(inputs.raids)));
        }
        if (read.fois() != null) {
            files.add(new ReplayReport.Input("FOI updates", read.foiFile(), inputs.foiSheet, read.fois().rowsRead(),
                    read.fois().rejected().size(), InputFiles.sha256(inputs.foi)));
        }
        Path folder = report.toAbsolutePath().getParent();
        Files.createDirectories(folder);
        DiffReport.write(report, new DiffReport.Provenance(RaidwatchCommand.version(), now, java.time.Instant.now(), current, proposed, files), diff);
    }

    private static void printText(PrintWriter out, FlagDiff diff, RuleSet current, RuleSet proposed, LocalDate now,
                                  InputFilesOption.Read read, Replay.Result before, Replay.Result after) {
        out.printf("raidwatch rules diff as of %s: rule set %s (%s) -> %s (%s)%n", now, current.version(), current.source(),
                proposed.version(), proposed.source());
        out.printf("  %d raid reports and %d FOI updates evaluated, %d rows refused by the input contract%n",
                read.raids() == null ? 0 : read.raids().accepted().size(), read.fois() == null ? 0 : read.fois().accepted().size(),
                read.rejected().size());
        out.printf("  %-36s %8s %8s %9s %9s %9s%n", "rule", "open now", "open new", "appear", "disappear", "change");
        for (FlagDiff.RuleDiff rule : diff.rules()) {
            String note = !rule.inBefore() ? "  (new rule)" : !rule.inAfter() ? "  (removed)" : "";
            out.printf("  %-36s %8d %8d %9s %9s %9s%s%n", rule.ruleId(), rule.openBefore(), rule.openAfter(), signed('+', rule.appear().size()),
                    signed('-', rule.disappear().size()), signed('~', rule.changed().size()), note);
        }
        deadLetters(out, "current", before);
        deadLetters(out, "new", after);
        if (diff.isEmpty()) {
            out.println("No flag would appear, disappear or change.");
            return;
        }
        for (FlagDiff.RuleDiff rule : diff.rules()) {
            if (rule.isUnchanged()) {
                continue;
            }
            out.printf("%n%s%n", rule.ruleId());
            list(out, "+", rule.appear());
            list(out, "-", rule.disappear());
            rule.changed().stream().limit(LISTED).forEach(changed -> {
                out.printf("  ~ %s%n", line(changed.after()));
                out.printf("      was: %s  %s%n", changed.before().getSeverity(), changed.before().getExplanation());
            });
            if (rule.changed().size() > LISTED) {
                out.printf("  ~ ... and %d more (--json lists them all)%n", rule.changed().size() - LISTED);
            }
        }
    }

    private static void list(PrintWriter out, String sign, List<CaseFlag> flags) {
        flags.stream().limit(LISTED).forEach(flag -> out.printf("  %s %s%n", sign, line(flag)));
        if (flags.size() > LISTED) {
            out.printf("  %s ... and %d more (--json lists them all)%n", sign, flags.size() - LISTED);
        }
    }

    private static String line(CaseFlag flag) {
        return flag.getRaidId() + "  " + flag.getForce() + "  " + flag.getRaidDate() + "  " + flag.getSeverity() + "  "
                + flag.getExplanation();
    }

    private static String signed(char sign, int count) {
        return count == 0 ? "0" : sign + String.valueOf(count);
    }

    private static void deadLetters(PrintWriter out, String which, Replay.Result result) {
        if (!result.deadLetters().isEmpty()) {
            out.printf("  %d cases could not be evaluated under the %s rule set:%n", result.deadLetters().size(), which);
            result.deadLetters().stream().limit(LISTED).forEach(dead -> out.printf("    %s:%d: %s%n", dead.file(), dead.line(), dead.reason()));
        }
    }

    private static Map<String, Object> asJson(FlagDiff diff, RuleSet current, RuleSet proposed, LocalDate now, InputFilesOption.Read read,
                                              Replay.Result before, Replay.Result after) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("asOf", now.toString());
        json.put("current", Map.of("version", current.version(), "source", current.source()));
        json.put("new", Map.of("version", proposed.version(), "source", proposed.source()));
        json.put("rowsRefused", read.rejected().size());
        json.put("rules", diff.rules().stream().map(rule -> {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("ruleId", rule.ruleId());
            entry.put("inCurrent", rule.inBefore());
            entry.put("inNew", rule.inAfter());
            entry.put("openNow", rule.openBefore());
            entry.put("openNew", rule.openAfter());
            entry.put("appear", rule.appear().stream().map(OutputJson::flag).toList());
            entry.put("disappear", rule.disappear().stream().map(OutputJson::flag).toList());
            entry.put("change", rule.changed().stream()
                    .map(changed -> Map.of("before", OutputJson.flag(changed.before()), "after", OutputJson.flag(changed.after()))).toList());
            return entry;
        }).toList());
        json.put("notEvaluated", Map.of("current", deadLetters(before), "new", deadLetters(after)));
        return json;
    }

    private static List<Map<String, Object>> deadLetters(Replay.Result result) {
        return result.deadLetters().stream().map(dead -> {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("file", dead.file());
            entry.put("line", dead.line());
            entry.put("raidId", dead.raidId());
            entry.put("ruleId", dead.ruleId());
            entry.put("reason", dead.reason());
            return entry;
        }).toList();
    }
}
