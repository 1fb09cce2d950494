package org.raidwatch.rules;

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
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.kie.api.KieBase;
import org.kie.api.KieServices;
import org.kie.api.builder.KieBuilder;
import org.kie.api.builder.KieFileSystem;
import org.kie.api.builder.Message;
import org.kie.api.builder.ReleaseId;
import org.kie.api.definition.KiePackage;
import org.kie.api.definition.rule.Rule;
import org.raidwatch.schema.FoiStatus;
import org.raidwatch.schema.FoiUpdate;
import org.raidwatch.schema.RaidReport;
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
 */
public final class RuleSet {

    /** Where the shipped rule set lies on the classpath (the rules module's drl folder). */
    public static final String SHIPPED_RESOURCE = "raidwatch/rules";

    private static final Pattern PACKAGE = Pattern.compile("^\\s*package\\s+([\\w.]+)\\s*;?", Pattern.MULTILINE);
    private static final Pattern RULE_BLOCK = Pattern.compile("(?s)\\brule\\s+\"([^\"]+)\"(.*?)\\bend\\b");
    /** MVEL names the failing expression, not the rule: {@code [Near : {... arrests == "many" ....}]}. */
    private static final Pattern NEAR_EXPRESSION = Pattern.compile("Near : \\{\\.\\.\\. (.+?) \\.\\.\\.\\.}");
    private static final AtomicLong BUILDS = new AtomicLong();
    /** The metadata a time-dependent rule declares its working-day deadlines with. */
    public static final String DUE_AFTER_WORKING_DAYS = "dueAfterWorkingDays";
    /** Properties of {@link RaidCase} whose value changes as days pass. */
    private static final Pattern TIME_DEPENDENT = Pattern.compile("\\b(workingDaysSinceRequest|getWorkingDaysSinceRequest|today|getToday)\\b");

    static {
        // The sample cases and every evaluation use the generated Avro classes.
        AvroClassTrust.install();
    }

    private final String source;
    private final String version;
    private final KieBase kieBase;
    private final List<String> ruleIds;
    private final List<Integer> workingDayDeadlines;
    private final Map<String, String> ruleSources;
    private final Map<String, String> ruleLocations;

