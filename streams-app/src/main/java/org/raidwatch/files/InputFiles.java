package org.raidwatch.files;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import org.raidwatch.contract.InputContract;
import org.raidwatch.schema.FoiUpdate;
import org.raidwatch.schema.RaidReport;
import org.raidwatch.serde.AvroClassTrust;

/**
 * Reads raid reports and FOI updates from files as the input contract defines them (the README's "Input files"): CSV with a header row
 * (snake_case columns), or JSON Lines ({@code .jsonl}, {@code .ndjson}) with the same fields in
 * camelCase (snake_case works too). Every row is checked against the input contract; a row that
 * breaks it is rejected with the file, its 1-based line (the header is line 1) and the reason, and
 * every other row still goes through.
 */
public final class InputFiles {

    private static final ObjectMapper JSON = new ObjectMapper();

    static {
        // Rows become generated Avro records, which Avro only creates for trusted classes.
        AvroClassTrust.install();
    }

    private InputFiles() {
    }

    /** One accepted row: the record and the line it came from. */
    public record Row<T>(T record, long line) {
    }

    /** A rejected row. {@code file} is the path as the user gave it. */
    public record Rejection(String file, long line, String reason) {
    }

    /** What a file held: accepted rows in file order, rejected rows, and how many rows were read. */
    public record Contents<T>(List<Row<T>> accepted, List<Rejection> rejected, int rowsRead) {
    }

    /** What a file held, its accepted rows handed on one by one rather than kept: rejected rows, and how many rows were read and accepted. */
    public record Scanned(List<Rejection> rejected, int rowsRead, int accepted) {
    }

    /** A file that cannot be read at all (missing, unreadable, not CSV or JSON Lines). */
    public static final class UnreadableFileException extends Exception {
        public UnreadableFileException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    public static Contents<RaidReport> readRaidReports(Path file) throws UnreadableFileException {
        return readRaidReports(file, null);
    }

    public static Contents<FoiUpdate> readFoiUpdates(Path file) throws UnreadableFileException {
        return readFoiUpdates(file, null);
    }

    /** @param sheet of a workbook (.xlsx), the sheet to read; null for its first (ignored for other files) */
    public static Contents<RaidReport> readRaidReports(Path file, String sheet) throws UnreadableFileException {
        return read(file, sheet, InputFiles::raidReport);
    }

    /** @param sheet of a workbook (.xlsx), the sheet to read; null for its first (ignored for other files) */
    public static Contents<FoiUpdate> readFoiUpdates(Path file, String sheet) throws UnreadableFileException {
        return read(file, sheet, InputFiles::foiUpdate);
    }

    /** Reads a file of raid reports, handing each accepted row to {@code accepted} as it is read: a million rows are never held at once. */
    public static Scanned scanRaidReports(Path file, Consumer<Row<RaidReport>> accepted) throws UnreadableFileException {
        return scanRaidReports(file, null, accepted);
    }

    /** As {@link #scanRaidReports}, for FOI updates. */
    public static Scanned scanFoiUpdates(Path file, Consumer<Row<FoiUpdate>> accepted) throws UnreadableFileException {
        return scanFoiUpdates(file, null, accepted);
    }

    /** As {@link #scanRaidReports(Path, Consumer)}, from this sheet of a workbook (null: its first). */
    public static Scanned scanRaidReports(Path file, String sheet, Consumer<Row<RaidReport>> accepted) throws UnreadableFileException {
        return scan(file, sheet, InputFiles::raidReport, accepted);
    }

    /** As {@link #scanFoiUpdates(Path, Consumer)}, from this sheet of a workbook (null: its first). */
    public static Scanned scanFoiUpdates(Path file, String sheet, Consumer<Row<FoiUpdate>> accepted) throws UnreadableFileException {
        return scan(file, sheet, InputFiles::foiUpdate, accepted);
    }

    /** Whether a file is read as a workbook (.xlsx). */
    public static boolean isWorkbook(Path file) {
        return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".xlsx");
    }

