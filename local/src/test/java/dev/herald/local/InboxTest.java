package dev.herald.local;

import static dev.herald.local.LocalFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** The inbox over real sockets: states and counts kept in step across a user's tabs, reconnects and other users. */
class InboxTest {

    @AutoClose
    private static final HeraldLocal local = LocalFixture.start();

    private static String booking(String user, String bookingId) {
        return LocalFixture.publish(local, "demo.app", "booking.created", "{\"userId\":\"" + user + "\",\"bookingId\":\"" + bookingId
                + "\",\"hotelName\":\"Hôtel du Lac\",\"city\":\"Annecy\",\"checkIn\":\"2026-12-18\",\"nights\":3,\"guests\":2,"
                + "\"total\":{\"amount\":612.5,\"currency\":\"EUR\"},\"manageUrl\":\"https://x.example/b\"}");
    }

    /** The next frame that {@code wanted} accepts, skipping the others; bounded by 10 s. */
    private static JsonNode next(LocalFixture.Client client, Predicate<JsonNode> wanted) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<String> skipped = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            String frame = client.frames.poll(200, TimeUnit.MILLISECONDS);
            if (frame != null) {
                JsonNode json = json(frame);
                if (wanted.test(json)) {
                    return json;
                }
                skipped.add(frame);
            }
        }
        throw new AssertionError("no such frame within 10 s; got " + skipped);
    }

    private static JsonNode request(LocalFixture.Client client, String ref, String message) throws InterruptedException {
        client.send(message.replaceFirst("\\{", "{\"ref\":\"" + ref + "\","));
        return next(client, f -> ref.equals(f.path("ref").asText()));
    }

    /** Sends {@code message} every 100 ms until its reply satisfies {@code done}; bounded by 10 s. */
    private static JsonNode poll(LocalFixture.Client client, String message, Predicate<JsonNode> done) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (int attempt = 0; System.nanoTime() < deadline; attempt++) {
            JsonNode reply = request(client, "poll-" + attempt, message);
            if (done.test(reply)) {
                return reply;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no reply to " + message + " got there within 10 s");
    }

    private static Predicate<JsonNode> item(String eventId) {
        return f -> f.path("id").asText().equals(eventId + "/booking.created");
    }

    private static Predicate<JsonNode> changed(long unread) {
        return f -> "changed".equals(f.path("event").asText()) && f.path("counts").path("unread").asLong() == unread;
    }

    @Test
    void twoTabsOfOneUser_keepTheSameCounts_throughReadReadAllAndArchive() throws Exception {
        String token = local.token("inbox-tabs", Duration.ofMinutes(5));
        try (var tabA = LocalFixture.Client.connect(local, token); var tabB = LocalFixture.Client.connect(local, token)) {
            // given: three notifications, each pushed to both tabs with the counts after it
            List<String> events = List.of(booking("inbox-tabs", "T-1"), booking("inbox-tabs", "T-2"), booking("inbox-tabs", "T-3"));
            for (String eventId : events) {
                next(tabA, item(eventId));
                next(tabB, item(eventId));
            }
            poll(tabA, "{\"action\":\"counts\"}", reply -> reply.path("counts").path("unread").asLong() == 3);

            // when: tab A reads one
            JsonNode read = request(tabA, "r1", "{\"action\":\"read\",\"id\":\"" + events.get(0) + "/booking.created\"}");

            // then: A's reply and B's push agree
            assertThat(read.path("counts").path("unread").asLong()).isEqualTo(2);
            JsonNode pushed = next(tabB, changed(2));
            assertThat(pushed.path("ids").get(0).asText()).isEqualTo(events.get(0) + "/booking.created");
            assertThat(pushed.path("state").asText()).isEqualTo("read");

            // when: tab B reads all, then tab A archives one
            JsonNode readAll = request(tabB, "r2", "{\"action\":\"read-all\"}");
            next(tabA, f -> "changed".equals(f.path("event").asText()) && f.path("all").asBoolean());
            JsonNode archived = request(tabA, "r3", "{\"action\":\"archive\",\"ids\":[\"" + events.get(1) + "/booking.created\"]}");
            JsonNode archivedPush = next(tabB, f -> "changed".equals(f.path("event").asText()) && "archived".equals(f.path("state").asText()));

            // then
            assertThat(readAll.path("updated").asInt()).isEqualTo(2);
            assertThat(readAll.path("counts").path("unread").asLong()).isZero();
            assertThat(archived.path("counts")).isEqualTo(archivedPush.path("counts"));
            JsonNode archive = request(tabB, "l1", "{\"action\":\"list\",\"filter\":\"archived\"}");
            assertThat(archive.path("items")).hasSize(1);
            assertThat(archive.path("items").get(0).path("state").asText()).isEqualTo("archived");
            assertThat(archive.path("items").get(0).path("readAt").asText()).isNotBlank();
            JsonNode all = request(tabA, "l2", "{\"action\":\"list\",\"filter\":\"all\"}");
            assertThat(all.path("items")).extracting(i -> i.path("id").asText())
                    .containsExactly(events.get(2) + "/booking.created", events.get(0) + "/booking.created");
        }
    }

    @Test
    void reconnectWithARotatedToken_resumesFromTheCursor() throws Exception {
        // given: a user who caught up, then went offline
        String cursor;
        String first = booking("inbox-rotate", "R-1");
        try (var before = LocalFixture.Client.connect(local, local.token("inbox-rotate", Duration.ofMinutes(5)))) {
            cursor = poll(before, "{\"action\":\"sync\"}", reply -> reply.path("items").size() == 1).path("cursor").asText();
        }
        String missed = booking("inbox-rotate", "R-2");
        LocalFixture.await("the missed item waits in the inbox", Duration.ofSeconds(10), () -> local.deliveries().forNotification(missed).stream()
                .anyMatch(d -> d.channel().id().equals("websocket") && d.payload() != null));

        // when: it comes back with a new token (a rotated one: another expiry) and syncs from its cursor
        try (var after = LocalFixture.Client.connect(local, local.token("inbox-rotate", Duration.ofMinutes(7)))) {
            JsonNode sync = request(after, "s2", "{\"action\":\"sync\",\"since\":\"" + cursor + "\"}");

            // then: only what it missed, and counts for both
            assertThat(sync.path("items")).extracting(i -> i.path("id").asText()).containsExactly(missed + "/booking.created");
            assertThat(sync.path("items").get(0).path("state").asText()).isEqualTo("unseen");
            assertThat(sync.path("counts").path("unread").asLong()).isEqualTo(2);
            assertThat(first).isNotEqualTo(missed);
        }
    }

    @Test
    void anotherUsersItem_isNeitherListedNorChanged() throws Exception {
        // given: an item of alice's
        String alices = booking("inbox-alice", "A-1");
        LocalFixture.await("alice's item in her inbox", Duration.ofSeconds(10), () -> local.deliveries().forNotification(alices).stream()
                .anyMatch(d -> d.channel().id().equals("websocket") && d.payload() != null));

        try (var mallory = LocalFixture.Client.connect(local, local.token("inbox-mallory", Duration.ofMinutes(5)))) {
            // when: mallory names it
            JsonNode read = request(mallory, "m1", "{\"action\":\"read\",\"id\":\"" + alices + "/booking.created\"}");
            JsonNode archive = request(mallory, "m2", "{\"action\":\"archive\",\"ids\":[\"" + alices + "/booking.created\"]}");
            JsonNode list = request(mallory, "m3", "{\"action\":\"list\",\"filter\":\"all\"}");

            // then
            assertThat(read.path("error").asText()).contains("no inbox item");
            assertThat(archive.path("error").asText()).contains("no inbox item");
            assertThat(list.path("items")).isEmpty();
        }
        try (var alice = LocalFixture.Client.connect(local, local.token("inbox-alice", Duration.ofMinutes(5)))) {
            JsonNode list = request(alice, "a1", "{\"action\":\"list\",\"filter\":\"unread\"}");
            assertThat(list.path("items")).hasSize(1);
            assertThat(list.path("counts").path("unread").asLong()).isEqualTo(1);
        }
    }
}
