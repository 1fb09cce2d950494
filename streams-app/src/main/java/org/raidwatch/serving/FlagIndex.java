package org.raidwatch.serving;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The latest change of every flag by its key in the flags store, and the listing of them newest first,
 * kept up change by change. Not thread-safe: one refresher at a time changes it; the listings it
 * hands out never change and may be read by any thread.
 */
final class FlagIndex {

    private final Map<String, ListedFlag> byKey = new HashMap<>();
    private FlagListing listing = FlagListing.ofListed(List.of());

    /** The flags as of the last change applied. */
    FlagListing listing() {
        return listing;
    }

    /** Every flag, by key, as a whole reading of the store found them. */
    void replaceAll(Map<String, ListedFlag> flags) {
        byKey.clear();
        byKey.putAll(flags);
        listing = FlagListing.ofListed(byKey.values());
    }

    /**
     * Changes taken by the store since, the latest per key, in any order: a key's flag, or null when
     * the key is gone (or holds no flag).
     */
    void apply(Map<String, ListedFlag> latestByKey) {
        List<ListedFlag> removed = new ArrayList<>();
        List<ListedFlag> added = new ArrayList<>();
        for (Map.Entry<String, ListedFlag> change : latestByKey.entrySet()) {
            ListedFlag before = change.getValue() == null ? byKey.remove(change.getKey()) : byKey.put(change.getKey(), change.getValue());
            if (before != null) {
                removed.add(before);
            }
            if (change.getValue() != null) {
                added.add(change.getValue());
            }
        }
        listing = listing.withChanges(removed, added);
    }
}
