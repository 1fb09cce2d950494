package org.raidwatch.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.raidwatch.files.InputFiles;
import org.raidwatch.schema.FoiUpdate;
import org.raidwatch.schema.RaidReport;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** The {@code --raids FILE} and {@code --foi FILE} options of replay and produce, and reading them. */
final class InputFilesOption {

    @Option(names = "--raids", paramLabel = "FILE", description = "Raid reports (.csv, .jsonl / .ndjson, or an .xlsx workbook).")
    Path raids;

    @Option(names = "--raids-sheet", paramLabel = "NAME", description = "The sheet of the --raids workbook to read (default: its first).")
    String raidsSheet;

    @Option(names = "--foi", paramLabel = "FILE", description = "FOI updates (.csv, .jsonl / .ndjson, or an .xlsx workbook).")
    Path foi;

    @Option(names = "--foi-sheet", paramLabel = "NAME", description = "The sheet of the --foi workbook to read (default: its first).")
    String foiSheet;

    /** What the two files held (null for a file not given). */
    record Read(String raidsFile, InputFiles.Contents<RaidReport> raids, String foiFile, InputFiles.Contents<FoiUpdate> fois) {

        /** Every rejected row of both files, raid reports first. */
        List<InputFiles.Rejection> rejected() {
            List<InputFiles.Rejection> rejected = new ArrayList<>();
            if (raids != null) {
                rejected.addAll(raids.rejected());
            }
            if (fois != null) {
                rejected.addAll(fois.rejected());
            }
            return rejected;
        }
    }

    /** The files given, each as a path and as the user named it (null for a file not given), and the sheets to read of workbooks. */
    record Sources(Path raids, String raidsFile, String raidsSheet, Path foi, String foiFile, String foiSheet) {
    }

    /**
     * The files to read as they are processed (too large to hold, perhaps), once each is known to be
     * readable; a missing or unreadable one is a usage failure naming it.
     */
    Sources sources(CommandSpec spec) {
        if (raids == null && foi == null) {
            throw new ParameterException(spec.commandLine(), "give --raids FILE, --foi FILE, or both");
        }
        if (raidsSheet != null && (raids == null || !InputFiles.isWorkbook(raids))) {
            throw new ParameterException(spec.commandLine(), "--raids-sheet names a sheet of an .xlsx workbook given as --raids");
        }
        if (foiSheet != null && (foi == null || !InputFiles.isWorkbook(foi))) {
            throw new ParameterException(spec.commandLine(), "--foi-sheet names a sheet of an .xlsx workbook given as --foi");
        }
        try {
            if (raids != null) {
                InputFiles.requireReadable(raids);
            }
            if (foi != null) {
                InputFiles.requireReadable(foi);
            }
        } catch (InputFiles.UnreadableFileException e) {
            throw new Failures.UsageFailure(e.getMessage());
        }
        return new Sources(raids, raids == null ? null : raids.toString(), raidsSheet, foi, foi == null ? null : foi.toString(), foiSheet);
    }

    /** Reads the files; a missing or unreadable one is a usage failure naming it. */
    Read read(CommandSpec spec) {
        Sources sources = sources(spec);
        try {
            return new Read(sources.raidsFile(), raids == null ? null : InputFiles.readRaidReports(raids, raidsSheet),
                    sources.foiFile(), foi == null ? null : InputFiles.readFoiUpdates(foi, foiSheet));
        } catch (InputFiles.UnreadableFileException e) {
            throw new Failures.UsageFailure(e.getMessage());
        }
    }
}
