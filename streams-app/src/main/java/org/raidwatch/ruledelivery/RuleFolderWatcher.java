package org.raidwatch.ruledelivery;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.raidwatch.rules.LiveRuleSet;
import org.raidwatch.rules.RuleSet;
import org.raidwatch.rules.RuleSetException;
import org.raidwatch.rules.scenario.ScenarioFiles;
import org.raidwatch.rules.scenario.ScenarioRun;

/**
 * Rebuilds the rule set when a file in its folder (or its scenario folder) changes, and puts it in
 * force once it builds and its scenarios pass: an editor's save
 * (often several writes, or a write and a rename) is waited out until the folder has been quiet
 * for the debounce time, and the set is built on this watcher's thread, never a stream thread. A
 * set that does not build leaves the set in force as it was.
 */
public final class RuleFolderWatcher implements AutoCloseable {

    /** What became of a change: the set now in force, or the problems of the set that did not build. */
    public interface Report {
        void inForce(RuleSet ruleSet);

        void unchanged(RuleSet ruleSet);

        void refused(List<String> problems);
    }

    private final Path folder;
    private final LiveRuleSet live;
    private final Duration debounce;
    private final Report report;
    private final WatchService watcher;
    private final Thread thread;

    public RuleFolderWatcher(Path folder, LiveRuleSet live, Duration debounce, Report report) throws IOException {
        this.folder = folder;
        this.live = live;
        this.debounce = debounce;
        this.report = report;
        this.watcher = FileSystems.getDefault().newWatchService();
        try {
            registerAll();
        } catch (IOException | RuntimeException e) {
            watcher.close();
            throw e;
        }
        this.thread = new Thread(this::watch, "raidwatch-rules-watcher");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void registerAll() throws IOException {
        register(folder);
        Path scenarios = ScenarioFiles.folderFor(folder);
        if (scenarios != null && !scenarios.startsWith(folder)) {
            register(scenarios);
        }
    }

    private void register(Path root) throws IOException {
        try (Stream<Path> folders = Files.walk(root)) {
            for (Path dir : folders.filter(Files::isDirectory).toList()) {
                dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                        StandardWatchEventKinds.ENTRY_DELETE);
            }
        }
    }

    private void watch() {
        try {
            while (true) {
                WatchKey key = watcher.take();
                drain(key);
                // Wait until the folder has been quiet for the debounce time.
                WatchKey more;
                while ((more = watcher.poll(debounce.toMillis(), TimeUnit.MILLISECONDS)) != null) {
                    drain(more);
                }
                try {
                    registerAll(); // folders made since
                } catch (IOException | java.io.UncheckedIOException e) {
                    // an editor's temporary file gone while the folder was walked: the next change walks it again
                }
                reload();
            }
        } catch (InterruptedException | ClosedWatchServiceException stopped) {
            // closing
        }
    }

    private static void drain(WatchKey key) {
        key.pollEvents();
        key.reset();
    }

    private void reload() {
        try {
            RuleSet built = RuleSet.load(folder);
            // As an instance checks a published set: its own scenarios must pass too.
            Path scenarios = ScenarioFiles.folderFor(folder);
            List<String> failing = scenarios == null ? List.of() : ScenarioRun.problems(built, ScenarioFiles.read(scenarios));
            if (!failing.isEmpty()) {
                report.refused(failing);
                return;
            }
            Consumer<RuleSet> tell = live.replace(built) ? report::inForce : report::unchanged;
            tell.accept(built);
        } catch (RuleSetException e) {
            report.refused(e.problems());
        } catch (RuntimeException e) {
            report.refused(List.of(folder + ":0: " + e));
        }
    }

    @Override
    public void close() {
        thread.interrupt();
        try {
            watcher.close();
            thread.join(5_000);
        } catch (IOException ignored) {
            // closing anyway
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
