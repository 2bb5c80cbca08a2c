package dev.herald.templates.testing;

import dev.herald.catalog.Catalog;
import dev.herald.catalog.CatalogLoader;
import dev.herald.templates.TemplateRenderer;
import dev.herald.templates.TemplateSource;
import java.util.Map;
import java.util.Optional;

/** A small catalog and in-memory templates, so that the channels' tests do not depend on the shipped templates' wording. */
public final class TestTemplates {

    public static final String BOOKING = "booking.created";
    public static final String BARE = "bare.type";
    public static final String WELCOME = "user.welcome";

    private static final String CATALOG = """
            defaults:
              locale: en
              email: { from: "Herald <n@herald.example>" }
            types:
              booking.created:
                pattern: { source: [demo.app], detail-type: [booking.created] }
                recipients: { userId: detail.userId }
                category: bookings
                channels: [websocket, push]
              user.welcome:
                recipients: { userId: detail.userId }
                category: account
                channels: [websocket, push]
              bare.type:
                recipients: { userId: detail.userId }
                category: bookings
                channels: [websocket, push]
            """;

    private static final Map<String, String> FILES = Map.of(
            "booking.created/en/push.title.mustache", "Booking confirmed",
            "booking.created/en/push.body.mustache", "{{hotel}} from {{checkIn}}",
            "booking.created/en/inbox.mustache", "Your booking at {{hotel}} is confirmed.",
            "booking.created/fr/push.title.mustache", "Réservation confirmée",
            "booking.created/fr/push.body.mustache", "{{hotel}} dès le {{checkIn}}",
            "booking.created/fr/inbox.mustache", "Votre réservation à {{hotel}} est confirmée.",
            "user.welcome/en/push.title.mustache", "Welcome, {{recipient.displayName}}",
            "user.welcome/en/push.body.mustache", "Hello {{recipient.displayName}} ({{recipient.locale}})",
            "user.welcome/en/inbox.mustache", "Hello {{recipient.displayName}} ({{recipient.locale}})");

    private TestTemplates() {
    }

    public static Catalog catalog() {
        return CatalogLoader.parse("test-catalog.yaml", CATALOG);
    }

    public static TemplateRenderer renderer() {
        return new TemplateRenderer(new TemplateSource() {
            @Override
            public Optional<String> read(String relativePath) {
                return Optional.ofNullable(FILES.get(relativePath));
            }

            @Override
            public String describe(String relativePath) {
                return "test:" + relativePath;
            }
        }, catalog());
    }
}
