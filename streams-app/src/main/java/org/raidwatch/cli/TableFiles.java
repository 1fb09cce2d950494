package org.raidwatch.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import com.fasterxml.jackson.databind.SequenceWriter;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.CellStyle;
import org.apache.poi.ss.usermodel.Font;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.xssf.streaming.SXSSFSheet;
import org.apache.poi.xssf.streaming.SXSSFWorkbook;

/**
 * A replay's tables for spreadsheets: CSV files (UTF-8 with a byte-order mark, so Excel reads them as
 * UTF-8, a header row, nested values as their JSON) and, when asked, one .xlsx workbook with a sheet
 * per table, written with POI's streaming writer (a hundred rows in memory, the rest on disk), with
 * numbers as numbers, booleans as booleans and dates as dates.
 */
final class TableFiles {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Rows of a sheet kept in memory; the rest go to a temporary file until the workbook is written. */
    private static final int ROWS_IN_MEMORY = 100;
    /** The longest text a workbook cell holds. */
    private static final int MAX_CELL_TEXT = 32_767;
    /** The most rows a sheet holds below its header (Excel's limit is 1,048,576 rows in all). */
    static final int MAX_SHEET_ROWS = 1_048_575;

    private TableFiles() {
    }

    /** A CSV file written row by row: the header first, then each row's values in the header's order. */
    static final class Csv implements AutoCloseable {
        private final List<String> columns;
        private final BufferedWriter out;
        private final SequenceWriter rows;

        Csv(Path file, List<String> columns) throws IOException {
            this.columns = List.copyOf(columns);
            this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
            out.write('\uFEFF');
            CsvSchema.Builder schema = CsvSchema.builder().setUseHeader(true);
            columns.forEach(schema::addColumn);
            // Not flushed after each row (Jackson's default), which made a system call of every row.
            this.rows = new CsvMapper().writer(schema.build()).without(SerializationFeature.FLUSH_AFTER_WRITE_VALUE).writeValues(out);
        }

        void write(Map<String, Object> row) {
            List<String> values = new ArrayList<>(columns.size());
            for (String column : columns) {
                values.add(text(row.get(column)));
            }
            try {
                rows.write(values);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write a CSV row: " + e.getMessage(), e);
            }
        }

        @Override
        public void close() throws IOException {
            rows.close();
            out.close();
        }
    }

    /** A workbook of sheets written row by row, saved by {@link #saveTo}. */
    static final class Workbook implements AutoCloseable {
        private final SXSSFWorkbook workbook = new SXSSFWorkbook(ROWS_IN_MEMORY);
        private final CellStyle dates;
        private final CellStyle header;
        private final List<String> notes = new ArrayList<>();

        Workbook() {
            workbook.setCompressTempFiles(true);
            dates = workbook.createCellStyle();
            dates.setDataFormat(workbook.createDataFormat().getFormat("yyyy-mm-dd"));
            header = workbook.createCellStyle();
            Font bold = workbook.createFont();
            bold.setBold(true);
            header.setFont(bold);
        }

        /** A new sheet with this header row; add rows to it in the header's order. */
        Sheet sheet(String name, List<String> columns) {
            SXSSFSheet sheet = workbook.createSheet(name);
            Row row = sheet.createRow(0);
            for (int i = 0; i < columns.size(); i++) {
                Cell cell = row.createCell(i);
                cell.setCellValue(columns.get(i));
                cell.setCellStyle(header);
            }
            sheet.createFreezePane(0, 1);
            return new Sheet(sheet, List.copyOf(columns));
        }

        /**
         * Writes the workbook to a file, through a temporary name removed if the writing fails, so no
         * half-written file is left; a sheet that reached Excel's row limit says so on a sheet "notes".
         */
        void saveTo(Path file) throws IOException {
            if (!notes.isEmpty()) {
                Sheet sheet = sheet("notes", List.of("note"));
                notes.forEach(note -> sheet.write(Map.of("note", note)));
            }
            Path partial = file.resolveSibling(file.getFileName() + ".partial");
            try (OutputStream out = Files.newOutputStream(partial)) {
                workbook.write(out);
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(partial);
                throw e;
            }
            Files.move(partial, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }

        /** Removes the sheets' temporary files (POI keeps them until told) and closes the workbook. */
        @Override
        public void close() throws IOException {
            workbook.dispose();
            workbook.close();
        }

        /** One sheet's rows. */
        final class Sheet {
            private final SXSSFSheet sheet;
            private final List<String> columns;
            private int next = 1;
            private long dropped;

            private Sheet(SXSSFSheet sheet, List<String> columns) {
                this.sheet = sheet;
                this.columns = columns;
            }

            void write(Map<String, Object> values) {
                if (next > MAX_SHEET_ROWS) {
                    if (dropped++ == 0) {
                        notes.add("The sheet " + sheet.getSheetName() + " holds the first " + MAX_SHEET_ROWS + " rows, as many as a sheet can;"
                                + " the CSV and JSON Lines files beside this workbook hold every row.");
                    }
                    return;
                }
                Row row = sheet.createRow(next++);
                for (int i = 0; i < columns.size(); i++) {
                    Object value = values.get(columns.get(i));
                    if (value == null) {
                        continue;
                    }
                    Cell cell = row.createCell(i);
                    if (value instanceof Number number) {
                        cell.setCellValue(number.doubleValue());
                    } else if (value instanceof Boolean bool) {
                        cell.setCellValue(bool);
                    } else if (value instanceof LocalDate date) {
                        cell.setCellValue(date);
                        cell.setCellStyle(dates);
                    } else {
                        String text = text(value);
                        cell.setCellValue(text.length() > MAX_CELL_TEXT ? text.substring(0, MAX_CELL_TEXT) : text);
                    }
                }
            }
        }
    }

    /** A value as a table's text: empty for null, JSON for maps and lists. */
    static String text(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof Map<?, ?> || value instanceof List<?>) {
            try {
                return JSON.writeValueAsString(value);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot write " + value + " as JSON", e);
            }
        }
        return value.toString();
    }
}
