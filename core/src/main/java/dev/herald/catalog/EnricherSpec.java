package dev.herald.catalog;

import java.time.Duration;

/**
 * An external HTTP enricher: a GET whose URL takes values from the event ({@code {detail.hotelId}}), and whose JSON
 * response is added to the template data under {@code name}.
 */
public record EnricherSpec(String name, String url, Duration timeout, int retries, boolean required, Duration cacheTtl) {
}
