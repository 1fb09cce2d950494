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

    @Option(names = "--raids", paramLabel = "FILE", description = "Raid reports (.csv, or .jsonl / .ndjson).")
    Path raids;

    @Option(names = "--foi", paramLabel = "FILE", description = "FOI updates (.csv, or .jsonl / .ndjson).")
    Path foi;

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

    /** The files given, each as a path and as the user named it (null for a file not given). */
    record Sources(Path raids, String raidsFile, Path foi, String foiFile) {
    }

    /**
     * The files to read as they are processed (too large to hold, perhaps), once each is known to be
     * readable; a missing or unreadable one is a usage failure naming it.
     */
    Sources sources(CommandSpec spec) {
        if (raids == null && foi == null) {
            throw new ParameterException(spec.commandLine(), "give --raids FILE, --foi FILE, or both");
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
        return new Sources(raids, raids == null ? null : raids.toString(), foi, foi == null ? null : foi.toString());
    }

    /** Reads the files; a missing or unreadable one is a usage failure naming it. */
    Read read(CommandSpec spec) {
        Sources sources = sources(spec);
        try {
            return new Read(sources.raidsFile(), raids == null ? null : InputFiles.readRaidReports(raids),
                    sources.foiFile(), foi == null ? null : InputFiles.readFoiUpdates(foi));
        } catch (InputFiles.UnreadableFileException e) {
            throw new Failures.UsageFailure(e.getMessage());
        }
    }
}
