package dev.herald.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.catalog.CatalogException;
import dev.herald.catalog.NotificationType;
import dev.herald.catalog.UnknownTypeException;
import dev.herald.delivery.Delivery;
import dev.herald.json.InvalidJsonException;
import dev.herald.json.Json;
import dev.herald.local.aws.LocalQueues;
import dev.herald.local.aws.SesEventDestination;
import dev.herald.local.bus.DeadLetter;
import dev.herald.local.bus.EventIntake;
import dev.herald.local.bus.EventLog;
import dev.herald.local.http.HttpCall;
import dev.herald.local.http.HttpEndpoint;
import dev.herald.local.http.HttpReply;
import dev.herald.schedule.DigestBuckets;
import dev.herald.templates.TemplatePreview;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * herald local's own HTTP API: {@code POST /events} (ingest with an API key), the dev UI and
 * {@code herald-client.js}, and the JSON the UI and the CLI read under {@code /local/}: events, status, deliveries,
 * connections, outbox, DLQ and redrive, faults, tokens and template previews.
 */
final class DevApi implements HttpEndpoint {

    private static final String UI = "herald-local/ui/";
    private static final Map<String, String> STATIC = Map.of(
            "/", "index.html",
            "/index.html", "index.html",
            "/app.js", "app.js",
            "/style.css", "style.css",
            "/herald-client.js", "herald-client.js",
            "/herald-inbox.js", "herald-inbox.js",
            "/demo.html", "demo.html");
    private static final int RECENT = 100;

    private final HeraldLocal local;
    private final EventIntake intake;

    DevApi(HeraldLocal local, EventIntake intake) {
        this.local = local;
        this.intake = intake;
    }

    @Override
    public Optional<HttpReply> handle(HttpCall call) {
        String path = call.path();
        if (call.method().equals("GET") && STATIC.containsKey(path)) {
            return Optional.of(resource(STATIC.get(path)));
        }
        if (path.equals("/events")) {
            return Optional.of(call.method().equals("POST") ? ingest(call)
                    : HttpReply.error(405, "use POST /events with a JSON event or an array of events"));
        }
        if (!path.startsWith("/local/")) {
            return Optional.empty();
        }
        if (!call.method().equals("GET") && !sameOrigin(call)) {
            return Optional.of(HttpReply.error(403, "cross-origin request refused: herald local's /local/ API only answers its own UI and tools"));
        }
        try {
            return Optional.of(local(call, path.substring("/local/".length())));
        } catch (IllegalArgumentException | InvalidJsonException | UnknownTypeException | CatalogException e) {
            return Optional.of(HttpReply.error(400, e.getMessage()));
        }
    }

    private HttpReply local(HttpCall call, String route) {
        String method = call.method();
        if (route.startsWith("status/") && method.equals("GET")) {
            return status(route.substring("status/".length()));
        }
        if (route.startsWith("outbox/") && method.equals("POST")) {
            return engage(call, route.substring("outbox/".length()));
        }
        return switch (method + " " + route) {
            case "GET info" -> HttpReply.json(200, info());
            case "GET snapshot" -> HttpReply.json(200, snapshot());
            case "GET events" -> HttpReply.json(200, local.events().recent(limit(call)));
            case "GET deliveries" -> HttpReply.json(200, recentDeliveries(limit(call)));
            case "GET connections" -> HttpReply.json(200, local.gateway().connections());
            case "GET outbox" -> HttpReply.json(200, Map.of("emails", local.outbox().emails(), "pushes", local.outbox().pushes()));
            case "DELETE outbox" -> {
                local.outbox().clear();
                yield HttpReply.empty(204);
            }
            case "GET dlq" -> HttpReply.json(200, local.deadLetters().list());
            case "POST dlq/redrive" -> redrive(call);
            case "GET queues" -> HttpReply.json(200, local.queueDepths());
            case "POST queues/redrive" -> redriveQueues(call);
            case "GET fanouts" -> HttpReply.json(200, local.recentFanOuts(RECENT));
            case "GET schedules" -> HttpReply.json(200, local.schedules());
            case "GET faults" -> HttpReply.json(200, local.faults().list());
            case "POST faults" -> addFault(call);
            case "DELETE faults" -> {
                local.faults().clear();
                yield HttpReply.empty(204);
            }
            case "POST token" -> token(call);
            case "GET templates" -> HttpReply.json(200, templates());
            case "GET preview" -> preview(call);
            default -> HttpReply.error(404, "herald local has no " + method + " /local/" + route
                    + "; see GET /local/info for what it serves");
        };
    }

