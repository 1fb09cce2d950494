package org.raidwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every command and subcommand answers --help with its usage, and picocli has nothing to warn about in any of them. */
class HelpTest {

    @Test
    void every_command_explains_itself_without_a_formatting_warning() {
        List<List<String>> commands = new ArrayList<>();
        collect(Main.commandLine(), new ArrayList<>(), commands);
        assertThat(commands).as("commands found").hasSizeGreaterThan(10);

        // picocli's own warnings (an unescaped % in a description, say) go to System.err
        PrintStream console = System.err;
        ByteArrayOutputStream warnings = new ByteArrayOutputStream();
        System.setErr(new PrintStream(warnings, true, StandardCharsets.UTF_8));
        try {
            for (List<String> command : commands) {
                StringWriter out = new StringWriter();
                List<String> args = new ArrayList<>(command);
                args.add("--help");
                int status = Main.execute(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true), args.toArray(String[]::new));
                assertThat(status).as("raidwatch %s --help", String.join(" ", command)).isZero();
                assertThat(out.toString()).as("raidwatch %s --help", String.join(" ", command)).contains("Usage: raidwatch");
            }
        } finally {
            System.setErr(console);
        }
        assertThat(warnings.toString(StandardCharsets.UTF_8)).doesNotContain("picocli WARN");
    }

    private static void collect(CommandLine command, List<String> path, List<List<String>> found) {
        found.add(List.copyOf(path));
        command.getSubcommands().forEach((name, sub) -> {
            if (!sub.getCommandSpec().name().equals(name) || name.equals("help")) {
                return;   // an alias, or picocli's own help command
            }
            List<String> deeper = new ArrayList<>(path);
            deeper.add(name);
            collect(sub, deeper, found);
        });
    }
}
