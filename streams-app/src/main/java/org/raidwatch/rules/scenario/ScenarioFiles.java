package org.raidwatch.rules.scenario;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.raidwatch.contract.InputContract;
import org.raidwatch.contract.LatestDate;
import org.raidwatch.files.InputFiles;
import org.raidwatch.schema.FoiUpdate;
import org.raidwatch.schema.RaidReport;
import org.raidwatch.serde.AvroClassTrust;

/**
 * Reads rule scenario files ({@code .yaml}, {@code .yml}, {@code .json}): each holds a list of
 * scenarios, a case written with the input files' column names and values, and the rule ids expected
 * to hold or not. The case goes through the same parsing and input contract as a file's row, so a
 * scenario cannot hold a case the stream would refuse. Every problem is one {@code file:line: message}.
 */
public final class ScenarioFiles {

    /** Where the shipped scenarios lie on the classpath (the rules module's tests folder). */
    public static final String SHIPPED_RESOURCE = "raidwatch/rule-tests";
    /** How the shipped scenario files are named in messages: where they live in the repository. */
    public static final String SHIPPED_NAME = "rules/tests";
    /** The name of a rule folder's scenario folder: inside the rule folder, or beside it. */
    public static final String FOLDER_NAME = "tests";

    private static final List<String> KEYS = List.of("name", "note", "today", "unknowns", "report", "foi", "holds", "not_holds",
            "explanation");

    static {
        // Cases become generated Avro records, which Avro only creates for trusted classes.
        AvroClassTrust.install();
    }

    private ScenarioFiles() {
    }

    /** What a scenario folder held: the scenarios in file order, every problem, and the files read. */
    public record Read(List<Scenario> scenarios, List<String> problems, List<String> files) {
    }

    /**
     * The scenario folder of a rule folder: {@code DIR/tests} when it exists, else {@code DIR/../tests}
     * (the repository's own layout, {@code rules/drl} beside {@code rules/tests}); null when neither does.
     */
    public static Path folderFor(Path ruleFolder) {
        Path inside = ruleFolder.resolve(FOLDER_NAME);
        if (Files.isDirectory(inside)) {
            return inside;
        }
        Path beside = ruleFolder.resolve("..").resolve(FOLDER_NAME).normalize();
        return Files.isDirectory(beside) ? beside : null;
    }

