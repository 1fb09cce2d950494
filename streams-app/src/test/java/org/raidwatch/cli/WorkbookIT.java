package org.raidwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.CellType;
import org.apache.poi.ss.usermodel.DateUtil;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Workbooks in and out: the replay fixture's rows, written as .xlsx by two other programs (openpyxl,
 * with typed date, number and boolean cells, and LibreOffice's CSV import; see
 * src/test/resources/workbooks/make-workbooks.py), replay exactly as the same rows in CSV do; a
 * replay's CSV files open as Excel expects, and its workbook holds the same figures.
 */
class WorkbookIT {

    private static final Path REPLAY = Path.of("src/test/resources/replay");
    private static final Path WORKBOOKS = Path.of("src/test/resources/workbooks");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static int fromCsv;
    static int fromOpenpyxl;
    static int fromLibreOffice;

    @BeforeAll
    static void replayTheSameRowsThreeWays() {
        fromCsv = Main.execute("replay", "--raids", REPLAY.resolve("raids.csv").toString(), "--foi", REPLAY.resolve("foi.csv").toString(),
                "--out", dir.resolve("csv").toString(), "--xlsx");
        // raid reports from the workbook's first sheet, FOI updates from the sheet named FOI
        fromOpenpyxl = Main.execute("replay", "--raids", WORKBOOKS.resolve("replay-openpyxl.xlsx").toString(),
                "--foi", WORKBOOKS.resolve("replay-openpyxl.xlsx").toString(), "--foi-sheet", "FOI", "--out", dir.resolve("openpyxl").toString());
        fromLibreOffice = Main.execute("replay", "--raids", WORKBOOKS.resolve("raids-libreoffice.xlsx").toString(),
                "--foi", WORKBOOKS.resolve("foi-libreoffice.xlsx").toString(), "--out", dir.resolve("libreoffice").toString());
    }

    @Test
    void workbooks_written_by_other_programs_replay_exactly_as_the_same_rows_in_csv() throws IOException {
        assertThat(List.of(fromCsv, fromOpenpyxl, fromLibreOffice)).as("exit status: some rows rejected, as in the fixture")
                .containsOnly(ExitCodes.ROWS_REJECTED);
        for (String writer : List.of("openpyxl", "libreoffice")) {
            assertThat(dir.resolve(writer).resolve("flags.jsonl")).as(writer).hasSameBinaryContentAs(dir.resolve("csv/flags.jsonl"));
            assertThat(dir.resolve(writer).resolve("force-rates.jsonl")).as(writer).hasSameBinaryContentAs(dir.resolve("csv/force-rates.jsonl"));
            assertThat(Files.size(dir.resolve(writer).resolve("flags.jsonl"))).isGreaterThan(1000);
        }
    }

    @Test
    void a_bad_cell_is_a_rejected_row_naming_the_file_the_sheet_the_row_and_the_column() throws IOException {
        List<JsonNode> rejected = lines(dir.resolve("openpyxl/rejected.jsonl"));

        assertThat(rejected).extracting(r -> r.get("line").asInt(), r -> r.get("reason").asText()).containsExactly(
                org.assertj.core.groups.Tuple.tuple(6, "sheet 'Raids': force 'Atlantis' is not one of the 44 forces of England and Wales"),
                org.assertj.core.groups.Tuple.tuple(9, "sheet 'Raids': raid_date '2021-04-31' is not a date (yyyy-mm-dd)"),
                org.assertj.core.groups.Tuple.tuple(6, "sheet 'FOI': victims_identified is negative (-1)"));
        assertThat(rejected).allSatisfy(r -> assertThat(r.get("file").asText()).endsWith("replay-openpyxl.xlsx"));
        // The same rows as the CSV file's rejected ones, at the same row numbers
        assertThat(lines(dir.resolve("csv/rejected.jsonl"))).extracting(r -> r.get("line").asInt()).containsExactly(6, 9, 6);
    }

    @Test
    void rules_diff_reads_workbooks_as_it_reads_csv() throws IOException {
        java.io.StringWriter fromCsv = new java.io.StringWriter();
        java.io.StringWriter fromWorkbook = new java.io.StringWriter();
        String rules = Path.of("../rules/drl").toString();
        int csvStatus = Main.execute(new java.io.PrintWriter(fromCsv), new java.io.PrintWriter(new java.io.StringWriter()), "rules", "diff",
                "--rules", rules, "--raids", REPLAY.resolve("raids.csv").toString(), "--foi", REPLAY.resolve("foi.csv").toString(), "--json");
        int workbookStatus = Main.execute(new java.io.PrintWriter(fromWorkbook), new java.io.PrintWriter(new java.io.StringWriter()), "rules",
                "diff", "--rules", rules, "--raids", WORKBOOKS.resolve("replay-openpyxl.xlsx").toString(), "--foi",
                WORKBOOKS.resolve("replay-openpyxl.xlsx").toString(), "--foi-sheet", "FOI", "--json");

        assertThat(List.of(csvStatus, workbookStatus)).containsOnly(ExitCodes.OK);
        JsonNode csv = JSON.readTree(fromCsv.toString());
        JsonNode workbook = JSON.readTree(fromWorkbook.toString());
        assertThat(workbook.get("rules")).isEqualTo(csv.get("rules"));
        assertThat(workbook.get("asOf")).isEqualTo(csv.get("asOf"));
        assertThat(csv.get("rules").toString()).contains("claimed-no-referral");
    }

