package org.raidwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.raidwatch.it.RaidwatchProcess;

/**
 * The shipped jar's replay on a terminal (a pseudo-terminal from util-linux's {@code script}, as a
 * user's shell gives it) shows one progress line, rewritten in place, and wipes it before its summary;
 * with its output in a file, or with {@code --quiet}, it shows none.
 */
class ProgressOnTerminalIT {

    private static final Path SCRIPT = Path.of("/usr/bin/script");
    private static final Path RAIDS = Path.of("src/test/resources/replay/raids.csv").toAbsolutePath();
    private static final Path FOI = Path.of("src/test/resources/replay/foi.csv").toAbsolutePath();

    @TempDir
    Path dir;

    @Test
    void on_a_terminal_replay_shows_rows_loaded_and_processed_on_one_line_then_its_summary() throws Exception {
        // When a replay runs on a terminal
        String out = onTerminal("replay", "--raids", RAIDS.toString(), "--foi", FOI.toString(), "--out", dir.resolve("out").toString());

        // Then its progress is one line rewritten in place: rows loaded, rows processed, a percentage
        assertThat(out).contains("\rreplay: loading rows, ").contains(" rows loaded, ").contains(" processed (").contains("%)");
        String progress = out.substring(out.indexOf("\rreplay: "), out.indexOf("raidwatch replay as of"));
        assertThat(progress).as("no line break while the line is shown").doesNotContain("\n");
        // And the line is wiped before the summary, which reads as it does without a terminal
        assertThat(progress).matches("(?s).*\r +\r$");
        assertThat(out).contains("raidwatch replay as of 2021-04-01").contains("national rates, all time:");
    }

    @Test
    void on_a_terminal_rules_diff_shows_the_progress_of_each_of_its_two_replays() throws Exception {
        String out = onTerminal(ExitCodes.OK, "rules", "diff", "--rules", Path.of("../rules/drl").toAbsolutePath().toString(),
                "--raids", RAIDS.toString(), "--foi", FOI.toString());

        assertThat(out).contains("\rrules diff, 1 of 2 (current rules): ").contains("\rrules diff, 2 of 2 (proposed rules): ")
                .contains(" processed (").contains("raidwatch rules diff as of");
    }

    @Test
    void with_its_output_in_a_file_or_with_quiet_replay_shows_no_progress() throws Exception {
        // When a replay's output goes to a file
        RaidwatchProcess.Finished toFile = RaidwatchProcess.run(dir, "replay-to-file", Duration.ofMinutes(3), "replay", "--raids",
                RAIDS.toString(), "--foi", FOI.toString(), "--out", dir.resolve("out-file").toString());
        // And when one runs on a terminal with --quiet
        String quiet = onTerminal("replay", "--quiet", "--raids", RAIDS.toString(), "--foi", FOI.toString(), "--out",
                dir.resolve("out-quiet").toString());

        // Then neither shows a progress line, and both still print their summary
        assertThat(toFile.status()).isEqualTo(ExitCodes.ROWS_REJECTED);
        for (String out : List.of(toFile.output(), quiet)) {
            assertThat(out).contains("raidwatch replay as of 2021-04-01");
            assertThat(out).doesNotContain("loading rows").doesNotContain("rows loaded").doesNotContain("\rreplay:");
        }
    }

    /** Runs the shipped jar in a pseudo-terminal and returns what it wrote there. */
    private String onTerminal(String... args) throws IOException, InterruptedException {
        return onTerminal(ExitCodes.ROWS_REJECTED, args);
    }

    private String onTerminal(int expectedStatus, String... args) throws IOException, InterruptedException {
        assertThat(SCRIPT).as("util-linux's script (Debian's bsdutils) gives the command a terminal").exists();
        assertThat(RaidwatchProcess.JAR).as("the runnable jar, built in the package phase").exists();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-Djava.io.tmpdir=" + dir, "-jar", RaidwatchProcess.JAR.toAbsolutePath().toString()));
        command.addAll(List.of(args));
        String line = String.join(" ", command.stream().map(ProgressOnTerminalIT::quoted).toList());
        Path transcript = dir.resolve("terminal-" + System.nanoTime() + ".out");
        Process process = new ProcessBuilder(SCRIPT.toString(), "-qefc", line, "/dev/null")
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectErrorStream(true).redirectOutput(transcript.toFile()).start();
        boolean ended = process.waitFor(3, TimeUnit.MINUTES);
        String out = Files.readString(transcript, StandardCharsets.UTF_8);
        if (!ended) {
            process.destroyForcibly();
        }
        assertThat(ended).as("raidwatch %s on a terminal ended within 3 minutes; it wrote:%n%s", String.join(" ", args), out).isTrue();
        assertThat(process.exitValue()).as("exit status; it wrote:%n%s", out).isEqualTo(expectedStatus);
        return out;
    }

    private static String quoted(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }
}
