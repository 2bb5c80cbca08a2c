package dev.herald.local;

import dev.herald.catalog.Channel;
import dev.herald.recipient.Device;
import dev.herald.recipient.Platform;
import dev.herald.recipient.QuietHours;
import dev.herald.recipient.RecipientProfile;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalTime;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/** A topic's audience for herald local's tests: a catalog with a topic type, and members with realistic profiles. */
final class TopicAudience {

    private TopicAudience() {
    }

    /** The shipped templates plus a topic type, news.published (WebSocket only), whose templates are booking.created's. */
    static Path templatesWithATopicType() {
        return LocalFixture.templatesWithType("news.published", "booking.created", """
                  news.published:
                    pattern:
                      source: [demo.app]
                      detail-type: [news.published]
                    recipients: { topic: detail.topic }
                    category: news
                    channels: [websocket]
                """);
    }

    /** A profile as full as real ones get: locale, time zone, address, name, opt-outs and quiet hours. */
    static RecipientProfile realisticProfile(String id) {
        return new RecipientProfile(id, "fr-CA", "America/Montreal", "camille.tremblay." + id + "@example.com", "Camille Tremblay",
                Map.of("marketing", EnumSet.of(Channel.EMAIL, Channel.PUSH)), new QuietHours(LocalTime.of(22, 0), LocalTime.of(7, 0)),
                Instant.parse("2026-11-30T09:15:42.123Z"));
    }

    /** A phone with an APNs token and its SNS endpoint. */
    static Device realisticDevice(String id) {
        byte[] token = new byte[32];
        new Random(id.hashCode()).nextBytes(token);
        return new Device(id, "iphone-" + id, Platform.APNS, HexFormat.of().formatHex(token),
                "arn:aws:sns:eu-west-1:123456789012:endpoint/APNS/herald-ios/" + UUID.nameUUIDFromBytes(token), true,
                Instant.parse("2026-11-30T09:15:42.123Z"));
    }

}
