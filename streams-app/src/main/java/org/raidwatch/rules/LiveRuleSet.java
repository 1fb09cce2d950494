package org.raidwatch.rules;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The rule set in force, which can be replaced while the stream runs. The stream threads read
 * {@link #current()} once per record (and once per batch of re-evaluations), so a new set takes
 * effect between two records, never within one; a set is built and checked before it is handed
 * here, off the stream threads. The set replaced is not closed: a stream thread may still be
 * finishing a record with it, and it is collected once no thread refers to it.
 */
public final class LiveRuleSet {

    private final AtomicReference<RuleSet> current;
    private final List<Consumer<RuleSet>> listeners = new CopyOnWriteArrayList<>();

    public LiveRuleSet(RuleSet initial) {
        this.current = new AtomicReference<>(Objects.requireNonNull(initial));
    }

    /** A rule set that is never replaced (replay, benchmarks, tests). */
    public static LiveRuleSet fixed(RuleSet ruleSet) {
        return new LiveRuleSet(ruleSet);
    }

    public RuleSet current() {
        return current.get();
    }

    /**
     * Puts a new set in force, unless it has the version of the one in force.
     *
     * @return true when the set in force changed
     */
    public boolean replace(RuleSet next) {
        Objects.requireNonNull(next);
        RuleSet before = current.get();
        if (before.version().equals(next.version()) || !current.compareAndSet(before, next)) {
            return false;
        }
        listeners.forEach(listener -> listener.accept(next));
        return true;
    }

    /** Told of every set put in force after this call (metrics, the console). */
    public void onReplace(Consumer<RuleSet> listener) {
        listeners.add(listener);
    }
}
