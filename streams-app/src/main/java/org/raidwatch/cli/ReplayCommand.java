package org.raidwatch.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.raidwatch.clients.InputLoader;
import org.raidwatch.files.InputFiles;
import org.raidwatch.local.Replay;
import org.raidwatch.local.ReplayProgress;
import org.raidwatch.report.ReplayReport;
import org.raidwatch.rules.RuleSet;
import org.raidwatch.topology.RateBase;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "replay", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Run CSV, JSON Lines or .xlsx files through raidwatch and write flags, rates and rejected rows.",
        description = {
                "Runs files of raid reports and FOI updates (CSV with a header row, JSON Lines, or a sheet of an .xlsx workbook) through the raidwatch topology on an in-process Kafka broker, and writes to --out:",
                "  flags.jsonl        every raid + rule ever flagged, in its final state",
                "  force-rates.jsonl  every force + window, with every count and rate, each rate's 95%% interval and low-base mark",
                "  rejected.jsonl     every rejected row, with its file, line and reason",
                "  flags.csv, force-rates.csv  the same flags and rates for spreadsheets (UTF-8, a header row)",
                "  results.xlsx       with --xlsx: one workbook, a sheet each for flags, force-rates and rejected",
                "Exit status: 0 every row accepted; 3 some rows rejected (all outputs still written); 5 some records could not be delivered to the in-process broker (listed on stderr as file:line: reason; no output written); 2 usage error, unreadable file or a rule set that does not build; 1 the replay did not finish."})
final class ReplayCommand implements Callable<Integer> {


    @Spec
    CommandSpec spec;

    @Mixin
    InputFilesOption inputs;

    @Mixin
    RulesOption rules;

    @Option(names = "--as-of", paramLabel = "YYYY-MM-DD",
            description = "\"Now\" for time-dependent rules such as foi-overdue (default: the latest date in the input).")
    LocalDate asOf;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder for the output files (created if missing).")
    Path out;

    @Option(names = "--low-base", paramLabel = "N", defaultValue = "10",
            description = "Mark a rate low base when its denominator (e.g. raids with a known referral figure) is below N (default: ${DEFAULT-VALUE}).")
    int lowBase;

    @Option(names = "--xlsx", description = "Also write results.xlsx: one workbook with a sheet each for the flags, the rates and the rejected rows.")
    boolean xlsx;

    @Option(names = "--report", paramLabel = "FILE.html",
            description = "Also write a self-contained HTML report for readers: headline rates with counts and intervals, every force,"
                    + " charts, the flagged cases, the rejected rows, what produced it and how to read it (opens with no network; prints).")
    Path report;

