package org.raidwatch.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Properties;

/** Writing HTML by hand, safely: text and attribute values escaped, inlined scripts unable to end their element early. */
final class Html {

    private final StringBuilder out = new StringBuilder(1 << 16);

    /** Appends markup as it is (only ever raidwatch's own). */
    Html raw(String markup) {
        out.append(markup);
        return this;
    }

    /** Appends text, escaped. */
    Html text(Object text) {
        out.append(escape(text == null ? "" : text.toString()));
        return this;
    }

    /** {@code <tag attributes>text</tag>}, the text escaped. */
    Html element(String tag, String attributes, Object text) {
        out.append('<').append(tag);
        if (attributes != null && !attributes.isEmpty()) {
            out.append(' ').append(attributes);
        }
        out.append('>');
        text(text);
        out.append("</").append(tag).append('>');
        return this;
    }

    @Override
    public String toString() {
        return out.toString();
    }

    /** Text or an attribute value with {@code & < > " '} escaped. */
    static String escape(String text) {
        StringBuilder escaped = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> escaped.append("&amp;");
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '"' -> escaped.append("&quot;");
                case '\'' -> escaped.append("&#39;");
                default -> escaped.append(c);
            }
        }
        return escaped.toString();
    }

    /** {@code name="value"}, the value escaped. */
    static String attr(String name, Object value) {
        return name + "=\"" + escape(value == null ? "" : value.toString()) + "\"";
    }

    /** JSON for a {@code <script type="application/json">} element: every {@code <} as {@code \\u003c}, so no text in it can end the element. */
    static String inJsonScript(String json) {
        return json.replace("<", "\\u003c");
    }

    /** Script text that cannot close its {@code <script>} element, nor open a comment in it. */
    static String inScript(String script) {
        return script.replace("</", "<\\/").replace("<!--", "<\\!--");
    }

    /** A classpath resource as text; a missing one is a packaging error. */
    static String resource(String path) {
        try (InputStream in = Html.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("raidwatch's jar lacks " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path + " from raidwatch's jar", e);
        }
    }

    /** The chart library the dashboard serves (Chart.js, from its webjar), to inline. */
    static String chartLibrary() {
        Properties webjar = new Properties();
        try (InputStream in = Html.class.getResourceAsStream("/META-INF/maven/org.webjars.npm/chart.js/pom.properties")) {
            if (in == null) {
                throw new IllegalStateException("raidwatch's jar lacks the Chart.js webjar");
            }
            webjar.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the Chart.js webjar's version", e);
        }
        return resource("/META-INF/resources/webjars/chart.js/" + webjar.getProperty("version") + "/dist/chart.umd.js");
    }

    /** A fraction as a whole percentage, {@code 69%}; a dash for none. */
    static String percent(Double fraction) {
        return fraction == null ? "–" : Math.round(fraction * 100) + "%";
    }

    /** A count with thousands separators, {@code 1,034,407}. */
    static String count(long count) {
        return String.format(Locale.UK, "%,d", count);
    }
}
