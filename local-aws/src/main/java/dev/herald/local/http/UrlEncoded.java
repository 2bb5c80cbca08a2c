package dev.herald.local.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code application/x-www-form-urlencoded} text, as query strings and awsQuery bodies carry it. */
public final class UrlEncoded {

    private UrlEncoded() {
    }

    /**
     * The decoded name-value pairs, in order; a name without {@code =} has the empty value.
     *
     * @throws IllegalArgumentException for a malformed escape such as {@code %zz}
     */
    public static List<Map.Entry<String, String>> pairs(String text) {
        List<Map.Entry<String, String>> pairs = new ArrayList<>();
        for (String pair : text.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            pairs.add(Map.entry(name, value));
        }
        return pairs;
    }
}
