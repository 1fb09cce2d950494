package org.raidwatch.serde;

import org.apache.avro.util.ClassSecurityValidator;

/**
 * Lets Avro instantiate raidwatch's generated classes. Avro 1.12 refuses to create any class that
 * is not trusted ({@code SecurityException: Forbidden ...} on every decode), and the generated
 * package is not trusted by default. Installed by every entry point that creates generated records:
 * the command line, the serde, the rule set, the input-file reader and the demo dataset.
 */
public final class AvroClassTrust {

    static final String GENERATED_PACKAGE = "org.raidwatch.schema.";

    private static volatile boolean installed;

    private AvroClassTrust() {
    }

    /** Adds the generated package to Avro's trusted classes, and sets Avro's {@link AvroLimits}; safe to call more than once. */
    public static synchronized void install() {
        if (installed) {
            return;
        }
        AvroLimits.install();
        ClassSecurityValidator.ClassSecurityPredicate previous = ClassSecurityValidator.getGlobal();
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(previous,
                type -> type.getName().startsWith(GENERATED_PACKAGE)));
        installed = true;
    }
}
