package org.raidwatch.rules;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
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

/**
 * Reads DRL files and compiles them into one KieBase, with Drools' errors named {@code file:line}
 * by the files as the user gave them; also the rules' source text and where each is declared, and
 * the set's version (a hash of the files).
 */
final class RuleSetCompiler {

    private static final Pattern PACKAGE = Pattern.compile("^\\s*package\\s+([\\w.]+)\\s*;?", Pattern.MULTILINE);
    private static final Pattern RULE_BLOCK = Pattern.compile("(?s)\\brule\\s+\"([^\"]+)\"(.*?)\\bend\\b");
    private static final AtomicLong BUILDS = new AtomicLong();

    /**
     * A compiled set.
     *
     * @param nameByKiePath the file each of Drools' resource paths came from
     * @param ruleSources   each rule's text between its name and {@code end}
     * @param ruleLocations each rule's {@code file:line}
     */
    record Compiled(KieBase kieBase, Map<String, String> nameByKiePath, Map<String, String> ruleSources,
                    Map<String, String> ruleLocations) {

        /** The file a rule was read from, as the user named it. */
        String fileOf(Rule rule) {
            if (rule instanceof org.drools.base.definitions.rule.impl.RuleImpl impl && impl.getResource() != null
                    && impl.getResource().getSourcePath() != null) {
                String path = impl.getResource().getSourcePath();
                return nameByKiePath.getOrDefault(path, path);
            }
            return rule.getPackageName() + "." + rule.getName();
        }

        /** The file a rule id was read from, or {@code otherwise} when no rule has that id. */
        String fileOfRule(String ruleId, String otherwise) {
            for (KiePackage kiePackage : kieBase.getKiePackages()) {
                for (Rule rule : kiePackage.getRules()) {
                    if (rule.getName().equals(ruleId)) {
                        return fileOf(rule);
                    }
                }
            }
            return otherwise;
        }
    }

    private RuleSetCompiler() {
    }

    /** The .drl files under a folder, by the name errors show (the path as the user gave it, or the file name when shipped). */
    static Map<String, String> readDrlFiles(Path folder, boolean fullPaths) {
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

    /**
     * Compiles the files into one KieBase.
     *
     * @throws RuleSetException with every compile error, or when two files would share a Drools path
     */
    static Compiled compile(String source, Map<String, String> drlByName) {
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
        return new Compiled(kieBase, Map.copyOf(nameByKiePath), Map.copyOf(ruleSources), Map.copyOf(ruleLocations));
    }

    /** The set's version: the first 12 hex digits of a SHA-256 over the files' names and contents (line ends normalised). */
    static String version(Map<String, String> drlByName) {
        return digest(drlByName).substring(0, 12);
    }

    /** The SHA-256 of the files' names and contents (line endings made \\n), in hex: its first 12 digits are the version. */
    static String digest(Map<String, String> drlByName) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (Map.Entry<String, String> drl : drlByName.entrySet()) {
                digest.update(Path.of(drl.getKey()).getFileName().toString().getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
                digest.update(drl.getValue().replace("\r\n", "\n").getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("\\s*\\R\\s*", " ").trim();
    }
}
