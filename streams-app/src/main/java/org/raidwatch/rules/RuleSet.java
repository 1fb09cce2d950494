package org.raidwatch.rules;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.kie.api.KieBase;
import org.raidwatch.schema.Severity;
import org.raidwatch.serde.AvroClassTrust;

/**
 * A built rule set: the DRL files of one folder compiled into one shared, thread-safe KieBase, with
 * a version derived from the files' contents. Loading fails with a {@link RuleSetException} listing
 * every problem as {@code file:line: message}: DRL that does not compile, a rule without a valid
 * {@code @severity}, or a rule that throws on sample cases (classic DRL compiles some type errors
 * and then throws on every evaluation).
 *
 * <p>Time: a rule whose outcome can change as days pass, with no new input, says when with
 * {@code @dueAfterWorkingDays(N)} (it may change once more than N working days have passed since the
 * FOI request). That lets the stream re-evaluate only the cases falling due on a given day instead
 * of every case; a rule that reads {@code workingDaysSinceRequest} or {@code today} without saying
 * so is refused.
 *
 * <p>A set is built in three stages, each its own class: {@link RuleSetCompiler} (reading and
 * compiling the files), {@link RuleDeclarations} (severity and time declarations) and
 * {@link SampleCases} (trying the rules before they go live).
 */
public final class RuleSet {

    /** Where the shipped rule set lies on the classpath (the rules module's drl folder). */
    public static final String SHIPPED_RESOURCE = "raidwatch/rules";

    /** MVEL names the failing expression, not the rule: {@code [Near : {... arrests == "many" ....}]}. */
    private static final Pattern NEAR_EXPRESSION = Pattern.compile("Near : \\{\\.\\.\\. (.+?) \\.\\.\\.\\.}");
    /** The metadata a time-dependent rule declares its working-day deadlines with. */
    public static final String DUE_AFTER_WORKING_DAYS = "dueAfterWorkingDays";

    static {
        // The sample cases and every evaluation use the generated Avro classes.
        AvroClassTrust.install();
    }

    private final String source;
    private final String version;
    /** The rule attribute holding its plain-English description. */
    public static final String DESCRIPTION = "description";

    private final String digest;
    private final KieBase kieBase;
    private final List<String> ruleIds;
    private final List<Integer> workingDayDeadlines;
    private final Map<String, String> ruleSources;
    private final Map<String, String> ruleLocations;

    private RuleSet(String source, String digest, KieBase kieBase, List<String> ruleIds, List<Integer> workingDayDeadlines,
                    Map<String, String> ruleSources, Map<String, String> ruleLocations) {
        this.source = source;
        this.digest = digest;
        this.version = digest.substring(0, 12);
        this.kieBase = kieBase;
        this.ruleIds = List.copyOf(ruleIds);
        this.workingDayDeadlines = List.copyOf(workingDayDeadlines);
        this.ruleSources = Map.copyOf(ruleSources);
        this.ruleLocations = Map.copyOf(ruleLocations);
    }

