package org.raidwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The commands' log files lie in the user's state folder, not the temporary one. */
class LogFilesTest {

    @Test
    void logs_go_to_the_xdg_state_folder_or_under_home() {
        assertThat(LogFiles.folder(Map.of(), "/home/a")).isEqualTo(Path.of("/home/a/.local/state/raidwatch"));
        assertThat(LogFiles.folder(Map.of("XDG_STATE_HOME", "/srv/state"), "/home/a")).isEqualTo(Path.of("/srv/state/raidwatch"));
        assertThat(LogFiles.folder(Map.of("XDG_STATE_HOME", "relative"), "/home/a")).isEqualTo(Path.of("/home/a/.local/state/raidwatch"));
    }
}
