package io.stemedb.api.config;

import io.grpc.ManagedChannel;
import io.micrometer.core.instrument.MeterRegistry;
import io.stemedb.api.admin.ImportService;
import io.stemedb.api.drain.DrainGate;
import io.stemedb.api.drain.NodeDrain;
import io.stemedb.api.health.NodeHealthService;
import io.stemedb.api.http.DirectAssertFilter;
import io.stemedb.api.security.AgentBinding;
import io.stemedb.http.security.AccessRules;
import io.stemedb.http.security.KeyRing;
import tools.jackson.databind.json.JsonMapper;
import io.stemedb.http.security.SecurityProblems;
import io.stemedb.http.body.ImportBodyFilter;
import io.stemedb.http.limits.RequestLimitsFilter;
import io.stemedb.api.index.AssertionIndex;
import io.stemedb.api.index.WalTailer;
import io.stemedb.api.query.QueryRequestReader;
import io.stemedb.api.query.QueryService;
import io.stemedb.api.ratelimit.WriteRateLimits;
import io.stemedb.api.snapshot.IndexSnapshots;
import io.stemedb.api.snapshot.SnapshotScheduler;
import io.stemedb.api.watch.WatchService;
import io.stemedb.api.wal.WalClient;
import io.stemedb.api.replication.ReplicationClient;
import io.stemedb.api.replication.StrongReads;
import io.stemedb.api.write.AssertionWriter;
import io.stemedb.api.write.FeedbackWriter;
import io.stemedb.api.write.JournalAppender;
import io.stemedb.api.write.WriteRequests;
import io.stemedb.common.clock.HybridLogicalClock;
import io.stemedb.common.validation.AssertionRequestReader;
import io.stemedb.common.validation.ValidationLimits;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.grpc.client.GrpcChannelFactory;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ApiProperties.class)
public class ApiConfiguration {

    /** Name of the gRPC channel to the wal-service: {@code spring.grpc.client.channel.wal.target}. */
    static final String WAL_CHANNEL = "wal";

    @Bean
    HybridLogicalClock hybridLogicalClock() {
        return HybridLogicalClock.systemClock();
    }

    @Bean
    ValidationLimits validationLimits(ApiProperties properties) {
        return properties.limits().toValidationLimits();
    }

    @Bean
    AssertionRequestReader assertionRequestReader(ValidationLimits limits) {
        return new AssertionRequestReader(limits);
    }

    @Bean
    QueryRequestReader queryRequestReader(ValidationLimits limits, ApiProperties properties) {
        return new QueryRequestReader(limits, properties.maxQueryResults());
    }

    @Bean
    WriteRequests writeRequests(ValidationLimits limits, AssertionRequestReader assertions, ApiProperties properties) {
        return new WriteRequests(limits, assertions, properties.maxBatchAssertions());
    }

    @Bean(destroyMethod = "shutdownNow")
    ManagedChannel walChannel(GrpcChannelFactory channels) {
        return channels.createChannel(WAL_CHANNEL);
    }

    @Bean
    WalClient walClient(ManagedChannel walChannel, ApiProperties properties) {
        return new WalClient(walChannel, properties.rpcTimeout());
    }

    @Bean
    AssertionIndex assertionIndex(MeterRegistry registry) {
        return new AssertionIndex(registry);
    }

    /** Loads the newest snapshot into the index before anything reads it or the tailer starts. */
    @Bean
    IndexSnapshots indexSnapshots(AssertionIndex index, HybridLogicalClock clock, ApiProperties properties,
            MeterRegistry registry) {
        IndexSnapshots snapshots = new IndexSnapshots(properties.snapshot().dir(), index, registry);
        snapshots.loadNewest();
        clock.observe(index.maxHlc());
        return snapshots;
    }

    @Bean
    SnapshotScheduler snapshotScheduler(IndexSnapshots snapshots, AssertionIndex index, WalClient wal,
            ApiProperties properties) {
        return new SnapshotScheduler(snapshots, index, wal, properties.snapshot().interval(),
                properties.snapshot().minEntries(), properties.snapshot().onShutdown());
    }

    @Bean
    WalTailer walTailer(WalClient wal, AssertionIndex index, HybridLogicalClock clock, ApiProperties properties,
            MeterRegistry registry) {
        return new WalTailer(wal, index, clock, properties.tailRetry(), properties.replication().enabled(), registry);
    }

    /** Name of the gRPC channel to the local membership-service: {@code spring.grpc.client.channel.membership.target}. */
    static final String MEMBERSHIP_CHANNEL = "membership";

    @Bean(destroyMethod = "shutdownNow")
    @ConditionalOnProperty(name = "stemedb.api.membership.enabled", matchIfMissing = true)
    ManagedChannel membershipChannel(GrpcChannelFactory channels) {
        return channels.createChannel(MEMBERSHIP_CHANNEL);
    }

    @Bean(initMethod = "start", destroyMethod = "close")
    @ConditionalOnProperty(name = "stemedb.api.membership.enabled", matchIfMissing = true)
    io.stemedb.api.membership.MembershipClient membershipClient(ManagedChannel membershipChannel, AssertionIndex index,
            ApiProperties properties) {
        return new io.stemedb.api.membership.MembershipClient(membershipChannel, properties.rpcTimeout(), index::assertionCount,
                properties.membership().announceInterval());
    }