    /** {@code POST /events} without the API key, or declaring a body over the limit, is refused before its body is read. */
    @Override
    public Optional<HttpReply> refuseBeforeBody(HttpCall head) {
        if (!head.is("POST", "/events")) {
            return Optional.empty();
        }
        Optional<HttpReply> unauthorized = refuseWithoutApiKey(head);
        if (unauthorized.isPresent() || head.contentLength() <= EventIntake.MAX_REQUEST_BYTES) {
            return unauthorized;
        }
        return Optional.of(ingestTooLarge());
    }

    /** As API Gateway answers a missing or wrong API key: 403. */
    private Optional<HttpReply> refuseWithoutApiKey(HttpCall call) {
        Optional<String> key = call.header("x-api-key");
        if (key.isPresent() && constantTimeEquals(key.get(), local.apiKey())) {
            return Optional.empty();
        }
        return Optional.of(HttpReply.error(403, key.isEmpty()
                ? "missing x-api-key header; herald local printed its API key when it started"
                : "wrong x-api-key; herald local printed its API key when it started"));
    }

    private static HttpReply ingestTooLarge() {
        return HttpReply.error(413, "the request is over " + EventIntake.MAX_REQUEST_BYTES + " bytes (1 MiB); each event may be at most 256 KB");
    }

    /** {@code POST /events}: one event or an array, with PutEvents' entry fields; needs the API key. */
    private HttpReply ingest(HttpCall call) {
        Optional<HttpReply> unauthorized = refuseWithoutApiKey(call);
        if (unauthorized.isPresent()) {
            return unauthorized.get();
        }
        if (call.bodyTooLarge() || call.body().length > EventIntake.MAX_REQUEST_BYTES) {
            return ingestTooLarge();
        }
        JsonNode body;
        try {
            body = Json.parse(call.bodyText());
        } catch (InvalidJsonException e) {
            return HttpReply.error(400, "the body is not JSON: " + e.getMessage());
        }
        List<JsonNode> entries = new ArrayList<>();
        if (body != null && body.isArray()) {
            body.forEach(entries::add);
        } else if (body != null && body.isObject()) {
            entries.add(body);
        } else {
            return HttpReply.error(400, "send one event {\"Source\":…,\"DetailType\":…,\"Detail\":{…}} or an array of them");
        }
        if (entries.isEmpty() || entries.size() > EventIntake.MAX_ENTRIES) {
            return HttpReply.error(400, "send between 1 and " + EventIntake.MAX_ENTRIES + " events per request, as PutEvents does; got " + entries.size());
        }
        ArrayNode results = Json.mapper().createArrayNode();
        int failed = 0;
        for (int i = 0; i < entries.size(); i++) {
            EventIntake.Outcome outcome = intake.publish(entries.get(i), i, EventIntake.Via.INGEST);
            ObjectNode result = results.addObject();
            if (outcome.ok()) {
                result.put("EventId", outcome.eventId());
                result.set("Matched", Json.tree(outcome.matched()));
                if (outcome.warning() != null) {
                    result.put("Warning", outcome.warning());
                }
            } else {
                failed++;
                result.put("ErrorCode", outcome.errorCode());
                result.put("ErrorMessage", outcome.errorMessage());
            }
        }
        ObjectNode response = Json.object();
        response.put("FailedEntryCount", failed);
        response.set("Entries", results);
        return HttpReply.json(failed == entries.size() ? 400 : 200, response);
    }

