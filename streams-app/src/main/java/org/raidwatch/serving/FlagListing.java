package org.raidwatch.serving;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Predicate;
import org.raidwatch.schema.CaseFlag;

/**
 * Every flag's latest change, decoded once and held newest first (by when the change was found, then
 * raid and rule), so a listing is one pass that counts the matches and keeps the first ones, with no
 * sort and no copy of the whole. The pages it gave, and what the HTTP side rendered them as, are
 * remembered by filter and limit while it lasts (it is replaced by the next reading of the store):
 * dashboards ask the same question, and fifty of them at once cost one pass and one rendering.
 */
public final class FlagListing {

    static final Comparator<CaseFlag> NEWEST_FIRST = Comparator.comparing(CaseFlag::getChangedAt).reversed()
            .thenComparing(CaseFlag::getRaidId).thenComparing(CaseFlag::getRuleId);

    /** Pages remembered at most; when a new question finds them all taken, they are all forgotten. */
    static final int REMEMBERED_PAGES = 64;

    private final List<CaseFlag> newestFirst;
    private final Map<PageKey, CompletableFuture<Remembered>> pages = new ConcurrentHashMap<>();

    private record PageKey(FlagFilter filter, int limit) {
    }

    /** A page made once, and what each renderer made of it (the HTTP side's JSON), made once too. */
    private record Remembered(StateQueries.Page<CaseFlag> page, Map<Function<StateQueries.Page<CaseFlag>, ?>, Object> renderings) {
    }

    private FlagListing(List<CaseFlag> newestFirst) {
        this.newestFirst = newestFirst;
    }

    public static FlagListing of(Collection<CaseFlag> flags) {
        List<CaseFlag> sorted = new ArrayList<>(flags);
        sorted.sort(NEWEST_FIRST);
        return new FlagListing(sorted);
    }

    public int size() {
        return newestFirst.size();
    }

    /**
     * The flags that match, newest first, at most {@code limit} of them, with how many matched in all;
     * remembered, so the same filter and limit again get the same page, and requests for it at the
     * same moment wait for one pass.
     */
    public StateQueries.Page<CaseFlag> page(FlagFilter filter, int limit) {
        return remembered(filter, limit).page();
    }

    /**
     * The page for the filter and limit as {@code render} makes it, remembered with the page: the
     * same renderer (the same instance) asked for the same page again gets what it made the first time.
     */
    @SuppressWarnings("unchecked")
    public <R> R rendered(FlagFilter filter, int limit, Function<StateQueries.Page<CaseFlag>, R> render) {
        Remembered remembered = remembered(filter, limit);
        return (R) remembered.renderings().computeIfAbsent(render, r -> render.apply(remembered.page()));
    }

    /**
     * The remembered page, made now if it is new. The pass runs outside the map's locks; requests for
     * the same page meanwhile wait for it. Many different questions (a bound of {@link #REMEMBERED_PAGES})
     * make the listing forget them all, so no question is left without a page and memory stays bounded.
     */
    private Remembered remembered(FlagFilter filter, int limit) {
        PageKey key = new PageKey(filter, limit);
        CompletableFuture<Remembered> known = pages.get(key);
        if (known == null) {
            if (pages.size() >= REMEMBERED_PAGES) {
                pages.clear();
            }
            CompletableFuture<Remembered> mine = new CompletableFuture<>();
            known = pages.putIfAbsent(key, mine);
            if (known == null) {
                try {
                    mine.complete(new Remembered(matching(filter, limit), new ConcurrentHashMap<>()));
                } catch (RuntimeException | Error e) {
                    pages.remove(key, mine);
                    mine.completeExceptionally(e);
                    throw e;
                }
                return mine.join();
            }
        }
        return known.join();
    }

    /** The flags that match, newest first, at most {@code limit} of them, with how many matched in all: one pass, not remembered. */
    public StateQueries.Page<CaseFlag> matching(Predicate<CaseFlag> filter, int limit) {
        List<CaseFlag> items = new ArrayList<>(Math.min(Math.max(limit, 0), 1024));
        int total = 0;
        for (CaseFlag flag : newestFirst) {
            if (filter.test(flag)) {
                if (total < limit) {
                    items.add(flag);
                }
                total++;
            }
        }
        return new StateQueries.Page<>(total, List.copyOf(items));
    }
}
