package org.raidwatch.files;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.poi.openxml4j.exceptions.OpenXML4JException;
import org.apache.poi.openxml4j.opc.OPCPackage;
import org.apache.poi.openxml4j.opc.PackageAccess;
import org.apache.poi.ss.usermodel.DataFormatter;
import org.apache.poi.ss.usermodel.DateUtil;
import org.apache.poi.ss.util.CellReference;
import org.apache.poi.util.XMLHelper;
import org.apache.poi.xssf.eventusermodel.ReadOnlySharedStringsTable;
import org.apache.poi.xssf.eventusermodel.XSSFReader;
import org.apache.poi.xssf.eventusermodel.XSSFSheetXMLHandler;
import org.apache.poi.xssf.model.StylesTable;
import org.apache.poi.xssf.usermodel.XSSFComment;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.XMLReader;

/**
 * The rows of one sheet of an .xlsx workbook, read with POI's streaming (SAX) reader, so a million
 * rows are never held: the first non-empty row is the header, each later non-empty row a row of
 * cells by column. Cells are given as the text a CSV file would hold: a date cell as
 * {@code yyyy-mm-dd} (with a time of day, {@code yyyy-mm-ddThh:mm:ss}, which the input contract reads
 * as London time), a number as its plain decimal ({@code 6}, not {@code 6.0}), a boolean as
 * {@code TRUE}/{@code FALSE}, text as it is, a formula as its last computed value.
 */
final class WorkbookRows {

    /** One row of a sheet: the sheet's name, the row's number (1-based, as Excel shows it) and its cells by header. */
    interface RowSink {
        void accept(String sheet, long rowNumber, Map<String, String> cells);
    }

    /** A workbook that cannot be read, or has no such sheet. */
    static final class UnreadableWorkbook extends Exception {
        UnreadableWorkbook(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private WorkbookRows() {
    }

    /** Reads a sheet (the first when {@code sheet} is null) row by row; the sink is told the sheet's name with each row. */
    static void read(Path file, String sheet, RowSink rows) throws UnreadableWorkbook, IOException {
        try (OPCPackage workbook = OPCPackage.open(file.toFile(), PackageAccess.READ)) {
            XSSFReader reader = new XSSFReader(workbook);
            ReadOnlySharedStringsTable strings = new ReadOnlySharedStringsTable(workbook, false);
            StylesTable styles = reader.getStylesTable();
            boolean date1904 = uses1904Dates(reader);
            XSSFReader.SheetIterator sheets = (XSSFReader.SheetIterator) reader.getSheetsData();
            List<String> names = new ArrayList<>();
            while (sheets.hasNext()) {
                try (InputStream in = sheets.next()) {
                    String name = sheets.getSheetName();
                    names.add(name);
                    if (sheet == null || name.equals(sheet)) {
                        XMLReader xml = XMLHelper.newXMLReader();
                        xml.setContentHandler(new XSSFSheetXMLHandler(styles, null, strings, new Rows(name, rows), new CellText(date1904), false));
                        xml.parse(new InputSource(in));
                        return;
                    }
                }
            }
            throw new UnreadableWorkbook(file + ": " + (names.isEmpty() ? "the workbook has no sheet"
                    : "no sheet named '" + sheet + "'; it has " + String.join(", ", names.stream().map(n -> "'" + n + "'").toList())), null);
        } catch (OpenXML4JException | SAXException | javax.xml.parsers.ParserConfigurationException
                 | org.apache.poi.ooxml.POIXMLException | org.apache.poi.openxml4j.exceptions.NotOfficeXmlFileException e) {
            throw new UnreadableWorkbook(file + ": not a readable .xlsx workbook: " + e.getMessage(), e);
        }
    }

    /**
     * Whether the workbook counts its dates from 1904 (old Mac Excel's date system) rather than 1900:
     * its {@code workbookPr date1904} attribute, which the streaming reader does not apply itself.
     */
    private static boolean uses1904Dates(XSSFReader reader) throws IOException, OpenXML4JException {
        try (InputStream in = reader.getWorkbookData()) {
            javax.xml.stream.XMLStreamReader xml = XMLHelper.newXMLInputFactory().createXMLStreamReader(in);
            try {
                while (xml.hasNext()) {
                    if (xml.next() == javax.xml.stream.XMLStreamConstants.START_ELEMENT && xml.getLocalName().equals("workbookPr")) {
                        String value = xml.getAttributeValue(null, "date1904");
                        return "1".equals(value) || "true".equalsIgnoreCase(value);
                    }
                    if (xml.isStartElement() && xml.getLocalName().equals("sheets")) {
                        return false;   // workbookPr comes before the sheets, when there is one
                    }
                }
                return false;
            } finally {
                xml.close();
            }
        } catch (javax.xml.stream.XMLStreamException e) {
            throw new IOException("cannot read the workbook's settings: " + e.getMessage(), e);
        }
    }

    /** Gathers a sheet's cells into rows by the header's column names. */
    private static final class Rows implements XSSFSheetXMLHandler.SheetContentsHandler {
        private final String sheet;
        private final RowSink sink;
        private final Map<Integer, String> header = new HashMap<>();
        private boolean headerRead;
        private Map<String, String> cells;

        Rows(String sheet, RowSink sink) {
            this.sheet = sheet;
            this.sink = sink;
        }

        @Override
        public void startRow(int rowNum) {
            cells = new LinkedHashMap<>();
        }

        @Override
        public void cell(String reference, String text, XSSFComment comment) {
            if (reference == null || text == null) {
                return;
            }
            int column = new CellReference(reference).getCol();
            if (!headerRead) {
                if (!text.isBlank()) {
                    header.put(column, text.trim());
                }
                return;
            }
            String name = header.get(column);
            if (name != null) {
                cells.put(name, text.trim());
            }
        }

        @Override
        public void endRow(int rowNum) {
            if (!headerRead) {
                headerRead = !header.isEmpty();
                return;
            }
            if (cells.values().stream().allMatch(String::isEmpty)) {
                return;   // an empty row, as a blank line in a CSV file
            }
            sink.accept(sheet, rowNum + 1L, cells);
        }
    }

    /** A cell's value as text, as a CSV file would hold it (see the class comment). */
    private static final class CellText extends DataFormatter {
        private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss", Locale.ROOT);
        private final boolean date1904;

        CellText(boolean date1904) {
            super(Locale.ROOT);
            this.date1904 = date1904;
        }

        @Override
        public String formatRawCellContents(double value, int formatIndex, String formatString) {
            return formatRawCellContents(value, formatIndex, formatString, date1904);
        }

        @Override
        public String formatRawCellContents(double value, int formatIndex, String formatString, boolean use1904Windowing) {
            if (DateUtil.isADateFormat(formatIndex, formatString) && DateUtil.isValidExcelDate(value)) {
                LocalDateTime at = DateUtil.getLocalDateTime(value, use1904Windowing, true);
                return at.toLocalTime().equals(LocalTime.MIDNIGHT) ? at.toLocalDate().toString() : at.format(DATE_TIME);
            }
            if (Double.isNaN(value) || Double.isInfinite(value)) {
                return String.valueOf(value);
            }
            return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
        }
    }
}