    @Test
    void a_sheet_that_is_not_there_is_a_usage_error_naming_the_sheets_there_are() {
        java.io.StringWriter err = new java.io.StringWriter();
        int status = Main.execute(new java.io.PrintWriter(new java.io.StringWriter()), new java.io.PrintWriter(err), "replay",
                "--raids", WORKBOOKS.resolve("replay-openpyxl.xlsx").toString(), "--raids-sheet", "Raids 2024",
                "--out", dir.resolve("no-sheet").toString());

        assertThat(status).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("no sheet named 'Raids 2024'; it has 'Raids', 'FOI'");
    }

    @Test
    void the_csv_files_open_in_excel_as_utf8_with_a_header_and_hold_the_same_rates() throws IOException {
        byte[] rates = Files.readAllBytes(dir.resolve("csv/force-rates.csv"));
        // A byte-order mark first, which is how Excel knows a CSV file is UTF-8
        assertThat(new byte[] {rates[0], rates[1], rates[2]}).containsExactly(0xEF, 0xBB, 0xBF);
        List<String> lines = new String(rates, StandardCharsets.UTF_8).substring(1).lines().toList();
        assertThat(lines.get(0)).startsWith("force,window,claimedRaids,").contains("noReferralRateLow,noReferralRateHigh,noReferralRateLowBase");
        assertThat(lines).hasSize(lines(dir.resolve("csv/force-rates.jsonl")).size() + 1);
        assertThat(lines).contains("ALL,all,4,4,2,2,1,2,0,0.5,0.0,0.5,0.09453120573423071,0.9054687942657693,true,0.0,0.6576197724933469,true,"
                + "0.15003898915214947,0.8499610108478506,true");
        String flags = Files.readString(dir.resolve("csv/flags.csv"), StandardCharsets.UTF_8);
        assertThat(flags).startsWith("\uFEFFraidId,ruleId,status,severity,force,raidDate,explanation,evidence,sourceUrl,foiReference,ruleSetVersion");
        assertThat(flags.lines().count()).isEqualTo(lines(dir.resolve("csv/flags.jsonl")).size() + 1);
    }

    @Test
    void the_workbook_holds_a_sheet_each_with_typed_cells() throws IOException {
        try (InputStream in = Files.newInputStream(dir.resolve("csv/results.xlsx")); XSSFWorkbook book = new XSSFWorkbook(in)) {
            assertThat(List.of(book.getSheetName(0), book.getSheetName(1), book.getSheetName(2))).containsExactly("flags", "force-rates", "rejected");
            Sheet flags = book.getSheet("flags");
            assertThat(flags.getLastRowNum()).isEqualTo(lines(dir.resolve("csv/flags.jsonl")).size());
            Cell raidDate = flags.getRow(1).getCell(5);
            assertThat(raidDate.getCellType()).isEqualTo(CellType.NUMERIC);
            assertThat(DateUtil.isCellDateFormatted(raidDate)).isTrue();
            assertThat(flags.getRow(1).getCell(0).getStringCellValue()).as("flags by raid id, R1 first").isEqualTo("R1");
            assertThat(raidDate.getLocalDateTimeCellValue().toLocalDate()).hasToString("2020-03-04");
            Sheet rates = book.getSheet("force-rates");
            Row national = null;
            for (Row row : rates) {
                if (row.getRowNum() > 0 && row.getCell(0).getStringCellValue().equals("ALL") && row.getCell(1).getStringCellValue().equals("all")) {
                    national = row;
                }
            }
            assertThat(national).isNotNull();
            assertThat(national.getCell(2).getNumericCellValue()).isEqualTo(4.0);
            assertThat(national.getCell(9).getNumericCellValue()).isEqualTo(0.5);
            assertThat(national.getCell(14).getBooleanCellValue()).isTrue();
            assertThat(book.getSheet("rejected").getLastRowNum()).isEqualTo(3);
        }
        // And the streaming writer left none of its temporary sheet files behind
        Path poiFiles = Path.of(System.getProperty("java.io.tmpdir"), "poifiles");
        if (Files.isDirectory(poiFiles)) {
            try (var left = Files.list(poiFiles)) {
                assertThat(left.map(Path::getFileName).map(Path::toString)).noneMatch(name -> name.startsWith("poi-sxssf-sheet"));
            }
        }
    }

    private static List<JsonNode> lines(Path file) throws IOException {
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            nodes.add(JSON.readTree(line));
        }
        return nodes;
    }
}
