package dev.herald.enrichment;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.catalog.EnricherSpec;
import dev.herald.event.EventEnvelope;
import dev.herald.json.Json;
import dev.herald.json.JsonPath;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * External enrichment over HTTP GET: the URL takes values from the event ({@code {detail.hotelId}}, URL-encoded),
 * each attempt has the spec's timeout, failed attempts are retried a bounded number of times, and answers are
 * cached for the spec's TTL so a burst of events for the same hotel costs one call. Thread-safe.
 */
public final class HttpEnricher implements ExternalEnricher {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z0-9_.-]+)}");
    private static final int MAX_CACHE_ENTRIES = 10_000;

    private final HttpClient http;
    private final Clock clock;
    private final Duration retryBackoff;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    public HttpEnricher(Clock clock, Duration retryBackoff) {
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        this.clock = clock;
        this.retryBackoff = retryBackoff;
    }

    public static HttpEnricher create() {
        return new HttpEnricher(Clock.systemUTC(), Duration.ofMillis(100));
    }

    @Override
    public JsonNode fetch(EnricherSpec spec, EventEnvelope event) {
        URI uri = URI.create(expand(spec.url(), event));
        String cacheKey = spec.name() + " " + uri;
        Cached cached = cache.get(cacheKey);
        Instant now = clock.instant();
        if (cached != null && cached.expires().isAfter(now)) {
            return cached.value();
        }
        Exception last = null;
        for (int attempt = 0; attempt <= spec.retries(); attempt++) {
            if (attempt > 0) {
                sleep(retryBackoff.multipliedBy(attempt));
            }
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(spec.timeout())
                        .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    JsonNode value = Json.parse(response.body());
                    if (cache.size() >= MAX_CACHE_ENTRIES) {
                        cache.clear();
                    }
                    cache.put(cacheKey, new Cached(value, now.plus(spec.cacheTtl())));
                    return value;
                }
                last = new IOException("HTTP " + response.statusCode());
                if (response.statusCode() >= 400 && response.statusCode() < 500 && response.statusCode() != 429) {
                    break;
                }
            } catch (IOException | RuntimeException e) {
                last = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                last = e;
                break;
            }
        }
        throw new EnrichmentUnavailableException("enricher '" + spec.name() + "' (" + uri.getHost() + ") failed after "
                + (spec.retries() + 1) + " attempts: " + describe(last), last);
    }

    /** Replaces each {@code {path}} with the URL-encoded value at that path in the event; a missing value is an error. */
    static String expand(String template, EventEnvelope event) {
        JsonNode root = Json.tree(event);
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            JsonNode value = JsonPath.parse(m.group(1)).read(root);
            if (value.isMissingNode() || value.isNull() || value.isContainerNode()) {
                throw new IllegalArgumentException("enricher URL needs {" + m.group(1) + "} but the event has no such value");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(URLEncoder.encode(value.asText(), StandardCharsets.UTF_8).replace("+", "%20")));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String describe(Exception e) {
        if (e == null) {
            return "no answer";
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private record Cached(JsonNode value, Instant expires) {
    }
}
