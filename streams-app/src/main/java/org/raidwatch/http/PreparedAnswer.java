package org.raidwatch.http;

import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.GZIPOutputStream;

/**
 * An answer's body made once for many requests, kept plain and gzipped: a client that accepts gzip
 * gets the compressed bytes as they are, so the server does not compress the same body again for
 * each request (Javalin compresses what it has not been given compressed).
 */
record PreparedAnswer(byte[] plain, byte[] gzipped) {

    static PreparedAnswer of(byte[] plain) {
        ByteArrayOutputStream compressed = new ByteArrayOutputStream(Math.max(64, plain.length / 8));
        try (GZIPOutputStream gzip = new GZIPOutputStream(compressed)) {
            gzip.write(plain);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new PreparedAnswer(plain, compressed.toByteArray());
    }

    void sendTo(Context ctx) {
        ctx.header("Vary", "Accept-Encoding");
        String accepted = ctx.header("Accept-Encoding");
        if (accepted != null && acceptsGzip(accepted)) {
            ctx.header("Content-Encoding", "gzip").result(gzipped);
        } else {
            ctx.result(plain);
        }
    }

    /**
     * Whether an Accept-Encoding header accepts gzip: listed by name with a weight above zero, or, when
     * it is not named, covered by {@code *} with a weight above zero.
     */
    static boolean acceptsGzip(String acceptEncoding) {
        Boolean named = null;
        Boolean any = null;
        for (String item : acceptEncoding.split(",")) {
            String[] parts = item.trim().split(";");
            String coding = parts[0].trim();
            boolean accepted = true;
            for (int i = 1; i < parts.length; i++) {
                if (parts[i].trim().replace(" ", "").matches("(?i)q=0(\\.0{0,3})?")) {
                    accepted = false;
                }
            }
            if (coding.equalsIgnoreCase("gzip") || coding.equalsIgnoreCase("x-gzip")) {
                named = named == null ? accepted : named || accepted;
            } else if (coding.equals("*")) {
                any = accepted;
            }
        }
        return named != null ? named : any != null && any;
    }
}