    /** A missing or unreadable file, refused before anything is read from any file. */
    public static void requireReadable(Path file) throws UnreadableFileException {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new UnreadableFileException(file + ": no such readable file", null);
        }
    }

    private static RaidReport raidReport(RowFields fields) {
        return accepted(InputContract.check(RowFields.raidReport(fields)));
    }

    private static FoiUpdate foiUpdate(RowFields fields) {
        return accepted(InputContract.check(RowFields.foiUpdate(fields)));
    }

    /** The columns of a raid report row, as the input contract names them. */
    public static final List<String> RAID_REPORT_COLUMNS = List.of("raid_id", "revision", "force", "raid_date", "reported_at",
            "source_url", "trafficking_claimed", "modern_slavery_claimed", "claimed_victims", "claimed_arrests");
    /** The columns of an FOI update row, as the input contract names them. */
    public static final List<String> FOI_UPDATE_COLUMNS = List.of("foi_id", "raid_id", "force", "requested_on", "status",
            "responded_on", "victims_identified", "nrm_referrals", "nrm_declined", "arrests", "trafficking_charges", "revision");

    /** The column a name means (snake_case or camelCase, any case, as in a file's header), or null when it names none of them. */
    public static String columnNamed(List<String> columns, String name) {
        String wanted = RowFields.normalise(name);
        return columns.stream().filter(column -> RowFields.normalise(column).equals(wanted)).findFirst().orElse(null);
    }

    /**
     * One raid report given as cells by column (a row written elsewhere than in a file, such as a rule
     * scenario's case), parsed and checked exactly as a file's row is: the record, or why it is refused.
     */
    public static InputContract.Checked<RaidReport> raidReportRow(Map<String, String> cells) {
        try {
            return InputContract.check(RowFields.raidReport(RowFields.of(cells)));
        } catch (RowFields.RowRejected e) {
            return new InputContract.Checked<>(null, e.getMessage());
        }
    }

    /** As {@link #raidReportRow(Map)}, for an FOI update. */
    public static InputContract.Checked<FoiUpdate> foiUpdateRow(Map<String, String> cells) {
        try {
            return InputContract.check(RowFields.foiUpdate(RowFields.of(cells)));
        } catch (RowFields.RowRejected e) {
            return new InputContract.Checked<>(null, e.getMessage());
        }
    }

    private static <T> T accepted(InputContract.Checked<T> checked) {
        if (!checked.isAccepted()) {
            throw new RowFields.RowRejected(checked.rejection());
        }
        return checked.record();
    }

    private static <T> Contents<T> read(Path file, String sheet, Function<RowFields, T> toRecord) throws UnreadableFileException {
        List<Row<T>> accepted = new ArrayList<>();
        Scanned scanned = scan(file, sheet, toRecord, accepted::add);
        return new Contents<>(accepted, scanned.rejected(), scanned.rowsRead());
    }

    /** A file's SHA-256 in hex, read in a stream (for a report to name exactly what it read). */
    public static String sha256(Path file) throws IOException {
        try (java.io.InputStream in = Files.newInputStream(file)) {
            java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            int read;
            while ((read = in.read(buffer)) > 0) {
                digest.update(buffer, 0, read);
            }
            return java.util.HexFormat.of().formatHex(digest.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * About how many rows a file holds, for a progress line before it is read: its lines (less the
     * header of a CSV file), counted without parsing, so blank lines and quoted line breaks count too.
     * 0 when it cannot be read (reading it will say why), and for a workbook.
     */
    public static long estimateRows(Path file) {
        if (isWorkbook(file)) {
            return 0;   // a zip of XML: its rows are known only once read
        }
        long lines = 0;
        boolean endsWithNewline = true;
        byte[] buffer = new byte[1 << 16];
        try (java.io.InputStream in = Files.newInputStream(file)) {
            int read;
            while ((read = in.read(buffer)) > 0) {
                for (int i = 0; i < read; i++) {
                    if (buffer[i] == '\n') {
                        lines++;
                    }
                }
                endsWithNewline = buffer[read - 1] == '\n';
            }
        } catch (IOException e) {
            return 0;
        }
        if (!endsWithNewline) {
            lines++;
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean jsonLines = name.endsWith(".jsonl") || name.endsWith(".ndjson");
        return Math.max(0, jsonLines ? lines : lines - 1);
    }

    private static <T> Scanned scan(Path file, String sheet, Function<RowFields, T> toRecord, Consumer<Row<T>> accepted)
            throws UnreadableFileException {
        requireReadable(file);
        List<Rejection> rejected = new ArrayList<>();
        int[] acceptedRows = {0};
        if (isWorkbook(file)) {
            return scanWorkbook(file, sheet, toRecord, accepted, rejected);
        }
        RowSink sink = (line, fields) -> {
            T record;
            try {
                record = toRecord.apply(fields);
            } catch (RowFields.RowRejected e) {
                rejected.add(new Rejection(file.toString(), line, e.getMessage()));
                return;
            }
            acceptedRows[0]++;
            accepted.accept(new Row<>(record, line));
        };
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        int rows;
        try {
            rows = name.endsWith(".jsonl") || name.endsWith(".ndjson") ? readJsonLines(file, sink, rejected) : readCsv(file, sink, rejected);
        } catch (IOException e) {
            throw new UnreadableFileException(file + ": cannot be read: " + e.getMessage(), e);
        }
        return new Scanned(rejected, rows, acceptedRows[0]);
    }

    /**
     * A workbook's sheet, row by row; a refused row names the sheet, its row number (as Excel shows it)
     * is the rejection's line, and the reason names the column.
     */
    private static <T> Scanned scanWorkbook(Path file, String sheet, Function<RowFields, T> toRecord, Consumer<Row<T>> accepted,
                                            List<Rejection> rejected) throws UnreadableFileException {
        int[] rows = {0};
        int[] acceptedRows = {0};
        try {
            WorkbookRows.read(file, sheet, (sheetName, rowNumber, cells) -> {
                rows[0]++;
                T record;
                try {
                    record = toRecord.apply(RowFields.of(cells));
                } catch (RowFields.RowRejected e) {
                    rejected.add(new Rejection(file.toString(), rowNumber, "sheet '" + sheetName + "': " + e.getMessage()));
                    return;
                }
                acceptedRows[0]++;
                accepted.accept(new Row<>(record, rowNumber));
            });
        } catch (WorkbookRows.UnreadableWorkbook e) {
            throw new UnreadableFileException(e.getMessage(), e);
        } catch (IOException e) {
            throw new UnreadableFileException(file + ": cannot be read: " + e.getMessage(), e);
        }
        return new Scanned(rejected, rows[0], acceptedRows[0]);
    }

    private interface RowSink {
        void accept(long line, RowFields fields);
    }

    private static int readCsv(Path file, RowSink sink, List<Rejection> rejected) throws IOException {
        CsvMapper csv = new CsvMapper();
        csv.enable(CsvParser.Feature.SKIP_EMPTY_LINES);
        csv.enable(CsvParser.Feature.TRIM_SPACES);
        CsvSchema schema = CsvSchema.emptySchema().withHeader();
        int rows = 0;
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
             MappingIterator<Map<String, String>> iterator = csv.readerFor(Map.class).with(schema).readValues(reader)) {
            JsonParser parser = iterator.getParser();
            while (true) {
                long line = -1;
                RowFields fields;
                try {
                    if (!iterator.hasNextValue()) {
                        break;
                    }
                    // after hasNextValue the parser stands at the row's first line (blank and multi-line rows included)
                    line = parser.currentLocation().getLineNr();
                    Map<String, String> values = iterator.nextValue();
                    rows++;
                    fields = RowFields.of(values);
                } catch (RuntimeException | IOException e) {
                    // A CSV syntax error (an unclosed quote, say) leaves no safe place to resume.
                    rows++;
                    long at = line > 0 ? line : parser.currentLocation().getLineNr();
                    rejected.add(new Rejection(file.toString(), at, "malformed CSV, the rest of the file was not read: "
                            + firstLine(e.getMessage())));
                    break;
                }
                // Outside the try: what the sink does with the row (send it, say) is not the file's fault.
                sink.accept(line, fields);
            }
        }
        return rows;
    }

    private static int readJsonLines(Path file, RowSink sink, List<Rejection> rejected) throws IOException {
        int rows = 0;
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String text;
            long line = 0;
            while ((text = reader.readLine()) != null) {
                line++;
                if (text.isBlank()) {
                    continue;
                }
                rows++;
                Map<String, String> values;
                try {
                    values = jsonObject(text);
                } catch (JsonProcessingException e) {
                    rejected.add(new Rejection(file.toString(), line, "not a JSON object: " + firstLine(e.getOriginalMessage())));
                    continue;
                }
                if (values == null) {
                    rejected.add(new Rejection(file.toString(), line, "not a JSON object"));
                    continue;
                }
                sink.accept(line, RowFields.of(values));
            }
        }
        return rows;
    }

    /**
     * A line's JSON object as its fields' text (null for JSON null; numbers and booleans as Jackson's
     * tree writes them; nested arrays and objects as their JSON), or null when the line holds some
     * other JSON value. Read token by token rather than as a tree: a replay reads a million lines.
     */
    private static Map<String, String> jsonObject(String text) throws IOException {
        try (JsonParser parser = JSON.createParser(text)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                // Some other value, or none: read it whole, so a malformed one is refused with Jackson's reason.
                JSON.readTree(text);
                return null;
            }
            // In the file's order: of two fields that name one column (raidId, raid_id), the later one wins.
            Map<String, String> values = new LinkedHashMap<>();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                values.put(name, switch (value) {
                    case VALUE_NULL -> null;
                    case VALUE_STRING, VALUE_TRUE, VALUE_FALSE -> parser.getText();
                    case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> parser.<JsonNode>readValueAsTree().asText();
                    default -> parser.<JsonNode>readValueAsTree().toString();
                });
            }
            return values;
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
