package dev.herald.lambda;

import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A handler's priming for Lambda SnapStart: work run once before Lambda snapshots the initialized function, so that
 * the classes, clients and connections of the handler's hot path are already loaded and warmed in every sandbox
 * restored from that snapshot, rather than on its first request. Priming only reads (a lookup of a key that does
 * not exist, a template rendered with empty data); a priming that fails is logged and the snapshot goes ahead,
 * merely colder. Outside a CRaC-enabled runtime (herald local, tests) nothing ever calls it.
 *
 * <p>The CRaC context may hold resources weakly: keep the returned object in a field of the handler.
 */
public final class SnapStartPriming implements Resource {

    private static final Logger LOG = LoggerFactory.getLogger(SnapStartPriming.class);

    /** The id that priming reads look up: nothing is stored under it, so the reads find nothing and change nothing. */
    public static final String PRIMING_ID = "herald-snapstart-priming";

    private final String handler;
    private final Runnable priming;

    private SnapStartPriming(String handler, Runnable priming) {
        this.handler = handler;
        this.priming = priming;
    }

    /** Registers {@code priming} to run before the snapshot. */
    public static SnapStartPriming register(String handler, Runnable priming) {
        SnapStartPriming resource = new SnapStartPriming(handler, priming);
        Core.getGlobalContext().register(resource);
        return resource;
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        long start = System.nanoTime();
        try {
            priming.run();
            LOG.info("{} primed for the SnapStart snapshot in {} ms", handler, (System.nanoTime() - start) / 1_000_000);
        } catch (RuntimeException e) {
            LOG.warn("{} priming failed, the snapshot is taken unprimed: {}", handler, e.toString());
        }
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        // nothing to refresh: the SDK's HTTP client reconnects on its own after a restore
    }
}
