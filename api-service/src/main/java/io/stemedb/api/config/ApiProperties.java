package io.stemedb.api.config;

import io.stemedb.common.validation.ValidationLimits;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Configuration of the api-service ({@code stemedb.api.*}); also listed in api-service/README.md.
 *
 * @param nodeId        this node's id in health answers and, later, in the cluster; default
 *                      {@code node1}
 * @param term          the term written into new entries when replication is off; default 1
 * @param rpcTimeout    deadline of each call to the wal-service (runbook key
 *                      {@code [cluster] rpc_timeout_ms}); default 5s
 * @param readAfterWriteTimeout  how long a query waits for the index to reach the newest
 *                      acknowledged write before answering 503; default 5s
 * @param tailRetry     pause before reconnecting the index's stream from the wal-service after
 *                      it broke; default 500ms
 * @param maxQueryResults  largest {@code limit} a query may ask for (one page); default 10000
 * @param maxBatchAssertions  most assertions in one {@code POST /v1/assert/batch}; default 1000
 * @param limits        sizes every request is held to
 * @param snapshot      snapshots of the query index
 * @param watch         change feeds ({@code GET /v1/watch})
 * @param rateLimit     write rate limits (changeable at run time: {@code /v1/admin/rate-limit})
 * @param replication   how writes are acknowledged in a replicated node
 * @param membership    the local membership-service
 * @param metrics       the node's {@code /metrics} page
 * @param directWrites  answer the common {@code POST /v1/assert} (a JSON body within the
 *                      limit, a valid writer key) in a filter ahead of the framework's dispatch, with the
 *                      same validation, write, answer, headers and metrics; false sends every
 *                      write through the framework (docs/benchmarks.md measures both); default true
 */
@ConfigurationProperties("stemedb.api")
public record ApiProperties(
        @DefaultValue("node1") String nodeId,
        @DefaultValue("1") long term,
        @DefaultValue("5s") Duration rpcTimeout,
        @DefaultValue("5s") Duration readAfterWriteTimeout,
        @DefaultValue("500ms") Duration tailRetry,
        @DefaultValue("10000") int maxQueryResults,
        @DefaultValue("1000") int maxBatchAssertions,
        @DefaultValue Limits limits,
        @DefaultValue Snapshot snapshot,
        @DefaultValue Watch watch,
        @DefaultValue RateLimit rateLimit,
        @DefaultValue Replication replication,
        @DefaultValue Membership membership,
        @DefaultValue Metrics metrics,
        @DefaultValue("true") boolean directWrites) {

    /**
     * @param scrapeTimeout longest {@code /metrics} waits for each of the node's internal services
     *                      (wal, replication, membership) to hand over its meters; one that is
     *                      later is left out of that page and counted in
     *                      {@code stemedb_metrics_scrape_errors_total}; default 2s
     */
    public record Metrics(@DefaultValue("2s") Duration scrapeTimeout) {}

    /**
     * @param enabled          list members and run the cluster controls through the local
     *                         membership-service ({@code spring.grpc.client.channel.membership});
     *                         default true
     * @param announceInterval how often this node's assertion count is handed to membership to
     *                         gossip (when it changed); default 5s
     */
    public record Membership(@DefaultValue("true") boolean enabled, @DefaultValue("5s") Duration announceInterval) {}

    /**
     * @param enabled  acknowledge a write once committed (on {@code replication.factor} voters, as the
     *                 local replication-service reports through
     *                 {@code spring.grpc.client.channel.replication}); false: once durable here,
     *                 written in {@code term} (a node without a consensus); default true
     * @param timeout  longest a durable write waits for its commit before 503
     *                 {@code replication_timeout} (it may still commit; a retry is safe); default 5s
     */
    public record Replication(@DefaultValue("true") boolean enabled, @DefaultValue("5s") Duration timeout) {}

    /**
     * @param maxAssertionsPerSec          records written per second on this node, all writers
     *                                     together; 0 = unlimited; default 0
     * @param maxAssertionsPerSecPerAgent  records per second per {@code agent_id}; 0 = unlimited; default 0
     */
    public record RateLimit(
            @DefaultValue("0") long maxAssertionsPerSec,
            @DefaultValue("0") long maxAssertionsPerSecPerAgent) {}

    /**
     * @param maxWatchers  open feeds at once; more answer 503; default 256
     * @param heartbeat    idle time after which a feed sends a comment (keeps proxies from closing
     *                     it, notices clients that left); below the gateway's read timeout
     *                     ({@code spring.http.clients.read-timeout}, 10s), or an idle feed proxied
     *                     through it breaks; default 5s
     */
    public record Watch(
            @DefaultValue("256") int maxWatchers,
            @DefaultValue("5s") Duration heartbeat) {}

    /**
     * @param dir         where index snapshots are kept; default {@code ./data/index}
     * @param interval    how often to check whether a snapshot is due; 0 disables periodic
     *                    snapshots (one is still written on a clean shutdown); default 5m
     * @param minEntries  log entries applied since the last snapshot before another is written;
     *                    default 10000
     * @param onShutdown  write a snapshot on a clean shutdown, so the next start replays
     *                    nothing; default true
     */
    public record Snapshot(
            @DefaultValue("./data/index") java.nio.file.Path dir,
            @DefaultValue("5m") Duration interval,
            @DefaultValue("10000") long minEntries,
            @DefaultValue("true") boolean onShutdown) {}

    /**
     * @param maxConceptPathBytes  default 512 bytes
     * @param maxPathSegments      default 32
     * @param maxNameLength        characters in a path segment, predicate or agent id; default 128
     * @param maxValueSize         a value in canonical JSON; default 64KB
     * @param maxJsonDepth         nesting of a request body; default 64
     * @param maxRequestBody       a request body (413 above it, before it is parsed); the admin
     *                             import is streamed and exempt; default 16MB
     * @param maxUriLength         path and query string, in characters (414 above it); default 4096
     */
    public record Limits(
            @DefaultValue("512") int maxConceptPathBytes,
            @DefaultValue("32") int maxPathSegments,
            @DefaultValue("128") int maxNameLength,
            @DefaultValue("64KB") DataSize maxValueSize,
            @DefaultValue("64") int maxJsonDepth,
            @DefaultValue("16MB") DataSize maxRequestBody,
            @DefaultValue("4096") int maxUriLength) {

        public ValidationLimits toValidationLimits() {
            return new ValidationLimits(maxConceptPathBytes, maxPathSegments, maxNameLength,
                    Math.toIntExact(maxValueSize.toBytes()), maxJsonDepth);
        }
    }
}
