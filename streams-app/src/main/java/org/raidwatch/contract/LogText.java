package org.raidwatch.contract;

/**
 * How a value that came from outside (an input record's field or key, an HTTP request, a setting)
 * is written into a log line or an error message: line breaks and other control characters are
 * encoded (as {@code \r}, {@code \n}, {@code \t} or a {@code \\u} escape), so that a value can neither forge
 * a log line nor move a terminal's cursor, and a long value is cut to {@value #MAX_LENGTH} characters
 * with the length it had. The log layouts encode CR and LF in whole messages as well; this keeps
 * each value short and readable too.
 */
public final class LogText {

    /** The most characters of one value a log line shows. */
    public static final int MAX_LENGTH = 200;

    private LogText() {
    }

    /** The value as it may appear in a log line; "null" for null. */
    public static String of(Object value) {
        return escaped(value, MAX_LENGTH);
    }

    /**
     * The value whole, with its control characters encoded as in {@link #of}: for a terminal line
     * that shows a field in full (a flag's explanation), where cutting it would lose what it says.
     */
    public static String whole(Object value) {
        return escaped(value, Integer.MAX_VALUE);
    }

    private static String escaped(Object value, int maxLength) {
        if (value == null) {
            return "null";
        }
        String text = value.toString();
        StringBuilder out = new StringBuilder(Math.min(text.length(), maxLength) + 16);
        int shown = 0;
        for (int i = 0; i < text.length() && shown < maxLength; i++, shown++) {
            char c = text.charAt(i);
            switch (c) {
                case '\r' -> out.append("\\r");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                default -> {
                    if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        if (text.length() > maxLength) {
            out.append("...(").append(text.length()).append(" characters)");
        }
        return out.toString();
    }

    /** The message of the innermost cause (what wrapping exceptions hide), for one-line reports. */
    public static String rootMessage(Throwable error) {
        Throwable root = innermost(error);
        return root.getMessage() == null ? root.toString() : root.getMessage();
    }

    /** The innermost cause as its type and message ({@code ArithmeticException: / by zero}), where the type says what went wrong. */
    public static String rootCause(Throwable error) {
        Throwable root = innermost(error);
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }

    private static Throwable innermost(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }
}
