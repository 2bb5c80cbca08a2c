package dev.herald.local.aws;

import java.util.ArrayList;
import java.util.LinkedList;
import java.util.ListIterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Errors injected on demand into the stand-in endpoints, for fault tests: "answer the next N PostToConnection
 * calls with 410", "throttle the next SES send". Each fault is used up by the calls it answers. Thread-safe.
 */
public final class Faults {

    /** Which stand-in a fault applies to. */
    public enum Service {
        CONNECTIONS, SES, SNS;

        static Service parse(String name) {
            for (Service s : values()) {
                if (s.name().equalsIgnoreCase(name)) {
                    return s;
                }
            }
            throw new IllegalArgumentException("unknown fault target '" + name + "'; use connections, ses or sns");
        }
    }

    /** The errors each service can be told to answer with. */
    public static final Map<Service, Set<String>> ERRORS = Map.of(
            Service.CONNECTIONS, Set.of("gone", "throttle", "5xx", "forbidden"),
            Service.SES, Set.of("throttle", "5xx", "MessageRejected"),
            Service.SNS, Set.of("throttle", "5xx", "EndpointDisabled", "NotFound"));

    public record Fault(Service target, String error, int remaining) {
    }

    private final LinkedList<Fault> faults = new LinkedList<>();

    /** Adds a fault; throws {@link IllegalArgumentException} naming what is accepted. */
    public synchronized Fault add(String target, String error, int count) {
        Service service = Service.parse(target);
        String known = ERRORS.get(service).stream().filter(e -> e.equalsIgnoreCase(error)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown error '" + error + "' for " + target.toLowerCase(Locale.ROOT)
                        + "; use one of " + ERRORS.get(service)));
        if (count < 1 || count > 10_000) {
            throw new IllegalArgumentException("count must be between 1 and 10000, got " + count);
        }
        Fault fault = new Fault(service, known, count);
        faults.add(fault);
        return fault;
    }

    /** The error the next call to {@code service} must answer with, if a fault is pending; uses it up by one. */
    public synchronized Optional<String> next(Service service) {
        for (ListIterator<Fault> it = faults.listIterator(); it.hasNext(); ) {
            Fault fault = it.next();
            if (fault.target() == service) {
                if (fault.remaining() > 1) {
                    it.set(new Fault(service, fault.error(), fault.remaining() - 1));
                } else {
                    it.remove();
                }
                return Optional.of(fault.error());
            }
        }
        return Optional.empty();
    }

    public synchronized List<Fault> list() {
        return new ArrayList<>(faults);
    }

    public synchronized void clear() {
        faults.clear();
    }
}
