package org.raidwatch.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.raidwatch.clients.InputLoader;
import org.raidwatch.contract.London;
import org.raidwatch.files.InputFiles;
import org.raidwatch.local.Replay;
import org.raidwatch.rules.RuleSet;
import org.raidwatch.schema.FoiUpdate;
import org.raidwatch.schema.RaidReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "replay", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Run CSV or JSON Lines files through raidwatch and write flags, rates and rejected rows.",
        description = {
                "Runs files of raid reports and FOI updates (CSV with a header row, or JSON Lines) through the raidwatch topology on an in-process Kafka broker, and writes to --out:",
                "  flags.jsonl        every raid + rule ever flagged, in its final state",
                "  force-rates.jsonl  every force + window, with every count and rate",
                "  rejected.jsonl     every rejected row, with its file, line and reason",
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

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder for the three output files (created if missing).")
    Path out;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10m", converter = DurationConverter.class,
            description = "Give up when processing takes longer (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() throws Exception {
        InputFilesOption.Read read = inputs.read(spec);
        // A rule set that does not build is the user's to read first, before any log line.
        RuleSet ruleSet = rules.load();
        return ConsoleLogging.divertedWhile(spec.commandLine().getErr(), "replay", () -> replay(read, ruleSet));
    }

    private int replay(InputFilesOption.Read read, RuleSet ruleSet) throws Exception {
        LocalDate now = asOf != null ? asOf : latestDate(read.raids(), read.fois());
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new Failures.UsageFailure("cannot create the output folder " + out + ": " + e.getMessage());
        }

        Replay.Result result;
        try {
            result = Replay.run(ruleSet, now, read.raidsFile(), read.raids(), read.foiFile(), read.fois(), timeout);
        } catch (InputLoader.UndeliveredRecordsException undelivered) {
            PrintWriter err = spec.commandLine().getErr();
            undelivered.failures().forEach(err::println);
            err.printf("raidwatch: %s; the replay stopped and wrote nothing%n", undelivered.getMessage());
            err.flush();
            return ExitCodes.UNDELIVERED;
        }

        List<InputFiles.Rejection> rejected = read.rejected();
        for (Replay.DeadLetter dead : result.deadLetters()) {
            rejected.add(new InputFiles.Rejection(dead.file(), dead.line(), dead.reason()));
        }
        ReplayOutput.Written written = ReplayOutput.write(out, result, rejected);

        PrintWriter console = spec.commandLine().getOut();
        console.printf("raidwatch replay as of %s with rule set %s (%s)%n", now, ruleSet.version(), ruleSet.source());
        if (read.raids() != null) {
            console.printf("  %s: %d rows read, %d rejected%n", read.raidsFile(), read.raids().rowsRead(), read.raids().rejected().size());
        }
        if (read.fois() != null) {
            console.printf("  %s: %d rows read, %d rejected%n", read.foiFile(), read.fois().rowsRead(), read.fois().rejected().size());
        }
        if (!result.deadLetters().isEmpty()) {
            console.printf("  %d records could not be evaluated (a rule threw); see rejected.jsonl%n", result.deadLetters().size());
        }
        ConsoleReport.flagsByRule(console, result.flags());
        ConsoleReport.nationalRates(console, result.rates());
        console.printf("  wrote %s (%d), %s (%d), %s (%d)%n", written.flags(), result.flags().size(), written.rates(),
                result.rates().size(), written.rejected(), rejected.size());
        console.flush();
        return rejected.isEmpty() ? ExitCodes.OK : ExitCodes.ROWS_REJECTED;
    }

    /** The latest date the input mentions: "now" for a replay unless --as-of says otherwise. */
    static LocalDate latestDate(InputFiles.Contents<RaidReport> raids, InputFiles.Contents<FoiUpdate> fois) {
        Stream<LocalDate> reportDates = raids == null ? Stream.empty() : raids.accepted().stream().map(InputFiles.Row::record)
                .flatMap(r -> Stream.of(r.getRaidDate(), r.getReportedAt() == null ? null : LocalDate.ofInstant(r.getReportedAt(), London.ZONE)));
        Stream<LocalDate> foiDates = fois == null ? Stream.empty() : fois.accepted().stream().map(InputFiles.Row::record)
                .flatMap(u -> Stream.of(u.getRequestedOn(), u.getRespondedOn()));
        return Stream.concat(reportDates, foiDates).filter(java.util.Objects::nonNull).max(LocalDate::compareTo)
                .orElse(London.today());
    }
}
