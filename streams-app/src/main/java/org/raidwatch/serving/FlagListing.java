package org.raidwatch.serving;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;
import org.raidwatch.schema.CaseFlag;

/**
 * Every flag's latest change, held newest first (by when the change was found, then raid and rule)
 * as a {@link ListedFlag}, so a listing is one pass that counts the matches and keeps the first ones,
 * with no sort and no copy of the whole; only the flags on a page are decoded whole. A listing does not change: flags that changed since make a new one
 * ({@link #withChanges}), by merging them in rather than sorting again. The pages a listing gave, and
 * what the HTTP side rendered them as, are remembered by filter and limit while it lasts: dashboards
 * ask the same question, and fifty of them at once cost one pass and one rendering.
 */
public final class FlagListing {

    static final Comparator<ListedFlag> NEWEST_FIRST = Comparator.comparingLong(ListedFlag::changedAtMillis).reversed()
            .thenComparing(ListedFlag::getRaidId).thenComparing(ListedFlag::getRuleId);

    /** Pages remembered at most; when a new question finds them all taken, they are all forgotten. */
    static final int REMEMBERED_PAGES = 64;

    private final ListedFlag[] newestFirst;
    private final Map<PageKey, CompletableFuture<Remembered>> pages = new ConcurrentHashMap<>();

    private record PageKey(FlagFilter filter, int limit) {
    }

    /** A page made once, what each renderer made of it (the HTTP side's JSON), made once too, and how often it was asked for. */
    private record Remembered(StateQueries.Page<CaseFlag> page, Map<Function<StateQueries.Page<CaseFlag>, ?>, Object> renderings,
                              AtomicInteger asked) {
    }

    /** Pages of the listing before that a new listing makes before it is put in use, at most. */
    static final int PREPARED_PAGES = 8;

    private FlagListing(ListedFlag[] newestFirst) {
        this.newestFirst = newestFirst;
    }

    /** A listing of flags in hand, each held as it is. */
    public static FlagListing of(Collection<CaseFlag> flags) {
        return ofListed(flags.stream().map(ListedFlag::of).toList());
    }

    public static FlagListing ofListed(Collection<ListedFlag> flags) {
        ListedFlag[] sorted = flags.toArray(new ListedFlag[0]);
        Arrays.sort(sorted, NEWEST_FIRST);
        return new FlagListing(sorted);
    }


    /**
     * This listing less some of its flags (each the very object it holds) and with others added, in
     * order: each one's place is found by binary search and the rest is copied across in runs, so a
     * few changes to a million flags cost a copy of the references, not a sort or a comparison each.
     * The pages remembered are not carried over.
     *
     * @throws IllegalArgumentException when a flag to take out is not one this listing holds
     */
    public FlagListing withChanges(Collection<ListedFlag> removed, Collection<ListedFlag> added) {
        if (removed.isEmpty() && added.isEmpty()) {
            return this;
        }
        ListedFlag[] old = newestFirst;
        int[] gone = new int[removed.size()];
        int g = 0;
        for (ListedFlag flag : removed) {
            gone[g++] = positionOf(flag);
        }
        Arrays.sort(gone);
        ListedFlag[] adding = added.toArray(new ListedFlag[0]);
        Arrays.sort(adding, NEWEST_FIRST);
        ListedFlag[] merged = new ListedFlag[old.length - gone.length + adding.length];
        int from = 0;
        int to = 0;
        g = 0;
        for (int a = 0; a <= adding.length; a++) {
            int until = a < adding.length ? insertionPoint(adding[a]) : old.length;
            while (from < until) {
                int stop = g < gone.length && gone[g] < until ? gone[g] : until;
                System.arraycopy(old, from, merged, to, stop - from);
                to += stop - from;
                from = stop;
                if (g < gone.length && gone[g] == from && from < until) {
                    from++;
                    g++;
                }
            }
            if (a < adding.length) {
                merged[to++] = adding[a];
            }
        }
        return new FlagListing(merged);
    }

    /** Where this listing holds the very flag given. */
    private int positionOf(ListedFlag flag) {
        int found = Arrays.binarySearch(newestFirst, flag, NEWEST_FIRST);
        if (found >= 0) {
            // Equal in order is not necessarily the same flag: look around for the very one.
            for (int i = found; i >= 0 && NEWEST_FIRST.compare(newestFirst[i], flag) == 0; i--) {
                if (newestFirst[i] == flag) {
                    return i;
                }
            }
            for (int i = found + 1; i < newestFirst.length && NEWEST_FIRST.compare(newestFirst[i], flag) == 0; i++) {
                if (newestFirst[i] == flag) {
                    return i;
                }
            }
        }
        throw new IllegalArgumentException("the flag for " + flag.getRaidId() + " and " + flag.getRuleId() + " is not in this listing");
    }

    /** The first place a flag would go in this listing, before any equal to it in order. */
    private int insertionPoint(ListedFlag flag) {
        int low = 0;
        int high = newestFirst.length;
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (NEWEST_FIRST.compare(newestFirst[middle], flag) < 0) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return low;
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
                    mine.complete(new Remembered(matching(filter, limit), new ConcurrentHashMap<>(), new AtomicInteger()));
                } catch (RuntimeException | Error e) {
                    pages.remove(key, mine);
                    mine.completeExceptionally(e);
                    throw e;
                }
                known = mine;
            }
        }
        Remembered remembered = known.join();
        remembered.asked().incrementAndGet();
        return remembered;
    }

    /**
     * Makes in this listing, before it answers anyone, the pages most asked for in the listing it
     * replaces ({@link #PREPARED_PAGES} at most), with what each renderer made of them: when flags
     * keep changing, each new listing then answers the dashboards' usual questions at once, and the
     * one pass per question is made by whoever brings the listing up to date, not by a crowd of
     * requests waiting for it.
     */
    public void prepareLike(FlagListing previous) {
        if (previous == null || previous == this) {
            return;
        }
        List<Map.Entry<PageKey, Remembered>> asked = new ArrayList<>();
        previous.pages.forEach((key, future) -> {
            // Only pages someone asked for: one made ahead and never asked for is not made again.
            if (future.isDone() && !future.isCompletedExceptionally() && future.join().asked().get() > 0) {
                asked.add(Map.entry(key, future.join()));
            }
        });
        asked.sort(Comparator.comparingInt((Map.Entry<PageKey, Remembered> e) -> e.getValue().asked().get()).reversed());
        for (Map.Entry<PageKey, Remembered> question : asked.subList(0, Math.min(PREPARED_PAGES, asked.size()))) {
            PageKey key = question.getKey();
            Remembered made = remembered(key.filter(), key.limit());
            made.asked().decrementAndGet(); // made ahead, not asked for
            for (Function<StateQueries.Page<CaseFlag>, ?> render : question.getValue().renderings().keySet()) {
                made.renderings().computeIfAbsent(render, r -> render.apply(made.page()));
            }
        }
    }

    /**
     * The flags that match, newest first, at most {@code limit} of them (each made whole), with how
     * many matched in all: one pass, not remembered.
     */
    public StateQueries.Page<CaseFlag> matching(Predicate<ListedFlag> filter, int limit) {
        List<ListedFlag> items = new ArrayList<>(Math.min(Math.max(limit, 0), 1024));
        int total = 0;
        for (ListedFlag flag : newestFirst) {
            if (filter.test(flag)) {
                if (total < limit) {
                    items.add(flag);
                }
                total++;
            }
        }
        return new StateQueries.Page<>(total, items.stream().map(ListedFlag::flag).toList());
    }
}
