package org.raidwatch.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.raidwatch.rules.RuleSigningKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "keygen", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Make an Ed25519 key pair for signing published rule sets.",
        description = {
                "Writes NAME.key (the private key, readable by its owner only: keep it with the people who publish rules) and NAME.pub (the public key: list it in every instance's raidwatch.rules.trusted.keys) into DIR. Never overwrites a key.",
                "Exit status: 0 written; 2 the files exist or cannot be written."})
final class RulesKeygenCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder for the two files (created if missing).")
    Path out;

    @Option(names = "--name", paramLabel = "NAME", defaultValue = "raidwatch-rules",
            description = "File name of the pair, without extension (default: ${DEFAULT-VALUE}).")
    String name;

    @Override
    public Integer call() {
        var keys = RuleSigningKeys.generate();
        List<Path> written;
        try {
            written = RuleSigningKeys.write(keys, out, name);
        } catch (IOException e) {
            throw new Failures.UsageFailure(e.getMessage());
        }
        spec.commandLine().getOut().printf("raidwatch: wrote %s (private: keep it secret) and %s (public); key id %s%n",
                written.get(0), written.get(1), RuleSigningKeys.keyId(keys.getPublic()));
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}
