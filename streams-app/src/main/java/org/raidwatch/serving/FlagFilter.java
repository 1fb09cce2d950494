package org.raidwatch.serving;

import java.util.function.Predicate;

/**
 * Which flags a listing wants, as a value: equal filters match the same flags (a record of the
 * query's parameters, for example), so a listing answers a filter it has answered before without
 * looking at every flag again. A lambda works but is equal only to itself, so it is remembered
 * only for as long as the same instance asks again.
 */
public interface FlagFilter extends Predicate<ListedFlag> {
}
