package org.raidwatch.rules.scenario;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML or JSON document read as plain values that remember the line they were written on, so a
 * scenario's problems can be reported as {@code file:line: message}. Scalars keep the text as written
 * ({@code yes}, {@code 007}), like a spreadsheet's cell; an empty value or {@code null} is null.
 */
sealed interface Located {

    int line();

    record Scalar(String text, int line) implements Located {
    }

    record Sequence(List<Located> items, int line) implements Located {
    }

    /** A mapping; {@code keyLines} holds the line of each key. */
    record Mapping(Map<String, Located> entries, Map<String, Integer> keyLines, int line) implements Located {
    }

    /** What a document does not say as a scenario file needs, with its line. */
    final class Problem extends Exception {
        final int line;

        Problem(int line, String message) {
            super(message, null, false, false);
            this.line = line;
        }
    }

    JsonFactory YAML = new YAMLFactory();
    JsonFactory JSON = new JsonFactory();

    /** Reads one document: YAML, or JSON when {@code json} (YAML would take most JSON too, but JSON's own errors read better). */
    static Located read(String text, boolean json) throws Problem {
        try (JsonParser parser = (json ? JSON : YAML).createParser(text)) {
            if (parser.nextToken() == null) {
                throw new Problem(1, "the file is empty; it should hold a list of scenarios");
            }
            Located document = value(parser);
            if (parser.nextToken() != null) {
                throw new Problem(lineOf(parser), "a second document; put every scenario in one list");
            }
            return document;
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 0 : Math.max(e.getLocation().getLineNr(), 0);
            throw new Problem(line, "not valid " + (json ? "JSON" : "YAML") + ": " + parserMessage(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new Problem(0, "cannot be read: " + e.getMessage());
        }
    }

    private static Located value(JsonParser parser) throws IOException, Problem {
        int line = lineOf(parser);
        JsonToken token = parser.currentToken();
        if (token == JsonToken.START_OBJECT) {
            Map<String, Located> entries = new LinkedHashMap<>();
            Map<String, Integer> keyLines = new LinkedHashMap<>();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String key = parser.currentName();
                int keyLine = lineOf(parser);
                if (entries.containsKey(key)) {
                    throw new Problem(keyLine, "'" + key + "' is given twice (first on line " + keyLines.get(key) + ")");
                }
                parser.nextToken();
                entries.put(key, value(parser));
                keyLines.put(key, keyLine);
            }
            return new Mapping(entries, keyLines, line);
        }
        if (token == JsonToken.START_ARRAY) {
            List<Located> items = new ArrayList<>();
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                items.add(value(parser));
            }
            return new Sequence(items, line);
        }
        if (token == JsonToken.VALUE_NULL) {
            return new Scalar(null, line);
        }
        String text = parser.getText();
        return new Scalar(text == null || text.isBlank() ? null : text.trim(), line);
    }

    private static int lineOf(JsonParser parser) {
        return Math.max(parser.currentTokenLocation().getLineNr(), 0);
    }

    /** The parser's own words without the quoted source lines and carets (YAML) or the source description (JSON). */
    private static String parserMessage(String message) {
        if (message == null) {
            return "";
        }
        String words = String.join("; ", message.lines().filter(line -> !line.isBlank() && !Character.isWhitespace(line.charAt(0))).toList());
        return words.replaceAll("\\s*\\(for [^()]*\\[Source: [^\\]]*][^()]*\\)", "").trim();
    }
}
