package org.raidwatch.cli;

import java.util.function.Supplier;
import org.raidwatch.local.ReplayProgress;

/**
 * A replay's progress in words, for {@link ProgressLine}: rows loaded (out of about as many as the
 * files hold), then rows processed out of those loaded, each with a percentage and the time left.
 */
final class ReplayProgressLine implements Supplier<String> {

    private final String label;
    private final ReplayProgress progress;
    private final long estimatedRows;
    private final ProgressLine.Remaining loading = new ProgressLine.Remaining();
    private final ProgressLine.Remaining processing = new ProgressLine.Remaining();

    /**
     * @param label         what runs, e.g. {@code replay}
     * @param estimatedRows about how many rows the files hold (0: not known)
     */
    ReplayProgressLine(String label, ReplayProgress progress, long estimatedRows) {
        this.label = label;
        this.progress = progress;
        this.estimatedRows = estimatedRows;
    }

    @Override
    public String get() {
        long loaded = progress.rowsLoaded();
        return switch (progress.phase()) {
            case LOADING -> {
                long total = Math.max(estimatedRows, loaded);
                yield label + ": loading rows, " + ProgressLine.count(loaded)
                        + (estimatedRows > 0 ? " of about " + ProgressLine.count(total) + " (" + ProgressLine.percent(loaded, total) + ")"
                                + ProgressLine.left(loading.after(loaded, total)) : "");
            }
            case STARTING -> label + ": " + ProgressLine.count(loaded) + " rows loaded; starting the topology";
            case PROCESSING -> {
                long processed = Math.min(progress.rowsProcessed(), loaded);
                yield label + ": " + ProgressLine.count(loaded) + " rows loaded, " + ProgressLine.count(processed) + " processed ("
                        + ProgressLine.percent(processed, loaded) + ")" + ProgressLine.left(processing.after(processed, loaded));
            }
            case READING_BACK -> label + ": " + ProgressLine.count(loaded) + " rows processed (100%); reading back the flags, "
                    + ProgressLine.count(progress.flagsRead());
            case DONE -> label + ": " + ProgressLine.count(loaded) + " rows processed (100%); writing the outputs";
        };
    }
}
