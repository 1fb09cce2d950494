package org.raidwatch.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The shipped jar ({@code target/raidwatch.jar}, built in the package phase) running one command in a
 * process of its own, as an operator starts it: {@code java -jar raidwatch.jar run --config FILE}.
 * Its output goes to a log file in the test's folder; its temporary folder is that folder too.
 */
public final class RaidwatchProcess implements AutoCloseable {

    public static final Path JAR = Path.of("target/raidwatch.jar");

    private final Process process;
    private final Path log;

    private RaidwatchProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts {@code raidwatch ARGS}; its output goes to {@code dir/NAME.log} (replaced). */
    public static RaidwatchProcess start(Path dir, String name, String... args) throws IOException {
        return start(dir, name, List.of("-Djava.io.tmpdir=" + dir), args);
    }

    /** As {@link #start(Path, String, String...)}, with these JVM options instead of the test's folder as the temporary folder. */
    public static RaidwatchProcess start(Path dir, String name, List<String> jvmOptions, String... args) throws IOException {
        assertThat(JAR).as("the runnable jar, built in the package phase").exists();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", JAR.toString()));
        command.addAll(List.of(args));
        Path log = dir.resolve(name + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        // RocksDB's library and the log files go under <user.home>: never to folders named by the environment of whoever runs the tests.
        builder.environment().remove("XDG_CACHE_HOME");
        builder.environment().remove("XDG_STATE_HOME");
        return new RaidwatchProcess(builder.start(), log);
    }

    /** Waits until the command has printed a line matching the pattern; fails the test if it exits first or takes longer. */
    public RaidwatchProcess awaitOutput(Duration timeout, String what, java.util.regex.Pattern line) throws InterruptedException {
        Await.until(timeout, log.getFileName() + " to print " + what,
                () -> output().lines().anyMatch(l -> line.matcher(l).find()) || !process.isAlive(), this::tail);
        assertThat(process.isAlive()).as("%s alive; it printed:%n%s", log.getFileName(), tail()).isTrue();
        return this;
    }

    /** Runs {@code raidwatch ARGS} to its end (at most the timeout) and returns its exit status. */
    public static Finished run(Path dir, String name, Duration timeout, String... args) throws IOException, InterruptedException {
        return run(dir, name, timeout, List.of("-Djava.io.tmpdir=" + dir), args);
    }

    /** As {@link #run(Path, String, Duration, String...)}, with these JVM options instead of the test's folder as the temporary folder. */
    public static Finished run(Path dir, String name, Duration timeout, List<String> jvmOptions, String... args)
            throws IOException, InterruptedException {
        try (RaidwatchProcess started = start(dir, name, jvmOptions, args)) {
            boolean ended = started.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(ended).as("raidwatch %s ended within %d s; it printed:%n%s", String.join(" ", args), timeout.toSeconds(),
                    started.output()).isTrue();
            return new Finished(started.process.exitValue(), started.output());
        }
    }

    /** A finished command: its exit status and everything it printed. */
    public record Finished(int status, String output) {
    }

    /** Waits until {@code run} reports it is running; fails the test if it exits first or takes longer. */
    public RaidwatchProcess awaitRunning(Duration timeout) throws InterruptedException {
        Await.until(timeout, "raidwatch run (" + log.getFileName() + ") to report it is running",
                () -> output().contains("raidwatch running") || !process.isAlive(), this::tail);
        assertThat(process.isAlive()).as("raidwatch run alive; it printed:%n%s", tail()).isTrue();
        return this;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL: no commit, no close, an open transaction and open stores left behind. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("killed process gone within 30 s").isTrue();
    }

    /** SIGTERM, as a supervisor stops it; returns its exit status. */
    public int stop() throws InterruptedException {
        process.destroy();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("%s stopped within 60 s after SIGTERM: %s", log.getFileName(), tail())
                .isTrue();
        return process.exitValue();
    }

    public String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    /** The last lines it printed, for failure messages. */
    public String tail() {
        List<String> lines = output().lines().toList();
        return log.getFileName() + " (alive " + process.isAlive() + "): " + String.join("\n", lines.subList(Math.max(0, lines.size() - 25), lines.size()));
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
