package dev.herald.local.aws;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedList;
import java.util.List;
import java.util.ListIterator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Errors injected on demand into the stand-in endpoints, for fault tests: "answer the next N PostToConnection
 * calls with 410", "throttle the next SES send", each used up by the calls it answers; or "fail 10% of SES sends",
 * which holds until cleared; or "answer every send to {@code rejected*} with MessageRejected", which matches a call's
 * subject (a recipient address, a connection id, an endpoint ARN or an SNS action) and holds until cleared, so the
 * SDK's own retries meet the same answer. The {@code invocations} target makes the async invoker deliver an
 * invocation twice, as EventBridge's and Lambda's at-least-once delivery may. Thread-safe.
 */
public final class Faults {

    /** Which stand-in a fault applies to. */
    public enum Service {
        CONNECTIONS, SES, SNS, SQS, SCHEDULER, INVOCATIONS;

        static Service parse(String name) {
            for (Service s : values()) {
                if (s.name().equalsIgnoreCase(name)) {
                    return s;
                }
            }
            throw new IllegalArgumentException("unknown fault target '" + name
                    + "'; use connections, ses, sns, sqs, scheduler or invocations");
        }
    }

    /** The errors each service can be told to answer with. */
    public static final Map<Service, Set<String>> ERRORS = Map.of(
            Service.CONNECTIONS, Set.of("gone", "throttle", "5xx", "forbidden"),
            Service.SES, Set.of("throttle", "5xx", "MessageRejected", "BadRequest"),
            Service.SNS, Set.of("throttle", "5xx", "EndpointDisabled", "NotFound", "InvalidParameter"),
            Service.SQS, Set.of("5xx"),
            Service.SCHEDULER, Set.of("throttle", "5xx"),
            Service.INVOCATIONS, Set.of("duplicate"));

    /**
     * One injected error: for the next {@code remaining} calls; or, when {@code rate} is above 0, for that share of
     * all calls until cleared ({@code remaining} is then 0); or, when {@code matching} is set, for every call with a
     * subject it matches until cleared: a subject equal to it, or starting with it when it ends in {@code *}.
     * {@code injected}: how many calls it has answered.
     */
    public record Fault(Service target, String error, int remaining, double rate, String matching, long injected) {

        boolean matches(List<String> subjects) {
            if (matching == null) {
                return false;
            }
            boolean prefix = matching.endsWith("*");
            String match = prefix ? matching.substring(0, matching.length() - 1) : matching;
            return subjects.stream().anyMatch(s -> s != null && (prefix ? s.startsWith(match) : s.equals(match)));
        }

        Fault answered() {
            return new Fault(target, error, Math.max(0, remaining - 1), rate, matching, injected + 1);
        }
    }

    private final LinkedList<Fault> faults = new LinkedList<>();
    private final Map<Service, SendLimit> limits = new EnumMap<>(Service.class);

    /** A provider's send rate: calls over {@code perSecond} within one second of the clock are answered with throttling. */
    public record SendLimit(double perSecond, long second, int calls, long throttled) {
        SendLimit counted(long now) {
            return now == second ? new SendLimit(perSecond, second, calls + 1, throttled) : new SendLimit(perSecond, now, 1, throttled);
        }

        boolean full(long now) {
            return now == second && calls >= Math.floor(perSecond);
        }
    }

    /**
     * Limits {@code service} to {@code perSecond} calls in each second of the clock, above which it answers as the
     * provider does when its rate is exceeded (SES {@code TooManyRequestsException}, SNS {@code Throttled},
     * {@code @connections} 429); 0 lifts the limit. Unlike a fault it stays until lifted, and {@link #clear} keeps it.
     */
    public synchronized void limit(Service service, double perSecond) {
        if (perSecond < 0 || !Double.isFinite(perSecond)) {
            throw new IllegalArgumentException("a send rate is 0 (none) or more calls per second, got " + perSecond);
        }
        if (perSecond == 0) {
            limits.remove(service);
        } else {
            limits.put(service, new SendLimit(perSecond, 0, 0, 0));
        }
    }