    private RuleSet(String source, String version, KieBase kieBase, List<String> ruleIds, List<Integer> workingDayDeadlines,
                    Map<String, String> ruleSources, Map<String, String> ruleLocations) {
        this.source = source;
        this.version = version;
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
        return build(folder.toString(), readDrlFiles(folder, true));
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
                    return build("shipped", readDrlFiles(jar.getPath(SHIPPED_RESOURCE), false));
                }
            }
            return build("shipped", readDrlFiles(Path.of(uri), false));
        } catch (URISyntaxException | IOException e) {
            throw new IllegalStateException("cannot read the shipped rule set at " + url + ": " + e, e);
        }
    }

    /** Where the rules came from: a folder, or "shipped". */
    public String source() {
        return source;
    }

    /** Identifies the rules' contents; every flag carries it. */
    public String version() {
        return version;
    }

    /** The rule ids, in name order. */
    public List<String> ruleIds() {
        return ruleIds;
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


    /** The .drl files under a folder, by the name errors show (the path as the user gave it, or the file name when shipped). */
    private static Map<String, String> readDrlFiles(Path folder, boolean fullPaths) {
        Map<String, String> files = new LinkedHashMap<>();
        try (Stream<Path> paths = Files.walk(folder)) {
            List<Path> drl = paths.filter(p -> p.getFileName() != null && p.getFileName().toString().endsWith(".drl"))
                    .filter(Files::isRegularFile)
                    .sorted()
                    .toList();
            for (Path file : drl) {
                String name = fullPaths ? file.toString() : folder.relativize(file).toString();
                files.put(name, Files.readString(file, StandardCharsets.UTF_8));
            }
        } catch (IOException | UncheckedIOException e) {
            throw new RuleSetException(folder.toString(), List.of(folder + ":0: cannot be read: " + e.getMessage()));
        }
        if (files.isEmpty()) {
            throw new RuleSetException(folder.toString(), List.of(folder + ":0: holds no .drl files"));
        }
        return files;
    }

    private static RuleSet build(String source, Map<String, String> drlByName) {
        KieServices kie = KieServices.Factory.get();
        ReleaseId releaseId = kie.newReleaseId("org.raidwatch", "rule-set", "1.0." + BUILDS.incrementAndGet());
        KieFileSystem kfs = kie.newKieFileSystem();
        kfs.generateAndWritePomXML(releaseId);
        // Drools wants each file under a path matching its package; errors name that path.
        Map<String, String> nameByKiePath = new LinkedHashMap<>();
        Map<String, String> ruleSources = new LinkedHashMap<>();
        Map<String, String> ruleLocations = new LinkedHashMap<>();
        for (Map.Entry<String, String> drl : drlByName.entrySet()) {
            Matcher pkg = PACKAGE.matcher(drl.getValue());
            String resource = (pkg.find() ? pkg.group(1).replace('.', '/') + "/" : "") + Path.of(drl.getKey()).getFileName();
            if (nameByKiePath.containsKey(resource)) {
                // Drools would keep only one of them: refuse rather than drop a file silently.
                throw new RuleSetException(source, List.of(drl.getKey() + ":0: has the same name and package as "
                        + nameByKiePath.get(resource) + "; give one of them another file name"));
            }
            nameByKiePath.put(resource, drl.getKey());
            nameByKiePath.put("src/main/resources/" + resource, drl.getKey());
            kfs.write("src/main/resources/" + resource, drl.getValue());
            Matcher rule = RULE_BLOCK.matcher(drl.getValue());
            while (rule.find()) {
                ruleSources.put(rule.group(1), rule.group(2));
                String before = drl.getValue().substring(0, rule.start());
                ruleLocations.putIfAbsent(rule.group(1), drl.getKey() + ":" + (before.length() - before.replace("\n", "").length() + 1));
            }
        }
        KieBuilder builder = kie.newKieBuilder(kfs).buildAll();
        List<String> problems = new ArrayList<>();
        for (Message message : builder.getResults().getMessages(Message.Level.ERROR)) {
            if (message.getText() != null && message.getText().startsWith("Parser returned a null Package")) {
                continue;
            }
            String file = message.getPath() == null ? source : nameByKiePath.getOrDefault(message.getPath(), message.getPath());
            problems.add(file + ":" + Math.max(message.getLine(), 0) + ": " + oneLine(message.getText()));
        }
        if (!problems.isEmpty()) {
            kie.getRepository().removeKieModule(releaseId);
            throw new RuleSetException(source, problems);
        }
        KieBase kieBase = kie.newKieContainer(releaseId).getKieBase();
        kie.getRepository().removeKieModule(releaseId);

        List<String> ruleIds = new ArrayList<>();
        java.util.TreeSet<Integer> deadlines = new java.util.TreeSet<>();
        for (KiePackage kiePackage : kieBase.getKiePackages()) {
            for (Rule rule : kiePackage.getRules()) {
                ruleIds.add(rule.getName());
                try {
                    Findings.severityOf(rule);
                } catch (IllegalStateException e) {
                    problems.add(fileOf(rule, nameByKiePath) + ":0: " + e.getMessage());
                }
                String timeProblem = timeDependence(rule, ruleSources.getOrDefault(rule.getName(), ""), deadlines);
                if (timeProblem != null) {
                    problems.add(fileOf(rule, nameByKiePath) + ":0: " + timeProblem);
                }
            }
        }
        ruleIds.sort(null);
        if (ruleIds.isEmpty()) {
            problems.add(source + ":0: the rule set defines no rules");
        }
        RuleSet ruleSet = new RuleSet(source, version(drlByName), kieBase, ruleIds, List.copyOf(deadlines), ruleSources,
                ruleLocations);
        if (problems.isEmpty()) {
            problems.addAll(ruleSet.tryOnSampleCases(nameByKiePath));
        }
        if (!problems.isEmpty()) {
            throw new RuleSetException(source, problems);
        }
        return ruleSet;
    }

    /** Adds the rule's declared deadlines; returns a problem when it reads time without declaring one, or declares nonsense. */
    private static String timeDependence(Rule rule, String ruleSource, java.util.Set<Integer> deadlines) {
        Object declared = rule.getMetaData().get(DUE_AFTER_WORKING_DAYS);
        if (declared == null) {
            Matcher reads = TIME_DEPENDENT.matcher(ruleSource);
            return reads.find() ? "rule \"" + rule.getName() + "\" reads " + reads.group(1) + ", which changes as days pass, but declares"
                    + " no @" + DUE_AFTER_WORKING_DAYS + "(N): say after how many working days since the FOI request its outcome can"
                    + " change, so the daily check re-evaluates the cases falling due" : null;
        }
        String text = String.valueOf(declared).replace("\"", "").trim();
        try {
            int days = Integer.parseInt(text);
            if (days < 0 || days > 10_000) {
                throw new NumberFormatException();
            }
            deadlines.add(days);
            return null;
        } catch (NumberFormatException e) {
            return "rule \"" + rule.getName() + "\" declares @" + DUE_AFTER_WORKING_DAYS + "(" + declared
                    + "); it must be a whole number of working days from 0 to 10000";
        }
    }

    private List<String> tryOnSampleCases(Map<String, String> nameByKiePath) {
        Map<String, String> problemByRule = new LinkedHashMap<>();
        try (RuleSession session = new RuleSession(kieBase, this::ruleOf)) {
            for (RaidCase sample : sampleCases()) {
                try {
                    session.evaluate(sample);
                } catch (RuleEvaluationException e) {
                    problemByRule.putIfAbsent(e.ruleId(), ruleFile(e.ruleId(), nameByKiePath) + ":0: rule \"" + e.ruleId()
                            + "\" throws on a sample case (" + sample.getRaidId() + "): " + e.getMessage());
                }
            }
        }
        return new ArrayList<>(problemByRule.values());
    }

    private String ruleFile(String ruleId, Map<String, String> nameByKiePath) {
        for (KiePackage kiePackage : kieBase.getKiePackages()) {
            for (Rule rule : kiePackage.getRules()) {
                if (rule.getName().equals(ruleId)) {
                    return fileOf(rule, nameByKiePath);
                }
            }
        }
        return source;
    }

    private static String fileOf(Rule rule, Map<String, String> nameByKiePath) {
        if (rule instanceof org.drools.base.definitions.rule.impl.RuleImpl impl && impl.getResource() != null
                && impl.getResource().getSourcePath() != null) {
            String path = impl.getResource().getSourcePath();
            return nameByKiePath.getOrDefault(path, path);
        }
        return rule.getPackageName() + "." + rule.getName();
    }

    /** Cases that exercise every field, so a rule that throws on every evaluation is caught before going live. */
    private static List<RaidCase> sampleCases() {
        LocalDate today = LocalDate.of(2021, 6, 1);
        RaidReport claimed = RaidReport.newBuilder()
                .setRaidId("sample-claimed").setForce("Kent Police").setRaidDate(LocalDate.of(2020, 3, 4))
                .setSourceUrl("https://example.org/raid").setTraffickingClaimed(true).setModernSlaveryClaimed(true)
                .setClaimedVictims(6).setClaimedArrests(3).build();
        FoiUpdate answered = FoiUpdate.newBuilder()
                .setFoiId("FOI-1").setRaidId("sample-claimed").setForce("Kent Police")
                .setRequestedOn(LocalDate.of(2020, 9, 1)).setStatus(FoiStatus.RESPONDED).setRespondedOn(LocalDate.of(2020, 10, 1))
                .setVictimsIdentified(3).setNrmReferrals(1).setNrmDeclined(2).setArrests(2).setTraffickingCharges(1).build();
        FoiUpdate pending = FoiUpdate.newBuilder(answered).setStatus(FoiStatus.REQUESTED).setRespondedOn(null)
                .setVictimsIdentified(null).setNrmReferrals(null).setNrmDeclined(null).setArrests(null)
                .setTraffickingCharges(null).build();
        RaidReport unclaimed = RaidReport.newBuilder(claimed).setRaidId("sample-unknowns").setSourceUrl(null)
                .setTraffickingClaimed(false).setModernSlaveryClaimed(false).setClaimedVictims(null).setClaimedArrests(null).build();
        return List.of(
                new RaidCase(claimed, answered, today),
                new RaidCase(claimed, pending, today),
                new RaidCase(claimed, null, today),
                new RaidCase(unclaimed, null, today));
    }

    private static String version(Map<String, String> drlByName) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (Map.Entry<String, String> drl : drlByName.entrySet()) {
                digest.update(Path.of(drl.getKey()).getFileName().toString().getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
                digest.update(drl.getValue().replace("\r\n", "\n").getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
            }
            return HexFormat.of().formatHex(digest.digest()).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("\\s*\\R\\s*", " ").trim();
    }
}
