package org.raidwatch.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.raidwatch.cli.ExitCodes;

/**
 * What the shipped jar leaves in the temporary folder when it is stopped by a signal or killed:
 * nothing of RocksDB's (its native library is kept once in the user's cache), and a folder left by a
 * killed process is removed by the next start.
 */
class TemporaryFilesIT {

    private static final Pattern FLAG_LINE = Pattern.compile("^(HIGH|MEDIUM|LOW) +(RAISED|UPDATED|RESOLVED) ");
    private static final Path RAIDS = Path.of("src/test/resources/replay/raids.csv");
    private static final Path FOI = Path.of("src/test/resources/replay/foi.csv");

    @Test
    void a_demo_stopped_by_sigterm_leaves_nothing_and_one_killed_is_cleared_by_the_next_start(@TempDir Path dir) throws Exception {
        Path temporary = Files.createDirectories(dir.resolve("tmp"));
        Path home = Files.createDirectories(dir.resolve("home"));
        List<String> jvm = List.of("-Djava.io.tmpdir=" + temporary, "-Duser.home=" + home);

        // Given a demo that has started processing, When it is stopped with SIGTERM
        try (RaidwatchProcess demo = RaidwatchProcess.start(dir, "demo-sigterm", jvm, "demo", "--http-port", "0", "--duration", "10m")) {
            demo.awaitOutput(Duration.ofSeconds(120), "a flag line", FLAG_LINE);
            assertThat(demo.stop()).as("exit status after SIGTERM; it printed:%n%s", demo.tail()).isEqualTo(ExitCodes.OK);
        }
        // Then the temporary folder is as it was (the demo's log lies in the user's state folder)
        assertThat(names(temporary)).isEmpty();
        assertThat(home.resolve(".local/state/raidwatch/raidwatch-demo.log")).isNotEmptyFile();
        // and RocksDB's library lies once in the user's cache
        assertThat(libraries(home)).hasSize(1);

        // Given a demo killed (SIGKILL) while processing: its folder stays behind
        try (RaidwatchProcess demo = RaidwatchProcess.start(dir, "demo-sigkill", jvm, "demo", "--http-port", "0", "--duration", "10m")) {
            demo.awaitOutput(Duration.ofSeconds(120), "a flag line", FLAG_LINE);
            demo.kill();
        }
        assertThat(names(temporary)).anyMatch(name -> name.startsWith("raidwatch-demo-"));

        // When the next command that needs a temporary folder starts (a replay)
        RaidwatchProcess.Finished replay = RaidwatchProcess.run(dir, "replay", Duration.ofSeconds(180), jvm, "replay", "--raids",
                RAIDS.toAbsolutePath().toString(), "--foi", FOI.toAbsolutePath().toString(), "--out", dir.resolve("out").toString());

        // Then it removes what the killed demo left, and itself leaves nothing
        assertThat(replay.status()).as("replay exit; it printed:%n%s", replay.output()).isEqualTo(ExitCodes.ROWS_REJECTED);
        assertThat(names(temporary)).isEmpty();
        assertThat(libraries(home)).as("the same copy of RocksDB's library, reused").hasSize(1);
    }

    private static List<String> names(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(file -> file.getFileName().toString()).sorted().toList();
        }
    }

    private static List<Path> libraries(Path home) throws IOException {
        try (Stream<Path> files = Files.walk(home)) {
            return files.filter(file -> file.getFileName().toString().startsWith("librocksdbjni")).toList();
        }
    }
}
