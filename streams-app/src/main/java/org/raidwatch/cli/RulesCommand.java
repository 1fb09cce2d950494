package org.raidwatch.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "rules", mixinStandardHelpOptions = true,
        header = "Work with rule sets: see a change's effect, make signing keys, publish a set to running instances.",
        description = {
                "  diff     the flags a new rule set would raise, resolve and change on a dataset",
                "  keygen   make an Ed25519 key pair for signing published rule sets",
                "  publish  check, sign and publish a rule set to the rules topic; running instances that trust the key put it in force"},
        subcommands = {RulesDiffCommand.class, RulesKeygenCommand.class, RulesPublishCommand.class})
final class RulesCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a rules command: diff, keygen or publish");
    }
}
