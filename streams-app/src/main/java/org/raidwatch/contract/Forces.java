package org.raidwatch.contract;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The 43 territorial police forces of England and Wales and British Transport Police, by the
 * canonical name police.uk uses. Input may name a force by canonical or short name (the canonical
 * name without a trailing "Police Service", "Constabulary", "Service" or "Police"), in any case,
 * with "&amp;" and "and" alike; output always carries the canonical name.
 */
public final class Forces {

    /** The force name rates use for England and Wales together. */
    public static final String ALL = "ALL";

    public static final List<String> CANONICAL_NAMES = List.of(
            "Avon and Somerset Constabulary", "Bedfordshire Police", "Cambridgeshire Constabulary",
            "Cheshire Constabulary", "City of London Police", "Cleveland Police", "Cumbria Constabulary",
            "Derbyshire Constabulary", "Devon & Cornwall Police", "Dorset Police", "Durham Constabulary",
            "Dyfed-Powys Police", "Essex Police", "Gloucestershire Constabulary", "Greater Manchester Police",
            "Gwent Police", "Hampshire Constabulary", "Hertfordshire Constabulary", "Humberside Police",
            "Kent Police", "Lancashire Constabulary", "Leicestershire Police", "Lincolnshire Police",
            "Merseyside Police", "Metropolitan Police Service", "Norfolk Constabulary", "North Wales Police",
            "North Yorkshire Police", "Northamptonshire Police", "Northumbria Police", "Nottinghamshire Police",
            "South Wales Police", "South Yorkshire Police", "Staffordshire Police", "Suffolk Constabulary",
            "Surrey Police", "Sussex Police", "Thames Valley Police", "Warwickshire Police", "West Mercia Police",
            "West Midlands Police", "West Yorkshire Police", "Wiltshire Police", "British Transport Police");

    private static final List<String> SUFFIXES = List.of("police service", "constabulary", "service", "police");
    private static final Map<String, String> BY_NAME = index();
    private static final Map<String, String> BY_CANONICAL = CANONICAL_NAMES.stream()
            .collect(java.util.stream.Collectors.toUnmodifiableMap(name -> name, name -> name));

    private Forces() {
    }

    /** The canonical name of the force the input names, or empty when it names none. */
    public static Optional<String> canonical(String name) {
        if (name == null) {
            return Optional.empty();
        }
        // Nearly every input names a force exactly as output spells it: no normalising needed then.
        String exact = BY_CANONICAL.get(name);
        return exact != null ? Optional.of(exact) : Optional.ofNullable(BY_NAME.get(normalise(name)));
    }

    private static Map<String, String> index() {
        Map<String, String> byName = new HashMap<>();
        for (String canonical : CANONICAL_NAMES) {
            String full = normalise(canonical);
            byName.put(full, canonical);
            for (String suffix : SUFFIXES) {
                if (full.endsWith(" " + suffix)) {
                    byName.put(full.substring(0, full.length() - suffix.length() - 1), canonical);
                    break;
                }
            }
        }
        return Map.copyOf(byName);
    }

    private static String normalise(String name) {
        return name.trim().toLowerCase(Locale.ROOT).replace("&", " and ").replaceAll("\\s+", " ").trim();
    }
}
