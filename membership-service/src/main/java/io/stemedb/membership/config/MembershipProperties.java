package io.stemedb.membership.config;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Configuration of the membership-service ({@code stemedb.membership.*}); runbook names in
 * brackets.
 *
 * @param enabled   run SWIM at all; default true
 * @param nodeId    this node's id ({@code [cluster] node_id}); default {@code node1}
 * @param seeds     {@code host:port} of members to join through ({@code [cluster] seeds}); a
 *                  node whose list is empty (or holds only itself) starts a cluster; default none
 * @param swim      the protocol's socket and timings
 * @param metadata  extra facts this node announces (the embedded node adds its service addresses);
 *                  default none
 * @param watchInterval a member list is streamed to each watcher on every change and at least
 *                  this often; default 5s
 */
@ConfigurationProperties("stemedb.membership")
public record MembershipProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("node1") String nodeId,
        @DefaultValue({}) List<String> seeds,
        @DefaultValue Swim swim,
        java.util.Map<String, String> metadata,
        @DefaultValue("5s") Duration watchInterval) {

    /**
     * @param bindAddress       UDP address to listen on ({@code [cluster] gossip_bind_address}); default 127.0.0.1
     * @param port              UDP port; default 18183
     * @param advertiseHost     the host others reach this node at; default the bind address (127.0.0.1 for a wildcard)
     * @param probeInterval     ({@code [cluster.swim] probe_interval_ms}); default 1s
     * @param probeTimeout      ({@code probe_timeout_ms}); default 500ms
     * @param suspicionTimeout  shortest suspicion ({@code suspicion_timeout_ms}); the longest is 4x; default 1s
     */
    public record Swim(
            @DefaultValue("127.0.0.1") String bindAddress,
            @DefaultValue("18183") int port,
            String advertiseHost,
            @DefaultValue("1s") Duration probeInterval,
            @DefaultValue("500ms") Duration probeTimeout,
            @DefaultValue("1s") Duration suspicionTimeout) {

        public String advertisedHost() {
            if (advertiseHost != null && !advertiseHost.isBlank()) {
                return advertiseHost;
            }
            return bindAddress.equals("0.0.0.0") || bindAddress.equals("::") ? "127.0.0.1" : bindAddress;
        }
    }
}