    /** Builds the rule set from every {@code .drl} file under a folder. */
    public static RuleSet load(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new RuleSetException(folder.toString(), List.of(folder + ":0: not a folder of .drl files"));
        }
        return build(folder.toString(), RuleSetCompiler.readDrlFiles(folder, true));
    }

    /**
     * Builds a rule set from DRL texts by file name (a published rule set's files); problems name
     * those files.
     *
     * @param source where the files came from, as {@link #source()} will say
     */
    public static RuleSet fromFiles(String source, Map<String, String> drlByName) {
        if (drlByName.isEmpty()) {
            throw new RuleSetException(source, List.of(source + ":0: holds no .drl files"));
        }
        return build(source, new LinkedHashMap<>(new java.util.TreeMap<>(drlByName)));
    }

    /** Builds the rule set shipped with raidwatch (the rules module's {@code drl} folder). */
    public static RuleSet loadShipped() {
        URL url = RuleSet.class.getClassLoader().getResource(SHIPPED_RESOURCE);
        if (url == null) {
            throw new IllegalStateException("the shipped rule set (" + SHIPPED_RESOURCE + ") is not on the classpath");
        }
        try {
            URI uri = url.toURI();
            if ("jar".equals(uri.getScheme())) {
                try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
                    return build("shipped", RuleSetCompiler.readDrlFiles(jar.getPath(SHIPPED_RESOURCE), false));
                }
            }
            return build("shipped", RuleSetCompiler.readDrlFiles(Path.of(uri), false));
        } catch (URISyntaxException | IOException e) {
            throw new IllegalStateException("cannot read the shipped rule set at " + url + ": " + e, e);
        }
    }

    /**
     * Compiles the files, checks every rule's declarations, then tries the rules on sample cases;
     * every problem found at a stage is reported together.
     */
    private static RuleSet build(String source, Map<String, String> drlByName) {
        RuleSetCompiler.Compiled compiled = RuleSetCompiler.compile(source, drlByName);
        RuleDeclarations declared = RuleDeclarations.check(source, compiled);
        List<String> problems = new ArrayList<>(declared.problems());
        RuleSet ruleSet = new RuleSet(source, RuleSetCompiler.digest(drlByName), compiled.kieBase(), declared.ruleIds(),
                declared.workingDayDeadlines(), compiled.ruleSources(), compiled.ruleLocations());
        if (problems.isEmpty()) {
            problems.addAll(SampleCases.tryOn(ruleSet.newSession(), ruleId -> compiled.fileOfRule(ruleId, source)));
        }
        if (!problems.isEmpty()) {
            throw new RuleSetException(source, problems);
        }
        return ruleSet;
    }

    /** Where the rules came from: a folder, or "shipped". */
    public String source() {
        return source;
    }

    /** Identifies the rules' contents; every flag carries it. */
    public String version() {
        return version;
    }

    /** The SHA-256 of the rule files' names and contents, in hex; the version is its first 12 digits. */
    public String digest() {
        return digest;
    }

    /** The rule ids, in name order. */
    public List<String> ruleIds() {
        return ruleIds;
    }

    /**
     * A rule as a reader of a report needs it: its id, severity and plain-English description (from
     * {@code @description("...")}; null when the rule declares none, which {@code rules check} refuses).
     */
    public record Described(String ruleId, Severity severity, String description) {
    }

    /** Every rule described, in id order. */
    public List<Described> described() {
        List<Described> described = new ArrayList<>();
        for (org.kie.api.definition.KiePackage kiePackage : kieBase.getKiePackages()) {
            for (org.kie.api.definition.rule.Rule rule : kiePackage.getRules()) {
                // Drools files @description under its own annotation's name, org.kie.api.definition.type.Description
                Object text = rule.getMetaData().getOrDefault(org.kie.api.definition.type.Description.class.getName(),
                        rule.getMetaData().get(DESCRIPTION));
                String description = text == null ? null : String.valueOf(text).trim();
                if (description != null && description.length() >= 2 && description.startsWith("\"") && description.endsWith("\"")) {
                    description = description.substring(1, description.length() - 1);
                }
                described.add(new Described(rule.getName(), Findings.severityOf(rule),
                        description == null || description.isBlank() ? null : description));
            }
        }
        described.sort(java.util.Comparator.comparing(Described::ruleId));
        return List.copyOf(described);
    }

    /** The rules that declare no {@code @description("...")}, as {@code file:line: message}, for {@code rules check}. */
    public List<String> undescribed() {
        return described().stream().filter(rule -> rule.description() == null)
                .map(rule -> locationOf(rule.ruleId()) + ": rule \"" + rule.ruleId() + "\" declares no @" + DESCRIPTION
                        + "(\"...\"): say in plain English what it finds, for the reports a reader gets")
                .toList();
    }

    /** Where a rule is declared, as {@code file:line} (the file as the set was loaded from), or null for an unknown id. */
    public String locationOf(String ruleId) {
        return ruleLocations.get(ruleId);
    }

    /** The working-day deadlines the time-dependent rules declared, ascending and distinct. */
    public List<Integer> workingDayDeadlines() {
        return workingDayDeadlines;
    }

    /**
     * The next day after the case's "today" on which time passing alone can change what the rules
     * find: the first day on which more than N working days have passed since the FOI request, for a
     * declared deadline N; null when none lies ahead (or the case has no FOI request).
     */
    public LocalDate reevaluateOn(RaidCase raidCase) {
        LocalDate requestedOn = raidCase.getRequestedOn();
        if (requestedOn == null) {
            return null;
        }
        for (int deadline : workingDayDeadlines) {
            LocalDate due = WorkingDays.addWorkingDays(requestedOn, deadline + 1);
            if (due.isAfter(raidCase.getToday())) {
                return due;
            }
        }
        return null;
    }

    /**
     * A session of its own for one user at a time (a stream task, a check), to be closed by it:
     * sessions are not thread-safe, the KieBase is. Nothing ties it to a thread, so a rule set that is
     * replaced while the stream runs can be collected once its users have moved on.
     */
    public RuleSession newSession() {
        return new RuleSession(kieBase, this::ruleOf);
    }

    /** The rule an evaluation error came from: named by Drools, or found by the failing expression in the rules' source. */
    private String ruleOf(Throwable error) {
        String named = RuleSession.ruleNamedBy(error);
        if (!"unknown".equals(named)) {
            return named;
        }
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            Matcher near = t.getMessage() == null ? null : NEAR_EXPRESSION.matcher(t.getMessage());
            if (near != null && near.find()) {
                List<String> holders = ruleSources.entrySet().stream()
                        .filter(rule -> rule.getValue().contains(near.group(1))).map(Map.Entry::getKey).toList();
                if (holders.size() == 1) {
                    return holders.get(0);
                }
            }
        }
        return "unknown";
    }
}
