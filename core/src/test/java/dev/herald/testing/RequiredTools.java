package dev.herald.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Tests that drive an outside tool (Chromium, the AWS CLI, Node) skip on a developer machine without it, but fail
 * in CI (environment variable {@code CI} set), where {@code .ci/run} installs every tool: a CI run that silently
 * skipped them would prove nothing.
 */
public final class RequiredTools {

    private RequiredTools() {
    }

    /** Skips (or, in CI, fails) the test unless {@code installed}; {@code hint} says how to install what is missing. */
    public static void assumeInstalled(boolean installed, String hint) {
        if (System.getenv("CI") != null && !installed) {
            throw new AssertionError("CI must run this test, but " + hint);
        }
        assumeTrue(installed, hint);
    }
}
