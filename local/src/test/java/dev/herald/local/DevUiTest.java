package dev.herald.local;

import static dev.herald.local.LocalFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** The dev UI's files and the JSON it reads are served. */
class DevUiTest {

    @AutoClose
    private static final HeraldLocal local = LocalFixture.start();

    @Test
    void uiAndBrowserClient_areServed() throws Exception {
        assertThat(LocalFixture.get(local, "/").body()).contains("<title>herald local</title>");
        assertThat(LocalFixture.get(local, "/app.js").statusCode()).isEqualTo(200);
        var client = LocalFixture.get(local, "/herald-client.js");
        assertThat(client.statusCode()).isEqualTo(200);
        assertThat(client.body()).contains("class HeraldClient");
        assertThat(client.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/javascript"));
    }

    @Test
    void templates_listTypesWithLocalesAndSamples_andPreviewRenders() throws Exception {
        var templates = json(LocalFixture.get(local, "/local/templates").body());
        var booking = java.util.stream.StreamSupport.stream(templates.spliterator(), false)
                .filter(t -> t.path("type").asText().equals("booking.created")).findFirst().orElseThrow();
        assertThat(booking.path("locales").toString()).contains("\"fr\"");
        assertThat(booking.path("source").asText()).isEqualTo("demo.app");
        assertThat(booking.path("sample").path("bookingId").asText()).isNotBlank();

        var preview = LocalFixture.get(local, "/local/preview?type=booking.created&locale=fr&format=html");
        assertThat(preview.statusCode()).isEqualTo(200);
        assertThat(preview.body()).contains("booking.created").contains("<iframe");
    }

    @Test
    void unknownPathsAndTypes_getClearErrors() throws Exception {
        var notFound = LocalFixture.get(local, "/nothing-here");
        assertThat(notFound.statusCode()).isEqualTo(404);
        assertThat(json(notFound.body()).path("error").asText()).contains("herald local has nothing at GET /nothing-here");
        var badPreview = LocalFixture.get(local, "/local/preview?type=no.such&locale=en");
        assertThat(badPreview.statusCode()).isEqualTo(400);
        assertThat(json(badPreview.body()).path("error").asText()).contains("no.such");
    }

    @Test
    void localApi_refusesCrossOriginWrites() throws Exception {
        var response = LocalFixture.post(local, "/local/token", "{\"user\":\"x\"}", "Origin", "https://evil.example", "Content-Type", "application/json");
        assertThat(response.statusCode()).isEqualTo(403);
    }
}