    /** Reads every scenario file under a folder (recursively); files are named as the path given. */
    public static Read read(Path folder) {
        if (!Files.isDirectory(folder)) {
            return new Read(List.of(), List.of(folder + ":0: not a folder of scenario files"), List.of());
        }
        Map<String, String> files = new LinkedHashMap<>();
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path file : paths.filter(Files::isRegularFile).filter(ScenarioFiles::isScenarioFile).sorted().toList()) {
                files.put(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
            }
        } catch (IOException | UncheckedIOException e) {
            return new Read(List.of(), List.of(folder + ":0: cannot be read: " + e.getMessage()), List.of());
        }
        return parse(files);
    }

    /** Reads the shipped scenarios (the rules module's tests folder, packaged into the jar). */
    public static Read readShipped() {
        URL url = ScenarioFiles.class.getClassLoader().getResource(SHIPPED_RESOURCE);
        if (url == null) {
            throw new IllegalStateException("the shipped scenarios (" + SHIPPED_RESOURCE + ") are not on the classpath");
        }
        try {
            URI uri = url.toURI();
            if ("jar".equals(uri.getScheme())) {
                try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
                    return readShipped(jar.getPath(SHIPPED_RESOURCE));
                }
            }
            return readShipped(Path.of(uri));
        } catch (URISyntaxException | IOException e) {
            throw new IllegalStateException("cannot read the shipped scenarios at " + url + ": " + e, e);
        }
    }

    private static Read readShipped(Path folder) throws IOException {
        Map<String, String> files = new LinkedHashMap<>();
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path file : paths.filter(Files::isRegularFile).filter(ScenarioFiles::isScenarioFile).sorted().toList()) {
                files.put(SHIPPED_NAME + "/" + folder.relativize(file), Files.readString(file, StandardCharsets.UTF_8));
            }
        }
        return parse(files);
    }

    /** Reads scenario files given as name and text. */
    public static Read parse(Map<String, String> textByFile) {
        List<Scenario> scenarios = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        textByFile.forEach((file, text) -> {
            try {
                Located document = Located.read(text, file.toLowerCase(Locale.ROOT).endsWith(".json"));
                if (!(document instanceof Located.Sequence list)) {
                    throw new Located.Problem(document.line(), "a scenario file holds a list of scenarios, each starting \"- name: ...\"");
                }
                Set<String> names = new HashSet<>();
                for (Located item : list.items()) {
                    try {
                        Scenario scenario = scenario(file, item);
                        if (!names.add(scenario.name())) {
                            throw new Located.Problem(item.line(), "scenario \"" + scenario.name() + "\": another scenario in this file has the same name");
                        }
                        scenarios.add(scenario);
                    } catch (Located.Problem problem) {
                        problems.add(file + ":" + problem.line + ": " + problem.getMessage());
                    }
                }
            } catch (Located.Problem problem) {
                problems.add(file + ":" + problem.line + ": " + problem.getMessage());
            }
        });
        return new Read(scenarios, problems, List.copyOf(textByFile.keySet()));
    }

    public static boolean isScenarioFile(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json");
    }

    private static Scenario scenario(String file, Located item) throws Located.Problem {
        if (!(item instanceof Located.Mapping fields)) {
            throw new Located.Problem(item.line(), "a scenario is a mapping with name, report, holds and so on");
        }
        Located nameValue = fields.entries().get("name");
        String name = nameValue instanceof Located.Scalar scalar ? scalar.text() : null;
        if (name == null) {
            throw new Located.Problem(fields.line(), "a scenario needs a name");
        }
        String where = "scenario \"" + name + "\": ";
        for (Map.Entry<String, Integer> key : fields.keyLines().entrySet()) {
            if (!KEYS.contains(key.getKey())) {
                throw new Located.Problem(key.getValue(), where + "unknown key '" + key.getKey() + "' (a scenario has " + String.join(", ", KEYS) + ")");
            }
        }

        Map<String, String> reportCells = cells(fields, "report", InputFiles.RAID_REPORT_COLUMNS, where);
        if (reportCells == null) {
            throw new Located.Problem(fields.line(), where + "the case needs a report: the raid report's columns and values");
        }
        InputContract.Checked<RaidReport> report = InputFiles.raidReportRow(reportCells);
        if (!report.isAccepted()) {
            throw new Located.Problem(fields.keyLines().get("report"), where + "the stream would refuse this raid report: " + report.rejection());
        }
        FoiUpdate foi = null;
        Map<String, String> foiCells = cells(fields, "foi", InputFiles.FOI_UPDATE_COLUMNS, where);
        if (foiCells != null) {
            int foiLine = fields.keyLines().get("foi");
            // The FOI update is about the scenario's raid: its raid_id and force may be left out.
            foiCells.putIfAbsent("raid_id", report.record().getRaidId());
            foiCells.putIfAbsent("force", report.record().getForce());
            InputContract.Checked<FoiUpdate> checked = InputFiles.foiUpdateRow(foiCells);
            if (!checked.isAccepted()) {
                throw new Located.Problem(foiLine, where + "the stream would refuse this FOI update: " + checked.rejection());
            }
            foi = checked.record();
            if (!foi.getRaidId().equals(report.record().getRaidId())) {
                throw new Located.Problem(foiLine, where + "the FOI update's raid_id '" + foi.getRaidId() + "' is not the report's ('"
                        + report.record().getRaidId() + "'); leave it out to take the report's");
            }
            if (!foi.getForce().equals(report.record().getForce())) {
                throw new Located.Problem(foiLine, where + "the FOI update's force '" + foi.getForce() + "' is not the report's ('"
                        + report.record().getForce() + "'); leave it out to take the report's");
            }
        }

        LocalDate today = date(fields, "today", where);
        if (today == null) {
            today = latestDate(report.record(), foi);
        }
        boolean unknowns = bool(fields, "unknowns", where);

        Map<String, Integer> ruleLines = new LinkedHashMap<>();
        List<String> holds = ruleIds(fields, "holds", where, ruleLines);
        List<String> notHolds = ruleIds(fields, "not_holds", where, ruleLines);
        if (holds.isEmpty() && notHolds.isEmpty()) {
            throw new Located.Problem(fields.line(), where + "it asserts nothing: list rule ids under holds and/or not_holds");
        }
        for (String ruleId : holds) {
            if (notHolds.contains(ruleId)) {
                throw new Located.Problem(ruleLines.get(ruleId), where + "rule " + ruleId + " is listed under both holds and not_holds");
            }
        }
        Map<String, List<String>> explanations = explanations(fields, where, holds);
        return new Scenario(file, fields.line(), name, today, report.record(), foi, holds, notHolds, explanations, unknowns, ruleLines);
    }

    /** A case's cells by column; null when the key is absent. Column names must be the input files' own. */
    private static Map<String, String> cells(Located.Mapping fields, String key, List<String> columns, String where) throws Located.Problem {
        Located value = fields.entries().get(key);
        if (value == null) {
            return null;
        }
        if (!(value instanceof Located.Mapping mapping)) {
            throw new Located.Problem(value.line(), where + key + " is a mapping of column: value");
        }
        Map<String, String> cells = new LinkedHashMap<>();
        for (Map.Entry<String, Located> cell : mapping.entries().entrySet()) {
            int line = mapping.keyLines().get(cell.getKey());
            String column = InputFiles.columnNamed(columns, cell.getKey());
            if (column == null) {
                throw new Located.Problem(line, where + "'" + cell.getKey() + "' is not a column of " + ("foi".equals(key) ? "an FOI update" : "a raid report")
                        + " (" + String.join(", ", columns) + ")");
            }
            if (cells.containsKey(column)) {
                throw new Located.Problem(line, where + "column " + column + " is given twice");
            }
            if (!(cell.getValue() instanceof Located.Scalar scalar)) {
                throw new Located.Problem(line, where + column + " takes one value, as a spreadsheet cell does");
            }
            cells.put(column, scalar.text());
        }
        return cells;
    }

    private static LocalDate date(Located.Mapping fields, String key, String where) throws Located.Problem {
        Located value = fields.entries().get(key);
        String text = value instanceof Located.Scalar scalar ? scalar.text() : null;
        if (value != null && !(value instanceof Located.Scalar)) {
            throw new Located.Problem(value.line(), where + key + " is a date (yyyy-mm-dd)");
        }
        if (text == null) {
            return null;
        }
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            throw new Located.Problem(value.line(), where + key + " '" + text + "' is not a date (yyyy-mm-dd)");
        }
    }

    private static boolean bool(Located.Mapping fields, String key, String where) throws Located.Problem {
        Located value = fields.entries().get(key);
        String text = value instanceof Located.Scalar scalar ? scalar.text() : null;
        if (value == null || (value instanceof Located.Scalar && text == null)) {
            return false;
        }
        return switch (text == null ? "" : text.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1" -> true;
            case "false", "no", "0" -> false;
            default -> throw new Located.Problem(value.line(), where + key + " is true or false");
        };
    }

    private static List<String> ruleIds(Located.Mapping fields, String key, String where, Map<String, Integer> ruleLines) throws Located.Problem {
        Located value = fields.entries().get(key);
        if (value == null) {
            return List.of();
        }
        List<Located> items = value instanceof Located.Sequence list ? list.items() : List.of(value);
        List<String> ruleIds = new ArrayList<>();
        for (Located item : items) {
            String ruleId = item instanceof Located.Scalar scalar ? scalar.text() : null;
            if (ruleId == null) {
                throw new Located.Problem(item.line(), where + key + " lists rule ids, such as [claimed-no-referral, foi-withheld]");
            }
            if (ruleLines.containsKey(ruleId)) {
                throw new Located.Problem(item.line(), where + "rule " + ruleId + " is listed twice");
            }
            ruleLines.put(ruleId, item.line());
            ruleIds.add(ruleId);
        }
        return ruleIds;
    }

    private static Map<String, List<String>> explanations(Located.Mapping fields, String where, List<String> holds) throws Located.Problem {
        Located value = fields.entries().get("explanation");
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof Located.Mapping mapping)) {
            throw new Located.Problem(value.line(), where + "explanation maps a rule id to the text its explanation must contain");
        }
        Map<String, List<String>> explanations = new LinkedHashMap<>();
        for (Map.Entry<String, Located> entry : mapping.entries().entrySet()) {
            int line = mapping.keyLines().get(entry.getKey());
            if (!holds.contains(entry.getKey())) {
                throw new Located.Problem(line, where + "explanation of " + entry.getKey() + ": the rule is not listed under holds");
            }
            List<Located> items = entry.getValue() instanceof Located.Sequence list ? list.items() : List.of(entry.getValue());
            List<String> texts = new ArrayList<>();
            for (Located item : items) {
                if (!(item instanceof Located.Scalar scalar) || scalar.text() == null) {
                    throw new Located.Problem(item.line(), where + "explanation of " + entry.getKey() + " is a text, or a list of texts");
                }
                texts.add(scalar.text());
            }
            explanations.put(entry.getKey(), texts);
        }
        return explanations;
    }

    /** The default "today": the latest date the case mentions, as a replay's default --as-of is the latest date in its input. */
    static LocalDate latestDate(RaidReport report, FoiUpdate foi) {
        LatestDate latest = new LatestDate();
        latest.see(report);
        if (foi != null) {
            latest.see(foi);
        }
        return latest.latest();
    }
}
