package dev.herald.channel.email;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.herald.catalog.Catalog;
import dev.herald.catalog.Channel;
import dev.herald.catalog.NotificationType;
import dev.herald.delivery.Delivery;
import dev.herald.delivery.DeliveryKey;
import dev.herald.delivery.DeliveryRepository;
import dev.herald.lambda.Wiring;
import dev.herald.observability.Correlation;
import dev.herald.recipient.RecipientRepository;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

/**
 * The one-click unsubscribe endpoint (RFC 8058) that the {@code List-Unsubscribe} header of Herald's emails points
 * at, behind an API Gateway REST proxy integration (herald local serves it at {@code /unsubscribe} the same way).
 *
 * <p>The link ({@link UnsubscribeLink}) names one email delivery; an unknown one (expired by TTL, or made up) gets
 * 404, so nobody can unsubscribe someone whose email they have not got. The category comes from the catalog type,
 * and a critical type gets 400. {@code GET} only shows a confirmation page whose button POSTs, because mail scanners
 * follow links; {@code POST} (a mail client's one-click {@code List-Unsubscribe=One-Click}, or that button) records
 * the unsubscribe for the type's category on email in the recipient's partition, where routing honours it like a
 * profile opt-out. When it is new, the same transaction marks the link's delivery, and the deliveries table's stream
 * turns that mark into a {@code Recipient Unsubscribed} event on Herald's bus for the app: nothing here waits on the
 * bus, and no unsubscribe goes unannounced. Repeating it changes nothing and announces nothing. Any other method gets
 * 405. Thread-safe.
 */
public final class UnsubscribeHandler implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {

    private static final Logger LOG = LoggerFactory.getLogger(UnsubscribeHandler.class);

    private static final String HTML = "text/html; charset=utf-8";
    // the pages load nothing and run no script; the form posts back to this same origin; nobody may frame them
    // (clickjacking), keep them, or see the link in a Referer
    private static final Map<String, String> SECURITY_HEADERS = Map.of(
            "Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
            "X-Frame-Options", "DENY",
            "X-Content-Type-Options", "nosniff",
            "Referrer-Policy", "no-referrer",
            "Cache-Control", "no-store",
            "X-Robots-Tag", "noindex");

    private final Catalog catalog;
    private final DeliveryRepository deliveries;
    private final RecipientRepository recipients;

    /** Lambda entry point: everything from the environment. */
    public UnsubscribeHandler() {
        this(Wiring.fromEnvironment());
    }

    /** Wired as Lambda wires it, from {@code wiring}: how herald local builds it too. */
    public UnsubscribeHandler(Wiring wiring) {
        this(wiring.catalog(), wiring.deliveries(), wiring.recipients());
    }

    /** Everything given: for tests and herald local. */
    public UnsubscribeHandler(Catalog catalog, DeliveryRepository deliveries, RecipientRepository recipients) {
        this.catalog = catalog;
        this.deliveries = deliveries;
        this.recipients = recipients;
    }

    @Override
    public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent request, Context context) {
        // Powertools adds the function name, request id and cold start to every log line, as for Herald's other handlers
        return context == null ? handle(request) : PowertoolsLogging.withLogging(context, () -> handle(request));
    }

    /** Handles one request: for tests and herald local, which pass no Lambda context. */
    public APIGatewayProxyResponseEvent handle(APIGatewayProxyRequestEvent request) {
        String method = request.getHttpMethod() == null ? "" : request.getHttpMethod().toUpperCase(Locale.ROOT);
        if (!method.equals("GET") && !method.equals("POST")) {
            return page(405, UnsubscribePages.methodNotAllowed(method), Map.of("Allow", "GET, POST"));
        }
        Optional<UnsubscribeLink> link = UnsubscribeLink.from(request.getQueryStringParameters());
        if (link.isEmpty()) {
            LOG.info("unsubscribe {} without a complete link", method);
            return page(400, UnsubscribePages.incompleteLink());
        }
        return Correlation.with(link.get().notificationId(), () -> {
            try {
                return handle(method, link.get());
            } catch (RuntimeException e) {
                LOG.error("unsubscribe {} for notification {} failed", method, link.get().notificationId(), e);
                return page(503, UnsubscribePages.unavailable(), Map.of("Retry-After", "30"));
            }
        });
    }

    private APIGatewayProxyResponseEvent handle(String method, UnsubscribeLink link) {
        // a type the catalog does not have is no link Herald made (or one from a type removed since): not found either way
        Optional<NotificationType> type = catalog.find(link.typeId());
        Optional<Delivery> delivery = type.isEmpty() ? Optional.empty() : deliveries.find(link.deliveryKey());
        if (delivery.isEmpty()) {
            LOG.info("unsubscribe {} with an unknown or expired link (type {})", method, link.typeId());
            return page(404, UnsubscribePages.invalidLink());
        }
        if (type.get().isCritical()) {
            LOG.info("unsubscribe {} refused: {} is critical", method, type.get().id());
            return page(400, UnsubscribePages.critical());
        }
        String category = type.get().category();
        if (method.equals("GET")) {
            return page(200, UnsubscribePages.confirm(link, category));
        }
        DeliveryKey key = delivery.get().key();
        // only a new unsubscribe is news to the app: the delivery's mark, which announces it, is written with it or not at all
        boolean recorded = recipients.recordUnsubscribe(key.recipientId(), category, Channel.EMAIL, key.notificationId(),
                deliveries.unsubscribeMark(key, category));
        LOG.info("recipient {} unsubscribed from {} emails{}", key.recipientId(), category, recorded ? "" : " (already recorded)");
        return page(200, UnsubscribePages.unsubscribed(category));
    }

    private static APIGatewayProxyResponseEvent page(int status, String html) {
        return page(status, html, Map.of());
    }

    private static APIGatewayProxyResponseEvent page(int status, String html, Map<String, String> extraHeaders) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", HTML);
        headers.putAll(SECURITY_HEADERS);
        headers.putAll(extraHeaders);
        return new APIGatewayProxyResponseEvent().withStatusCode(status).withHeaders(headers).withBody(html).withIsBase64Encoded(false);
    }
}