    @Option(names = "--quiet", description = "No progress line on the terminal (there is none when the output is not a terminal).")
    boolean quiet;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10m", converter = DurationConverter.class,
            description = "Give up when processing takes longer (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() throws Exception {
        InputFilesOption.Sources sources = inputs.sources(spec);
        if (lowBase < 1) {
            throw new Failures.UsageFailure("--low-base must be a whole number from 1 up, got " + lowBase);
        }
        // A rule set that does not build is the user's to read first, before any log line.
        RuleSet ruleSet = rules.load();
        return ConsoleLogging.divertedWhile(spec.commandLine().getErr(), "replay", () -> replay(sources, ruleSet));
    }

    private void writeReport(ReplayReport reader, InputFilesOption.Sources sources, InputFiles.Scanned[] scanned, RuleSet ruleSet,
                             Replay.Result result, List<InputFiles.Rejection> rejected) throws IOException {
        List<ReplayReport.Input> inputs = new ArrayList<>();
        if (sources.raids() != null) {
            inputs.add(new ReplayReport.Input("raid reports", sources.raidsFile(), sources.raidsSheet(), scanned[0].rowsRead(),
                    scanned[0].rejected().size(), InputFiles.sha256(sources.raids())));
        }
        if (sources.foi() != null) {
            inputs.add(new ReplayReport.Input("FOI updates", sources.foiFile(), sources.foiSheet(), scanned[1].rowsRead(),
                    scanned[1].rejected().size(), InputFiles.sha256(sources.foi())));
        }
        Path reportFolder = report.toAbsolutePath().normalize().getParent();
        String outputs = relativeLink(reportFolder, out.toAbsolutePath().normalize());
        ReplayReport.Provenance provenance = new ReplayReport.Provenance(RaidwatchCommand.version(), result.asOf(), java.time.Instant.now(),
                ruleSet, ruleSet.digest(), inputs, outputs);
        Files.createDirectories(reportFolder);
        reader.write(report, provenance, result.rates(), new RateBase(lowBase), rejected);
    }

    /**
     * The output folder as a link from the report's folder: relative, each segment percent-encoded, and
     * starting {@code ./} (so no folder name can read as a scheme such as {@code javascript:}).
     */
    static String relativeLink(Path from, Path to) {
        StringBuilder link = new StringBuilder("./");
        for (Path segment : from.relativize(to)) {
            String name = segment.toString();
            if (name.isEmpty()) {
                continue;
            }
            link.append(java.net.URLEncoder.encode(name, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20")).append('/');
        }
        return link.toString();
    }

    private int replay(InputFilesOption.Sources sources, RuleSet ruleSet) throws Exception {
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new Failures.UsageFailure("cannot create the output folder " + out + ": " + e.getMessage());
        }

        // The files are read as their rows are sent, and the flags written as they are read back: neither is held.
        InputFiles.Scanned[] scanned = new InputFiles.Scanned[2];
        Replay.Rows rows = (reports, updates) -> {
            if (sources.raids() != null) {
                scanned[0] = InputFiles.scanRaidReports(sources.raids(), sources.raidsSheet(), reports);
            }
            if (sources.foi() != null) {
                scanned[1] = InputFiles.scanFoiUpdates(sources.foi(), sources.foiSheet(), updates);
            }
        };
        Replay.Result result;
        ReplayOutput.Written written;
        List<InputFiles.Rejection> rejected = new ArrayList<>();
        ReplayOutput.FlagsFile flags = new ReplayOutput.FlagsFile(out, xlsx);
        ReplayProgress progress = new ReplayProgress();
        long estimatedRows = (sources.raids() == null ? 0 : InputFiles.estimateRows(sources.raids()))
                + (sources.foi() == null ? 0 : InputFiles.estimateRows(sources.foi()));
        ReplayReport reader = report == null ? null : new ReplayReport();
        java.util.function.Consumer<org.raidwatch.schema.CaseFlag> handOn = reader == null ? flags::write : flag -> {
            flags.write(flag);
            reader.flag(flag);
        };
        try (flags; ProgressLine line = ProgressLine.onTerminal(quiet, new ReplayProgressLine("replay", progress, estimatedRows))) {
            result = Replay.run(ruleSet, asOf, sources.raidsFile(), sources.foiFile(), rows, handOn, timeout, progress);
            for (InputFiles.Scanned file : scanned) {
                if (file != null) {
                    rejected.addAll(file.rejected());
                }
            }
            for (Replay.DeadLetter dead : result.deadLetters()) {
                rejected.add(new InputFiles.Rejection(dead.file(), dead.line(), dead.reason()));
            }
            // The rates and rejected rows first: flags.jsonl takes its name last, once every output is written.
            written = ReplayOutput.write(out, result, rejected, new RateBase(lowBase));
            flags.finish(written);
            if (reader != null) {
                writeReport(reader, sources, scanned, ruleSet, result, rejected);
            }
        } catch (InputLoader.UndeliveredRecordsException undelivered) {
            PrintWriter err = spec.commandLine().getErr();
            undelivered.failures().forEach(err::println);
            err.printf("raidwatch: %s; the replay stopped and wrote nothing%n", undelivered.getMessage());
            err.flush();
            return ExitCodes.UNDELIVERED;
        } catch (InputFiles.UnreadableFileException e) {
            throw new Failures.UsageFailure(e.getMessage());
        }

        PrintWriter console = spec.commandLine().getOut();
        console.printf("raidwatch replay as of %s with rule set %s (%s)%n", result.asOf(), ruleSet.version(), ruleSet.source());
        if (scanned[0] != null) {
            console.printf("  %s: %d rows read, %d rejected%n", sources.raidsFile(), scanned[0].rowsRead(), scanned[0].rejected().size());
        }
        if (scanned[1] != null) {
            console.printf("  %s: %d rows read, %d rejected%n", sources.foiFile(), scanned[1].rowsRead(), scanned[1].rejected().size());
        }
        if (!result.deadLetters().isEmpty()) {
            console.printf("  %d records could not be evaluated (a rule threw); see rejected.jsonl%n", result.deadLetters().size());
        }
        ConsoleReport.flagsByRule(console, flags.holdingByRule(), flags.resolvedByRule());
        ConsoleReport.nationalRates(console, result.rates(), new RateBase(lowBase));
        console.printf("  wrote %s (%d), %s (%d), %s (%d)%n", written.flags(), result.flags(), written.rates(),
                result.rates().size(), written.rejected(), rejected.size());
        if (report != null) {
            console.printf("  the report for readers: %s%n", report);
        }
        console.printf("  and for spreadsheets %s, %s%s%n", out.resolve("flags.csv"), out.resolve("force-rates.csv"),
                xlsx ? ", " + out.resolve("results.xlsx") : "");
        console.flush();
        return rejected.isEmpty() ? ExitCodes.OK : ExitCodes.ROWS_REJECTED;
    }
}
