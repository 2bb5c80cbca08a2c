package dev.herald.local;

import dev.herald.local.aws.Faults;

/**
 * What the benchmarks read of herald local that it keeps to its package: how many calls a provider's stand-in
 * refused for going over its send limit.
 */
public final class LocalProbe {

    private LocalProbe() {
    }

    public static long throttled(HeraldLocal local, Faults.Service provider) {
        Faults.SendLimit limit = local.faults().limits().get(provider);
        return limit == null ? 0 : limit.throttled();
    }
}