    /** Name of the gRPC channel to the local replication-service: {@code spring.grpc.client.channel.replication.target}. */
    static final String REPLICATION_CHANNEL = "replication";

    @Bean(destroyMethod = "shutdownNow")
    @ConditionalOnProperty(name = "stemedb.api.replication.enabled", matchIfMissing = true)
    ManagedChannel replicationChannel(GrpcChannelFactory channels) {
        return channels.createChannel(REPLICATION_CHANNEL);
    }

    @Bean(initMethod = "start", destroyMethod = "close")
    @ConditionalOnProperty(name = "stemedb.api.replication.enabled", matchIfMissing = true)
    ReplicationClient replicationClient(ManagedChannel replicationChannel, ApiProperties properties) {
        return new ReplicationClient(replicationChannel, properties.rpcTimeout());
    }

    @Bean
    JournalAppender journalAppender(WalClient wal, WalTailer tailer, AssertionIndex index, ApiProperties properties,
            ObjectProvider<ReplicationClient> replication, MeterRegistry registry) {
        return new JournalAppender(wal, tailer, index, properties.term(), replication.getIfAvailable(),
                properties.replication().timeout(), properties.readAfterWriteTimeout(), registry);
    }

    @Bean
    WriteRateLimits writeRateLimits(ApiProperties properties, MeterRegistry registry) {
        return new WriteRateLimits(properties.rateLimit().maxAssertionsPerSec(),
                properties.rateLimit().maxAssertionsPerSecPerAgent(), registry);
    }

    @Bean
    AssertionWriter assertionWriter(AssertionIndex index, HybridLogicalClock clock, JournalAppender journal,
            WriteRateLimits limits) {
        return new AssertionWriter(index, clock, journal, limits);
    }

    @Bean
    FeedbackWriter feedbackWriter(AssertionIndex index, HybridLogicalClock clock, JournalAppender journal,
            WriteRateLimits limits) {
        return new FeedbackWriter(index, clock, journal, limits);
    }

    @Bean
    QueryService queryService(AssertionIndex index, JournalAppender journal, ApiProperties properties,
            ObjectProvider<ReplicationClient> replication, MeterRegistry registry) {
        ReplicationClient consensus = replication.getIfAvailable();
        if (consensus == null) {
            return new QueryService(index, journal::highestAcknowledgedIndex, properties.readAfterWriteTimeout(), registry);
        }
        return new QueryService(index, journal::highestAcknowledgedIndex, properties.readAfterWriteTimeout(),
                new StrongReads(consensus), registry);
    }

    /** The admin import reads JSON Lines whatever type the client declared (see {@link ImportBodyFilter}). */
    @Bean
    org.springframework.boot.web.servlet.FilterRegistrationBean<ImportBodyFilter> importBodyFilter() {
        return ImportBodyFilter.registration();
    }

    @Bean
    org.springframework.boot.web.servlet.FilterRegistrationBean<RequestLimitsFilter> requestLimitsFilter(
            ApiProperties properties, MeterRegistry registry) {
        ApiProperties.Limits limits = properties.limits();
        return RequestLimitsFilter.registration("api-service", limits.maxRequestBody().toBytes(), limits.maxUriLength(),
                registry);
    }

    /**
     * Ahead of everything but the request observation (which times it): see {@link DirectAssertFilter}.
     * With {@code direct-writes} false the registration is disabled and the filter never runs.
     */
    @Bean
    org.springframework.boot.web.servlet.FilterRegistrationBean<DirectAssertFilter> directAssertFilter(KeyRing keys,
            AccessRules rules, WriteRequests requests, AssertionWriter writer, JsonMapper json, ApiProperties properties,
            NodeDrain drain) {
        var registration = new org.springframework.boot.web.servlet.FilterRegistrationBean<>(new DirectAssertFilter(keys,
                rules, requests, writer, json, properties.limits().maxRequestBody().toBytes(), drain::isDraining));
        registration.setOrder(org.springframework.core.Ordered.HIGHEST_PRECEDENCE + 2);
        registration.addUrlPatterns(DirectAssertFilter.PATH);
        registration.setEnabled(properties.directWrites());
        return registration;
    }

    @Bean
    AgentBinding agentBinding(SecurityProblems problems) {
        return new AgentBinding(problems);
    }

    @Bean
    ImportService importService(AssertionIndex index, JournalAppender journal, HybridLogicalClock clock,
            ValidationLimits limits) {
        return new ImportService(index, journal, clock, limits);
    }

    @Bean
    WatchService watchService(AssertionIndex index, ApiProperties properties) {
        return new WatchService(index, properties.watch().maxWatchers(), properties.watch().heartbeat());
    }

    @Bean("node")
    NodeHealthService nodeHealthService(ApiProperties properties, AssertionIndex index, WalTailer tailer, WalClient wal,
            ObjectProvider<ReplicationClient> replication, NodeDrain drain) {
        return new NodeHealthService(properties.nodeId(), index, tailer, wal, replication.getIfAvailable(), properties.term(),
                drain);
    }

    @Bean
    NodeDrain nodeDrain(io.micrometer.core.instrument.MeterRegistry registry) {
        return new NodeDrain(registry, java.time.Clock.systemUTC());
    }

    @Bean
    DrainGate drainGate(NodeDrain drain) {
        return new DrainGate(drain);
    }
}