    /** The send rates in force, with the calls each has throttled. */
    public synchronized Map<Service, SendLimit> limits() {
        return Map.copyOf(limits);
    }

    /** Adds a fault for the next {@code count} calls; throws {@link IllegalArgumentException} naming what is accepted. */
    public synchronized Fault add(String target, String error, int count) {
        if (count < 1 || count > 10_000) {
            throw new IllegalArgumentException("count must be between 1 and 10000, got " + count);
        }
        return add(new Fault(Service.parse(target), known(target, error), count, 0, null, 0));
    }

    /** Adds a fault for a share of all calls, e.g. 0.1 for one in ten at random, until {@link #clear}. */
    public synchronized Fault addRate(String target, String error, double rate) {
        if (!(rate > 0 && rate <= 1)) {
            throw new IllegalArgumentException("rate must be above 0 and at most 1, got " + rate);
        }
        return add(new Fault(Service.parse(target), known(target, error), 0, rate, null, 0));
    }

    /**
     * Adds a fault for every call whose subject matches {@code matching} (equal to it, or starting with it when it
     * ends in {@code *}), until {@link #clear}: e.g. ({@code ses}, {@code MessageRejected}, {@code rejected*}), or
     * ({@code connections}, {@code throttle}, a connection id).
     */
    public synchronized Fault addMatching(String target, String error, String matching) {
        if (matching == null || matching.isEmpty() || matching.equals("*")) {
            throw new IllegalArgumentException("matching must name a subject, or a prefix ending in *; got '" + matching + "'");
        }
        return add(new Fault(Service.parse(target), known(target, error), 0, 0, matching, 0));
    }

    private Fault add(Fault fault) {
        faults.add(fault);
        return fault;
    }

    private static String known(String target, String error) {
        Service service = Service.parse(target);
        return ERRORS.get(service).stream().filter(e -> e.equalsIgnoreCase(error)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown error '" + error + "' for " + target.toLowerCase(Locale.ROOT)
                        + "; use one of " + ERRORS.get(service)));
    }

    /** {@link #next(Service, List)} for a call without a subject: matching faults never answer it. */
    public Optional<String> next(Service service) {
        return next(service, List.of());
    }

    /**
     * The error the next call to {@code service} about {@code subjects} must answer with, if any: a fault matching one
     * of its subjects first, then a counted fault (using it up by one), else a rate fault when the dice say so.
     */
    public synchronized Optional<String> next(Service service, List<String> subjects) {
        for (ListIterator<Fault> it = faults.listIterator(); it.hasNext(); ) {
            Fault fault = it.next();
            if (fault.target() == service && fault.matches(subjects)) {
                it.set(fault.answered());
                return Optional.of(fault.error());
            }
        }
        for (ListIterator<Fault> it = faults.listIterator(); it.hasNext(); ) {
            Fault fault = it.next();
            if (fault.target() == service && fault.remaining() > 0) {
                if (fault.remaining() > 1) {
                    it.set(fault.answered());
                } else {
                    it.remove();
                }
                return Optional.of(fault.error());
            }
        }
        for (ListIterator<Fault> it = faults.listIterator(); it.hasNext(); ) {
            Fault fault = it.next();
            if (fault.target() == service && fault.rate() > 0 && ThreadLocalRandom.current().nextDouble() < fault.rate()) {
                it.set(fault.answered());
                return Optional.of(fault.error());
            }
        }
        SendLimit limit = limits.get(service);
        if (limit != null) {
            long now = System.currentTimeMillis() / 1000;
            if (limit.full(now)) {
                limits.put(service, new SendLimit(limit.perSecond(), limit.second(), limit.calls(), limit.throttled() + 1));
                return Optional.of(THROTTLE);
            }
            limits.put(service, limit.counted(now));
        }
        return Optional.empty();
    }

    /** The error every stand-in answers as its provider's throttling. */
    public static final String THROTTLE = "throttle";

    public synchronized List<Fault> list() {
        return new ArrayList<>(faults);
    }

    public synchronized void clear() {
        faults.clear();
    }
}
