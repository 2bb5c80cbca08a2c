package dev.herald.channel.websocket.preferences;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.channel.websocket.UserFrames;
import dev.herald.config.HeraldEnv;
import dev.herald.json.InvalidJsonException;
import dev.herald.json.Json;
import dev.herald.lambda.SnapStartPriming;
import dev.herald.lambda.Wiring;
import dev.herald.observability.Correlation;
import dev.herald.recipient.preferences.InvalidPreferencesException;
import dev.herald.recipient.preferences.LockedCategoryException;
import dev.herald.recipient.preferences.PreferenceCentre;
import dev.herald.recipient.preferences.Preferences;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

/**
 * The preference centre over HTTP, behind an API Gateway HTTP API (payload format 2.0) whose JWT authorizer checks
 * the same token as the WebSocket's {@code $connect} (herald local emulates it on its one port):
 * <ul>
 *   <li>{@code GET /preferences} → 200 with the preferences;</li>
 *   <li>{@code PUT /preferences} with a change → 200 with the preferences after it; 400 {@code {"message"}} saying what
 *       was wrong and what to send instead; 409 for a locked (critical) category;</li>
 *   <li>any other method → 405;</li>
 *   <li>{@code GET /herald-client.js} and {@code GET /herald-inbox.js}, routed without an authorizer → the browser
 *       scripts, from the jar ({@link BrowserScripts}).</li>
 * </ul>
 * The user is only ever the token's {@code sub}, as the authorizer passes it
 * ({@code requestContext.authorizer.jwt.claims.sub}): nothing in the path, query or body can name another. After a
 * change, the user's open sockets get {@code {"event":"preferences","preferences":…}}, best effort. It never throws:
 * a failure is a 500 that says to retry.
 */
