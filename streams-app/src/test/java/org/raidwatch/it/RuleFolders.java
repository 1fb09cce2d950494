package org.raidwatch.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/** Rule folders for tests: the shipped rules, less some, plus rules of the test's own. */
public final class RuleFolders {

    /** Where the shipped rule files lie, seen from the streams-app module. */
    public static final Path SHIPPED = Path.of("../rules/drl");

    private RuleFolders() {
    }

    /** Copies the shipped rule files into the folder, leaving out the given rule ids; returns the folder. */
    public static Path shippedWithout(Path folder, String... removedRuleIds) throws IOException {
        Files.createDirectories(folder);
        Set<String> removed = Set.of(removedRuleIds);
        try (var files = Files.list(SHIPPED)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".drl")).toList()) {
                if (!removed.contains(file.getFileName().toString().replace(".drl", ""))) {
                    Files.copy(file, folder.resolve(file.getFileName()));
                }
            }
        }
        return folder;
    }

    /** Writes a one-rule DRL file of the given id, severity LOW, flagging the cases the condition matches. */
    public static Path addRule(Path folder, String ruleId, String condition, String explanation) throws IOException {
        return Files.writeString(folder.resolve(ruleId + ".drl"), """
                package raidwatch.rules;
                import org.raidwatch.rules.RaidCase;
                global org.raidwatch.rules.Findings findings;
                rule "%s"
                    @severity(LOW)
                when
                    $c : RaidCase( %s )
                then
                    findings.flag(drools, %s);
                end
                """.formatted(ruleId, condition, explanation));
    }
}