    private HttpReply status(String eventId) {
        Optional<EventLog.Entry> entry = local.events().find(eventId);
        List<Delivery> deliveries = local.deliveries().forNotification(eventId, STATUS_DELIVERIES);
        List<DigestBuckets.Membership> digests = local.digests().memberships(eventId);
        if (entry.isEmpty() && deliveries.isEmpty() && digests.isEmpty()) {
            return HttpReply.error(404, "herald local knows no event " + eventId
                    + " (the events log keeps the last 1000 events of this run; deliveries are kept in the store)");
        }
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("eventId", eventId);
        status.put("state", entry.map(EventLog.Entry::state).orElse("RECORDED"));
        status.put("event", entry.orElse(null));
        status.put("deliveries", deliveries);
        if (!digests.isEmpty()) {
            status.put("digests", digests);
        }
        local.fanOutProgress(eventId).ifPresent(progress -> status.put("fanOut", progress));
        return HttpReply.json(200, status);
    }

    private List<Delivery> recentDeliveries(int limit) {
        List<Delivery> all = new ArrayList<>();
        for (EventLog.Entry entry : local.events().recent(limit)) {
            if (!entry.matched().isEmpty()) {
                all.addAll(local.deliveries().forNotification(entry.eventId(), limit));
            }
        }
        return all;
    }

    /** Deliveries an event's status lists: a topic notification's may be millions; its fan-out's progress counts them all. */
    private static final int STATUS_DELIVERIES = 1000;

    private HttpReply redrive(HttpCall call) {
        JsonNode body = call.body().length == 0 ? Json.object() : Json.parse(call.bodyText());
        List<DeadLetter> letters;
        if (body.path("all").asBoolean(false)) {
            letters = local.deadLetters().list();
        } else {
            String id = body.path("id").asText(null);
            if (id == null) {
                return HttpReply.error(400, "send {\"id\": DEAD_LETTER_ID} or {\"all\": true}");
            }
            Optional<DeadLetter> letter = local.deadLetters().find(id);
            if (letter.isEmpty()) {
                return HttpReply.error(404, "no dead letter " + id + "; list them with GET /local/dlq or herald dlq list");
            }
            letters = List.of(letter.get());
        }
        List<Map<String, String>> redriven = new ArrayList<>();
        for (DeadLetter letter : letters) {
            local.redrive(letter).ifPresent(invocation ->
                    redriven.add(Map.of("deadLetterId", letter.id(), "target", letter.target(), "invocationId", invocation.id())));
        }
        return HttpReply.json(200, Map.of("redriven", redriven));
    }

    private HttpReply addFault(HttpCall call) {
        JsonNode body = Json.parse(call.bodyText());
        String target = body.path("target").asText("");
        String error = body.path("error").asText("");
        var fault = body.has("matching") ? local.faults().addMatching(target, error, body.path("matching").asText())
                : body.has("rate") ? local.faults().addRate(target, error, body.path("rate").asDouble())
                : local.faults().add(target, error, body.path("count").asInt(1));
        return HttpReply.json(200, fault);
    }

    /**
     * Moves a queue's DLQ back to the queue with SQS's {@code StartMessageMoveTask}: {@code {"queue": NAME}} for one,
     * {@code {"all": true}} for every queue whose DLQ holds messages.
     */
    private HttpReply redriveQueues(HttpCall call) {
        JsonNode body = call.body().length == 0 ? Json.object() : Json.parse(call.bodyText());
        List<String> names = body.path("all").asBoolean(false)
                ? local.queueDepths().stream().filter(d -> d.queue().endsWith(LocalQueues.DLQ_SUFFIX) && d.total() > 0)
                        .map(d -> d.queue().substring(0, d.queue().length() - LocalQueues.DLQ_SUFFIX.length())).toList()
                : List.of(body.path("queue").asText(""));
        if (names.contains("")) {
            return HttpReply.error(400, "send {\"queue\": NAME} or {\"all\": true}; the queues are listed by GET /local/queues");
        }
        List<Map<String, Object>> moved = new ArrayList<>();
        for (String name : names) {
            try {
                moved.add(Map.of("queue", name, "messages", local.redriveQueue(name)));
            } catch (IllegalArgumentException unknown) {
                return HttpReply.error(404, unknown.getMessage());
            }
        }
        return HttpReply.json(200, Map.of("redriven", moved));
    }

