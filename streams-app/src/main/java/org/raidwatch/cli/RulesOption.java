package org.raidwatch.cli;

import java.nio.file.Path;
import org.raidwatch.rules.RuleSet;
import picocli.CommandLine.Option;

/** The {@code --rules DIR} option shared by the commands that evaluate rules. */
final class RulesOption {

    @Option(names = "--rules", paramLabel = "DIR",
            description = "Folder of .drl rule files (default: the shipped rule set, rules/drl in the repository).")
    Path folder;

    /** Builds the rule set; a RuleSetException (one file:line: message per problem) stops the command. */
    RuleSet load() {
        return folder == null ? RuleSet.loadShipped() : RuleSet.load(folder);
    }
}
