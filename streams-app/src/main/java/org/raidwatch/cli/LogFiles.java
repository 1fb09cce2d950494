package org.raidwatch.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/**
 * Where the commands whose console is their report (demo, replay, rules diff, bench) write their log
 * lines: {@code raidwatch-<command>.log}, replaced by each run, in {@code $XDG_STATE_HOME/raidwatch}
 * (by default {@code ~/.local/state/raidwatch}), where logs belong, and not in the temporary folder,
 * which raidwatch leaves as it found it. Where that folder cannot be made, the temporary folder.
 */
final class LogFiles {

    private LogFiles() {
    }

    /** The log file of a command, its folder made (owner-only) if missing. */
    static Path of(String command) {
        Path folder = folder(System.getenv(), System.getProperty("user.home"));
        try {
            if (!Files.isDirectory(folder)) {
                Files.createDirectories(folder.getParent());
                try {
                    Files.createDirectory(folder, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                } catch (UnsupportedOperationException notPosix) {
                    Files.createDirectories(folder);
                } catch (java.nio.file.FileAlreadyExistsException raced) {
                    // made meanwhile by another run
                }
            }
            if (Files.isWritable(folder)) {
                return folder.resolve("raidwatch-" + command + ".log");
            }
        } catch (IOException cannotMake) {
            // below: the temporary folder
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "raidwatch-" + command + ".log");
    }

    /** {@code $XDG_STATE_HOME/raidwatch} when that variable holds an absolute path, else {@code <home>/.local/state/raidwatch}. */
    static Path folder(Map<String, String> environment, String home) {
        String state = environment.get("XDG_STATE_HOME");
        Path root = state != null && !state.isBlank() && Path.of(state).isAbsolute() ? Path.of(state) : Path.of(home, ".local", "state");
        return root.resolve("raidwatch");
    }
}
