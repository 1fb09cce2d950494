package org.raidwatch.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The memory a run used: the most heap in use, sampled every 50 ms on a thread of its own, and the
 * process's peak resident set (Linux's {@code VmHWM}, reset at the start through
 * {@code /proc/self/clear_refs} where the kernel allows it; otherwise the process's peak so far).
 */
final class MemoryWatch implements AutoCloseable {

    private static final Path STATUS = Path.of("/proc/self/status");
    private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");
    private static final long SAMPLE_MS = 50;

    /**
     * @param heap bytes of heap in use at the highest sample
     * @param rss  bytes of the process's peak resident set, -1 when the system does not say
     */
    record Peaks(long heap, long rss) {
    }

    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final AtomicLong heapPeak = new AtomicLong();
    private final Thread sampler;
    private volatile boolean stopped;

    private MemoryWatch() {
        resetPeakResidentSet();
        sample();
        sampler = new Thread(() -> {
            while (!stopped) {
                sample();
                try {
                    Thread.sleep(SAMPLE_MS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "raidwatch-bench-memory");
        sampler.setDaemon(true);
        sampler.start();
    }

    static MemoryWatch start() {
        return new MemoryWatch();
    }

    private void sample() {
        heapPeak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
    }

    /** The peaks so far. */
    Peaks peaks() {
        sample();
        return new Peaks(heapPeak.get(), peakResidentSet());
    }

    /** The process's peak resident set in bytes, -1 when unknown. */
    static long peakResidentSet() {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException | SecurityException e) {
            return -1;
        }
        return -1;
    }

    private static void resetPeakResidentSet() {
        try {
            Files.writeString(CLEAR_REFS, "5");
        } catch (IOException | SecurityException | UnsupportedOperationException e) {
            // Not Linux, or not allowed: the peak stays the process's peak so far.
        }
    }

    @Override
    public void close() {
        stopped = true;
        sampler.interrupt();
    }
}
