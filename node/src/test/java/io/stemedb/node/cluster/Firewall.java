package io.stemedb.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemedb.node.testing.FaultTools;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts traffic between nodes that each bind their own loopback address (see
 * {@link LocalCluster#plan(java.nio.file.Path, java.nio.file.Path, List, boolean, boolean)}): one
 * iptables rule per direction, so consensus and SWIM traffic between the two addresses is dropped,
 * while the test still reaches every node (its requests come from 127.0.0.1). Every rule added is
 * removed by {@link #heal} or {@link #close}, whatever happened in between.
 */
final class Firewall implements AutoCloseable {

    private final List<String[]> rules = new ArrayList<>();

    /** Skips without root and iptables on a developer's machine; fails on CI. */
    static Firewall require() {
        FaultTools.require("root and iptables, to cut a node off from the others", "iptables", "-w", "5", "-L", "INPUT", "-n");
        return new Firewall();
    }

    /** Drops everything between {@code node} and each of {@code others}, both ways. */
    void isolate(LocalCluster.Member node, List<LocalCluster.Member> others) {
        for (LocalCluster.Member other : others) {
            if (other != node) {
                drop(node.host(), other.host());
                drop(other.host(), node.host());
            }
        }
    }

    private void drop(String from, String to) {
        String[] rule = {"INPUT", "-s", from, "-d", to, "-j", "DROP"};
        assertThat(iptables("-I", rule)).as("iptables -I " + String.join(" ", rule)).isZero();
        rules.add(rule);
    }

    /** Removes every rule this firewall added. */
    void heal() {
        for (String[] rule : rules) {
            iptables("-D", rule);
        }
        rules.clear();
    }

    private static int iptables(String action, String[] rule) {
        String[] command = new String[rule.length + 4];
        command[0] = "iptables";
        command[1] = "-w";
        command[2] = "5";
        command[3] = action;
        System.arraycopy(rule, 0, command, 4, rule.length);
        return FaultTools.run(command);
    }

    @Override
    public void close() {
        heal();
    }
}