    private HttpReply token(HttpCall call) {
        JsonNode body = call.body().length == 0 ? Json.object() : Json.parse(call.bodyText());
        String user = body.path("user").asText("");
        if (user.isBlank()) {
            return HttpReply.error(400, "send {\"user\": USER_ID}");
        }
        long ttl = body.path("ttlSeconds").asLong(Duration.ofHours(12).toSeconds());
        return HttpReply.json(200, Map.of("user", user, "token", local.token(user, Duration.ofSeconds(ttl)), "expiresInSeconds", ttl));
    }

    private List<Map<String, Object>> templates() {
        List<Map<String, Object>> types = new ArrayList<>();
        TemplatePreview previews = TemplatePreview.directory(local.options().templatesDir());
        for (NotificationType type : local.catalog().types()) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("type", type.id());
            t.put("description", type.description());
            t.put("channels", type.channels());
            t.put("defaultLocale", type.defaultLocale());
            t.put("locales", locales(type.id()));
            JsonNode sources = type.pattern().path("source");
            t.put("source", sources.isArray() && !sources.isEmpty() && sources.get(0).isTextual() ? sources.get(0).asText() : "demo.app");
            try {
                t.put("sample", previews.sample(type.id()));
            } catch (RuntimeException noSample) {
                t.put("sample", Json.object());
            }
            types.add(t);
        }
        return types;
    }

    private List<String> locales(String typeId) {
        Path dir = local.options().templatesDir().resolve(typeId);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> children = Files.list(dir)) {
            return children.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private HttpReply preview(HttpCall call) {
        String type = call.param("type").orElseThrow(() -> new IllegalArgumentException("preview needs ?type=TYPE&locale=LOCALE"));
        String locale = call.param("locale").orElse(local.catalog().require(type).defaultLocale());
        TemplatePreview.Preview preview = TemplatePreview.directory(local.options().templatesDir()).render(type, locale);
        if (call.param("format").orElse("json").equals("html")) {
            return HttpReply.text(200, "text/html; charset=utf-8", preview.toHtml());
        }
        Map<String, Object> parts = new LinkedHashMap<>();
        preview.parts().forEach((part, rendered) -> parts.put(part.id(), Map.of("text", rendered.text(), "locale", rendered.locale())));
        return HttpReply.json(200, Map.of("type", type, "locale", locale, "timeZone", preview.timeZone(), "parts", parts));
    }

    private Map<String, Object> info() {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("baseUrl", local.baseUrl());
        info.put("webSocketUrl", local.webSocketUrl());
        info.put("store", local.options().dataDir().map(Path::toString).orElse("in memory"));
        info.put("templates", local.options().templatesDir().toString());
        info.put("bus", "herald");
        info.put("apiKey", local.apiKey());
        // what apps, the AWS CLI and herald publish sign with; herald local serves loopback only
        info.put("awsAccessKeyId", local.appCredentials().accessKeyId());
        info.put("awsSecretAccessKey", local.appCredentials().secretAccessKey());
        info.put("rules", local.bus().rules());
        info.put("endpoints", List.of(
                "POST / (X-Amz-Target: AWSEvents.PutEvents)", "POST|GET|DELETE /@connections/{id}", "POST /v2/email/outbound-emails",
                "POST / Action=Publish|CreatePlatformEndpoint|SetEndpointAttributes|GetEndpointAttributes|DeleteEndpoint",
                "POST /events (x-api-key)", "GET|POST /unsubscribe?n=&t=&r= (email links)", "GET /ws?token=JWT (WebSocket)", "GET /local/{info,snapshot,events,status/ID,deliveries,connections,outbox,dlq,faults,templates,preview}",
                "GET /local/{queues,fanouts}", "POST /local/{dlq/redrive,queues/redrive,faults,token}",
                "POST /local/outbox/{messageId}/{open,click} (--track-engagement)"));
        info.put("engagementTracking", local.options().trackEngagement());
        return info;
    }

    /**
     * {@code POST /local/outbox/{messageId}/open} or {@code .../click} (optional body {@code {"link": "https://…"}}):
     * the recipient opens the email, or follows a link, and SES reports it to EventBridge as it does where engagement
     * tracking is on, so the delivery moves to OPENED or CLICKED through the same handler as in the cloud.
     */
    private HttpReply engage(HttpCall call, String route) {
        int slash = route.lastIndexOf('/');
        String messageId = slash > 0 ? route.substring(0, slash) : "";
        String action = route.substring(slash + 1);
        String userAgent = call.header("user-agent").orElse("herald-local");
        SesEventDestination.Outcome outcome = switch (action) {
            case "open" -> local.sesEvents().open(messageId, userAgent);
            case "click" -> {
                String body = call.bodyText();
                Optional<String> link = body.isBlank() ? Optional.empty() : Optional.ofNullable(Json.parse(body).path("link").asText(null));
                yield local.sesEvents().click(messageId, link, userAgent);
            }
            default -> null;
        };
        if (outcome == null || messageId.isEmpty()) {
            return HttpReply.error(404, "herald local has no POST /local/outbox/" + route
                    + "; use POST /local/outbox/{messageId}/open or /click");
        }
        if (outcome.ok()) {
            return HttpReply.json(202, Map.of("eventId", outcome.eventId().get(), "message", outcome.message()));
        }
        return HttpReply.error(outcome.refusal().get() == SesEventDestination.Refusal.UNKNOWN_MESSAGE ? 404 : 409, outcome.message());
    }

    private Map<String, Object> snapshot() {
        Map<String, Object> snapshot = new LinkedHashMap<>();
        snapshot.put("events", local.events().recent(RECENT));
        snapshot.put("deliveries", recentDeliveries(30));
        snapshot.put("connections", local.gateway().connections());
        snapshot.put("emails", local.outbox().emails().stream().limit(RECENT).toList());
        snapshot.put("pushes", local.outbox().pushes().stream().limit(RECENT).toList());
        snapshot.put("dlq", local.deadLetters().list());
        snapshot.put("queues", local.queueDepths());
        snapshot.put("fanOuts", local.recentFanOuts(5));
        snapshot.put("schedules", local.schedules().stream().limit(RECENT).toList());
        snapshot.put("faults", local.faults().list());
        snapshot.put("metrics", local.metrics().snapshot());
        snapshot.put("inFlight", local.inFlight());
        return snapshot;
    }

    private boolean sameOrigin(HttpCall call) {
        Optional<String> origin = call.header("origin");
        return origin.isEmpty() || origin.get().equals(local.baseUrl()) || origin.get().equals("http://localhost:" + local.port());
    }

    private static int limit(HttpCall call) {
        return call.param("limit").map(Integer::parseInt).map(n -> Math.max(1, Math.min(n, 1000))).orElse(RECENT);
    }

    private static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    private static HttpReply resource(String name) {
        try (InputStream in = DevApi.class.getClassLoader().getResourceAsStream(UI + name)) {
            if (in == null) {
                return HttpReply.error(404, name + " is missing from the herald-local jar");
            }
            String type = name.endsWith(".js") ? "text/javascript; charset=utf-8"
                    : name.endsWith(".css") ? "text/css; charset=utf-8" : "text/html; charset=utf-8";
            return new HttpReply(200, type, in.readAllBytes(), Map.of("Cache-Control", "no-cache"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
