package io.stemedb.node.testing;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.opentest4j.TestAbortedException;

/**
 * What the fault tests need from the machine (root, iptables, mount) and what happens when it is
 * missing: on a developer's machine the test is skipped with a message saying what did not run;
 * on CI ({@code CI=true}, which {@code .ci/run} sets after installing the tools) it fails, because
 * a fault test that skips there is a hole in the suite, not a pass.
 */
public final class FaultTools {

    private FaultTools() {}

    public static boolean onCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /**
     * Requires that {@code probe} (a harmless command, e.g. listing a firewall chain) exits 0.
     *
     * @param what what the test needs, for the message
     */
    public static void require(String what, String... probe) {
        if (run(probe) != 0) {
            unavailable(what + " (`" + String.join(" ", probe) + "` failed)");
        }
    }

    /** Skips the test with a message, or fails it on CI. */
    public static void unavailable(String what) {
        unavailable(what, onCi());
    }

    static void unavailable(String what, boolean onCi) {
        String message = "needs " + what + "; the fault test did not run";
        if (onCi) {
            Assertions.fail(message + " — on CI every tool is installed by .ci/run, so this is a failure");
        }
        throw new TestAbortedException("skipped: " + message);
    }

    /** Runs a command and returns its exit status; -1 if it cannot start or takes over 20 s. */
    public static int run(String... command) {
        try {
            Process process = new ProcessBuilder(List.of(command)).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return -1;
            }
            return process.exitValue();
        } catch (Exception e) {
            return -1;
        }
    }
}
