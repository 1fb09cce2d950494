package org.raidwatch.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.raidwatch.files.InputFiles;
import org.raidwatch.json.OutputJson;
import org.raidwatch.local.Replay;
import org.raidwatch.schema.CaseFlag;
import org.raidwatch.schema.FlagStatus;
import org.raidwatch.schema.ForceRates;
import org.raidwatch.topology.RateBase;
import org.raidwatch.topology.RateVocabulary;

/**
 * Writes a replay's results: as JSON Lines (flags.jsonl, force-rates.jsonl, rejected.jsonl), as CSV
 * for spreadsheets (flags.csv, force-rates.csv), and, when asked, as one workbook (results.xlsx) with
 * a sheet each for the flags, the rates and the rejected rows.
 */
final class ReplayOutput {

    private static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.INDENT_OUTPUT);
    /** Writes one value into a generator that stays open, without flushing it to the file after each. */
    private static final ObjectWriter LINE = JSON.writer().without(SerializationFeature.FLUSH_AFTER_WRITE_VALUE);

    private ReplayOutput() {
    }

    /** The files written, and the rates' and rejected rows' tables (for the workbook). */
    record Written(Path flags, Path rates, Path rejected, List<Map<String, Object>> rateRows, List<Map<String, Object>> rejectionRows) {
    }

    /** A flag's columns in flags.csv and the workbook's flags sheet. */
    static final List<String> FLAG_COLUMNS = List.of("raidId", "ruleId", "status", "severity", "force", "raidDate", "explanation",
            "evidence", "sourceUrl", "foiReference", "ruleSetVersion");
    /** A rejected row's columns. */
    static final List<String> REJECTION_COLUMNS = List.of("file", "line", "reason");

    /**
     * flags.jsonl, written flag by flag as a replay hands them on (by raid id, then rule id), first
     * under a temporary name: it becomes flags.jsonl only when {@link #finish()} is called, so a replay
     * that stops half way leaves no flags file that looks whole. Counts the flags by rule as it goes.
     */
    static final class FlagsFile implements AutoCloseable {
        private final Path dir;
        private final Path target;
        private final Path partial;
        private final BufferedWriter writer;
        /** flags.jsonl's lines, written through one generator rather than a string each. */
        private final JsonGenerator lines;
        private final Path csvPartial;
        private final TableFiles.Csv csv;
        private final TableFiles.Workbook workbook;
        private final TableFiles.Workbook.Sheet flagsSheet;
        private final Map<String, Long> holding = new TreeMap<>();
        private final Map<String, Long> resolved = new TreeMap<>();
        private boolean finished;

        /** @param workbook whether to write results.xlsx too */
        FlagsFile(Path dir, boolean workbook) throws IOException {
            this.dir = dir;
            this.target = dir.resolve("flags.jsonl");
            this.partial = dir.resolve("flags.jsonl.partial");
            this.csvPartial = dir.resolve("flags.csv.partial");
            this.writer = Files.newBufferedWriter(partial, StandardCharsets.UTF_8);
            this.lines = jsonLines(writer);
            TableFiles.Csv table = null;
            try {
                table = new TableFiles.Csv(csvPartial, FLAG_COLUMNS);
            } catch (IOException | RuntimeException e) {
                writer.close();
                Files.deleteIfExists(partial);
                Files.deleteIfExists(csvPartial);
                throw e;
            }
            this.csv = table;
            this.workbook = workbook ? new TableFiles.Workbook() : null;
            this.flagsSheet = workbook ? this.workbook.sheet("flags", FLAG_COLUMNS) : null;
        }

        void write(CaseFlag flag) {
            Map<String, Object> row = flag(flag);
            try {
                writeLine(lines, row);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + partial + ": " + e.getMessage(), e);
            }
            csv.write(row);
            if (flagsSheet != null) {
                row.put("raidDate", flag.getRaidDate());
                flagsSheet.write(row);
            }
            (flag.getStatus() == FlagStatus.RESOLVED ? resolved : holding).merge(flag.getRuleId(), 1L, Long::sum);
        }

        /** Flags by rule: those holding now, and those resolved. */
        Map<String, Long> holdingByRule() {
            return holding;
        }

        Map<String, Long> resolvedByRule() {
            return resolved;
        }

        /**
         * Every flag is written: the workbook (if asked) gets the rates' and rejected rows' sheets and is
         * saved, then flags.csv and flags.jsonl take their names, the JSON Lines last.
         */
        void finish(Written written) throws IOException {
            lines.close();
            writer.close();
            csv.close();
            if (workbook != null) {
                TableFiles.Workbook.Sheet rates = workbook.sheet("force-rates", columnsOf(written.rateRows()));
                written.rateRows().forEach(rates::write);
                TableFiles.Workbook.Sheet rejected = workbook.sheet("rejected", REJECTION_COLUMNS);
                written.rejectionRows().forEach(rejected::write);
                workbook.saveTo(dir.resolve("results.xlsx"));
            }
            Files.move(csvPartial, dir.resolve("flags.csv"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            finished = true;
        }

        /** Closes the files; unless finished, removes them, even when closing one failed (a full disk). */
        @Override
        public void close() throws IOException {
            try (writer; csv; TableFiles.Workbook book = workbook) {
                lines.close();
            } finally {
                if (!finished) {
                    Files.deleteIfExists(partial);
                    Files.deleteIfExists(csvPartial);
                }
            }
        }
    }

    /** Writes force-rates.jsonl and rejected.jsonl (flags.jsonl is {@link FlagsFile}'s, finished after them). */
    static Written write(Path dir, Replay.Result result, List<InputFiles.Rejection> rejected, RateBase base) throws IOException {
        List<Map<String, Object>> rateRows = result.rates().stream()
                .sorted(Comparator.comparing((ForceRates r) -> RateVocabulary.isNational(r) ? "" : r.getForce())
                        .thenComparing(r -> RateVocabulary.isAllTime(r) ? "" : r.getWindow()))
                .map(rates -> OutputJson.rates(rates, base)).toList();
        List<Map<String, Object>> rejectionRows = rejected.stream().map(ReplayOutput::rejection).toList();
        Written written = new Written(dir.resolve("flags.jsonl"), dir.resolve("force-rates.jsonl"), dir.resolve("rejected.jsonl"),
                rateRows, rejectionRows);
        writeLines(written.rates(), rateRows, row -> row);
        try (TableFiles.Csv csv = new TableFiles.Csv(dir.resolve("force-rates.csv"), columnsOf(rateRows))) {
            rateRows.forEach(csv::write);
        }
        writeRejections(written.rejected(), rejected);
        return written;
    }

    /** A rates table's columns: every rates row has the same keys, in the same order. */
    private static List<String> columnsOf(List<Map<String, Object>> rateRows) {
        return rateRows.isEmpty() ? List.copyOf(OutputJson.rates(RateVocabulary.zeroFilled(RateVocabulary.NATIONAL, RateVocabulary.ALL_TIME),
                RateBase.DEFAULT).keySet()) : List.copyOf(rateRows.get(0).keySet());
    }

    static void writeRejections(Path file, List<InputFiles.Rejection> rejected) throws IOException {
        writeLines(file, rejected, ReplayOutput::rejection);
    }

    static Map<String, Object> flag(CaseFlag flag) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("raidId", flag.getRaidId());
        json.put("ruleId", flag.getRuleId());
        json.put("status", flag.getStatus().toString());
        json.put("severity", flag.getSeverity().toString());
        json.put("force", flag.getForce());
        json.put("raidDate", flag.getRaidDate().toString());
        json.put("explanation", flag.getExplanation());
        json.put("evidence", new TreeMap<>(flag.getEvidence()));
        json.put("sourceUrl", flag.getSourceUrl());
        json.put("foiReference", flag.getFoiReference());
        json.put("ruleSetVersion", flag.getRuleSetVersion());
        return json;
    }

    private static Map<String, Object> rejection(InputFiles.Rejection rejection) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("file", rejection.file());
        json.put("line", rejection.line());
        json.put("reason", rejection.reason());
        return json;
    }

    /** One JSON object a line, each made as it is written (a replay can write a million). */
    private static <T> void writeLines(Path file, List<T> items, Function<T, Map<String, Object>> toJson) throws IOException {
        try (BufferedWriter writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8); JsonGenerator lines = jsonLines(writer)) {
            for (T item : items) {
                writeLine(lines, toJson.apply(item));
            }
        }
    }

    /** JSON Lines on {@code writer}: values one a line, with nothing between them but the line ends. */
    private static JsonGenerator jsonLines(Writer writer) throws IOException {
        JsonGenerator lines = JSON.getFactory().createGenerator(writer);
        lines.setRootValueSeparator(null);
        return lines;
    }

    /** One value and its line end, left in the generator's buffer (not flushed to the file after each). */
    private static void writeLine(JsonGenerator lines, Object value) throws IOException {
        LINE.writeValue(lines, value);
        lines.writeRaw('\n');
    }
}