public final class PreferencesApiHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    public static final String PATH = "/preferences";
    /** The browser scripts' paths, routed here without an authorizer. */
    public static final List<String> SCRIPT_PATHS = BrowserScripts.PATHS;
    /** A change is a few hundred bytes; anything much larger is not one. */
    static final int MAX_BODY_BYTES = 16 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(PreferencesApiHandler.class);

    private final PreferenceCentre centre;
    private final UserFrames frames;
    private final BrowserScripts scripts = BrowserScripts.fromClasspath();
    // held here because the CRaC context may reference its resources weakly
    @SuppressWarnings("unused")
    private final SnapStartPriming priming = SnapStartPriming.register(getClass().getSimpleName(), this::prime);

    /** Lambda entry point: everything from the environment. */
    public PreferencesApiHandler() {
        this(Wiring.fromEnvironment());
    }

    /** Wired as Lambda wires it, from {@code wiring}: how herald local builds it too. */
    public PreferencesApiHandler(Wiring wiring) {
        this(wiring.preferenceCentre(), new UserFrames(wiring.connections(),
                wiring.client(ApiGatewayManagementApiClient.builder(), HeraldEnv.WEBSOCKET_CALLBACK_URL)));
    }

    /** @param frames pushes the new preferences to the user's sockets; null to push nothing */
    public PreferencesApiHandler(PreferenceCentre centre, UserFrames frames) {
        this.centre = centre;
        this.frames = frames;
    }

    /** SnapStart priming: the preferences of a user that does not exist, read and rendered. */
    void prime() {
        Json.write(centre.get(SnapStartPriming.PRIMING_ID));
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        // Powertools adds the function name, request id and cold start to every log line, as for Herald's other handlers
        return context == null ? handle(event) : PowertoolsLogging.withLogging(context, () -> handle(event));
    }

    /** Handles one request: for tests and herald local, which pass no Lambda context. */
    public APIGatewayV2HTTPResponse handle(APIGatewayV2HTTPEvent event) {
        String requestId = Optional.ofNullable(event).map(APIGatewayV2HTTPEvent::getRequestContext)
                .map(APIGatewayV2HTTPEvent.RequestContext::getRequestId).orElse(UUID.randomUUID().toString());
        return Correlation.with(requestId, () -> {
            try {
                return route(event);
            } catch (RuntimeException e) {
                LOG.error("preferences request failed", e);
                return message(500, "Herald could not handle this request just now; send it again in a moment");
            }
        });
    }

    private APIGatewayV2HTTPResponse route(APIGatewayV2HTTPEvent event) {
        String path = path(event);
        if (path != null && scripts.serves(path)) {
            return scripts.serve(method(event), path, header(event, "If-None-Match"));
        }
        Optional<String> user = user(event);
        if (user.isEmpty()) {
            // the authorizer lets nothing through without a sub; this is a deployment without one
            return message(401, "Unauthorized");
        }
        String method = method(event);
        try {
            if ("GET".equals(method)) {
                return ok(centre.get(user.get()));
            }
            if ("PUT".equals(method)) {
                Preferences after = centre.set(user.get(), change(event));
                push(user.get(), after);
                return ok(after);
            }
            APIGatewayV2HTTPResponse refused = message(405, PATH + " takes GET (your preferences) or PUT (a change to them), not "
                    + method);
            refused.getHeaders().put("Allow", "GET, PUT");
            return refused;
        } catch (InvalidPreferencesException e) {
            return message(400, e.getMessage());
        } catch (LockedCategoryException e) {
            return message(409, e.getMessage());
        }
    }

    /** The token's subject, as the HTTP API's JWT authorizer passes it on. */
    static Optional<String> user(APIGatewayV2HTTPEvent event) {
        return Optional.ofNullable(event).map(APIGatewayV2HTTPEvent::getRequestContext)
                .map(APIGatewayV2HTTPEvent.RequestContext::getAuthorizer)
                .map(APIGatewayV2HTTPEvent.RequestContext.Authorizer::getJwt)
                .map(APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT::getClaims)
                .map(claims -> claims.get("sub"))
                .filter(sub -> !sub.isBlank());
    }

    private static String method(APIGatewayV2HTTPEvent event) {
        return Optional.ofNullable(event).map(APIGatewayV2HTTPEvent::getRequestContext).map(APIGatewayV2HTTPEvent.RequestContext::getHttp)
                .map(APIGatewayV2HTTPEvent.RequestContext.Http::getMethod).orElse(null);
    }

    /** The stage is {@code $default}, so the raw path is the route's path. */
    private static String path(APIGatewayV2HTTPEvent event) {
        return Optional.ofNullable(event).map(APIGatewayV2HTTPEvent::getRawPath).or(() -> Optional.ofNullable(event)
                .map(APIGatewayV2HTTPEvent::getRequestContext).map(APIGatewayV2HTTPEvent.RequestContext::getHttp)
                .map(APIGatewayV2HTTPEvent.RequestContext.Http::getPath)).orElse(null);
    }

    /** Payload 2.0 lower-cases header names; herald local and tests may not. */
    private static Optional<String> header(APIGatewayV2HTTPEvent event, String name) {
        Map<String, String> headers = event.getHeaders();
        if (headers == null) {
            return Optional.empty();
        }
        return headers.entrySet().stream().filter(h -> name.equalsIgnoreCase(h.getKey())).map(Map.Entry::getValue).findFirst();
    }

    private static JsonNode change(APIGatewayV2HTTPEvent event) {
        String body = event.getBody();
        if (body == null || body.isBlank()) {
            throw new InvalidPreferencesException("PUT " + PATH
                    + " needs a JSON body: a change such as {\"categories\":{\"bookings\":{\"email\":false}}}");
        }
        if (event.getIsBase64Encoded()) {
            body = new String(Base64.getDecoder().decode(body), StandardCharsets.UTF_8);
        }
        if (body.getBytes(StandardCharsets.UTF_8).length > MAX_BODY_BYTES) {
            throw new InvalidPreferencesException("the body is larger than " + MAX_BODY_BYTES
                    + " bytes; a change holds only the fields it changes");
        }
        try {
            return Json.parse(body);
        } catch (InvalidJsonException e) {
            throw new InvalidPreferencesException("the body is not JSON: " + e.getMessage());
        }
    }

    /** Keeps the user's other tabs in step; a failure here never fails the change, which is stored and announced. */
    private void push(String userId, Preferences preferences) {
        if (frames == null) {
            return;
        }
        try {
            Map<String, Object> frame = new LinkedHashMap<>();
            frame.put("event", "preferences");
            frame.put("preferences", preferences);
            frames.push(userId, frame);
        } catch (RuntimeException e) {
            LOG.warn("preferences changed but not pushed to the user's sockets: {}", e.toString());
        }
    }

    private static APIGatewayV2HTTPResponse ok(Preferences preferences) {
        return response(200, Json.write(preferences));
    }

    private static APIGatewayV2HTTPResponse message(int status, String message) {
        return response(status, Json.write(Map.of("message", message)));
    }

    private static APIGatewayV2HTTPResponse response(int status, String body) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("Cache-Control", "no-store");
        return APIGatewayV2HTTPResponse.builder().withStatusCode(status).withHeaders(headers).withBody(body).withIsBase64Encoded(false)
                .build();
    }
}
