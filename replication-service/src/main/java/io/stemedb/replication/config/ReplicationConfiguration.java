package io.stemedb.replication.config;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.micrometer.core.instrument.MeterRegistry;
import io.stemedb.proto.consensus.ConsensusPeerGrpc;
import io.stemedb.proto.consensus.HandoffRequest;
import io.stemedb.proto.consensus.HandoffResponse;
import io.stemedb.proto.wal.StatusResponse;
import io.stemedb.replication.consensus.ClusterConfiguration;
import io.stemedb.replication.consensus.ConsensusSettings;
import io.stemedb.replication.consensus.Entry;
import io.stemedb.replication.control.CommitWatchers;
import io.stemedb.replication.control.ConsensusMetrics;
import io.stemedb.replication.control.ControlService;
import io.stemedb.replication.control.JoinRequester;
import io.stemedb.replication.control.MembershipHints;
import io.stemedb.replication.merkle.AntiEntropyRounds;
import io.stemedb.replication.merkle.AntiEntropyService;
import io.stemedb.replication.merkle.RebaseFill;
import io.stemedb.replication.merkle.RecordHandoff;
import io.stemedb.common.membership.MembershipWatch;
import io.stemedb.replication.runtime.ConsensusRuntime;
import io.stemedb.replication.runtime.HandoffSender;
import io.stemedb.replication.runtime.JournalPort;
import io.stemedb.replication.runtime.RetentionReporter;
import io.stemedb.replication.runtime.StatusSnapshot;
import io.stemedb.replication.transport.JournalEntries;
import io.stemedb.replication.transport.PeerLinks;
import io.stemedb.replication.transport.PeerService;
import io.stemedb.replication.transport.StreamBreakers;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.grpc.client.GrpcChannelFactory;

/**
 * Wires the consensus to the network and the local journal: the wal channel
 * ({@code spring.grpc.client.channel.wal.target}), one channel per member (the {@code default}
 * channel's TLS settings apply to them), the membership channel
 * ({@code spring.grpc.client.channel.membership.target}) for SWIM's DOWN hints, the runtime, and
 * the two gRPC services on :18182.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ReplicationProperties.class)
public class ReplicationConfiguration {

    /** Name of the gRPC channel to the local wal-service. */
    static final String WAL_CHANNEL = "wal";

    @Bean(destroyMethod = "shutdownNow")
    ManagedChannel walChannel(GrpcChannelFactory channels) {
        return channels.createChannel(WAL_CHANNEL);
    }

    @Bean
    JournalPort journalPort(ManagedChannel walChannel, ReplicationProperties properties) {
        return new JournalPort(walChannel, properties.rpcTimeout());
    }

    @Bean(destroyMethod = "close")
    PeerChannels peerChannels(GrpcChannelFactory channels, ReplicationProperties properties) {
        return new PeerChannels(channels, properties);
    }

    @Bean
    StreamBreakers streamBreakers(ReplicationProperties properties, MeterRegistry registry) {
        return new StreamBreakers(properties.streamBreakerWait(), registry);
    }

    @Bean(destroyMethod = "close")
    PeerLinks peerLinks(PeerChannels channels, StreamBreakers breakers) {
        return new PeerLinks(channels::channelTo, breakers);
    }

    @Bean
    CommitWatchers commitWatchers() {
        return new CommitWatchers();
    }

    @Bean
    ApiAddresses apiAddresses(ReplicationProperties properties) {
        return new ApiAddresses(properties);
    }

    @Bean
    ConsensusMetrics consensusMetrics(MeterRegistry registry, CommitWatchers watchers, ReplicationProperties properties,
            ApiAddresses apiAddresses) {
        return new ConsensusMetrics(registry, watchers, apiAddresses.asMap(), properties.maxReplicationLag());
    }

    @Bean(initMethod = "start", destroyMethod = "close")
    ConsensusRuntime consensusRuntime(ReplicationProperties properties, JournalPort journal, PeerLinks peers,
            PeerChannels channels, ConsensusMetrics metrics) {
        ConsensusSettings settings = new ConsensusSettings(properties.factor(), properties.electionTimeout().toMillis(),
                properties.heartbeat().toMillis(), 512, 8, true, true, true);
        ConsensusRuntime runtime = new ConsensusRuntime(properties.nodeId(), settings, bootstrap(properties), journal, peers,
                handoffSender(channels, properties), properties.entryCache().toBytes(), metrics);
        metrics.bind(runtime, peers);
        return runtime;
    }

    /** Name of the gRPC channel to the local membership-service: {@code spring.grpc.client.channel.membership.target}. */
    static final String MEMBERSHIP_CHANNEL = "membership";

    @Bean(destroyMethod = "shutdownNow")
    ManagedChannel membershipChannel(GrpcChannelFactory channels) {
        return channels.createChannel(MEMBERSHIP_CHANNEL);
    }

    /** SWIM's word that a member is DOWN, as a hint to the consensus (see {@link MembershipHints}). */
    @Bean(initMethod = "start", destroyMethod = "close")
    MembershipWatch membershipWatch(ManagedChannel membershipChannel, ConsensusRuntime runtime, PeerChannels channels,
            ApiAddresses apiAddresses) {
        MembershipWatch watch = new MembershipWatch(membershipChannel);
        watch.onChange(new MembershipHints(runtime::memberDown));
        // Members that joined after this node started: their addresses come from their gossip.
        watch.onChange(channels::learnFrom);
        watch.onChange(members -> members.getMembersList().forEach(member ->
                apiAddresses.learn(member.getId(), member.getMetadataMap().get("api"))));
        return watch;
    }

    /** What a lagging replica still needs is kept in the journal (retention consumer "replication"). */
    @Bean(initMethod = "start", destroyMethod = "close")
    RetentionReporter retentionReporter(ConsensusRuntime runtime, JournalPort journal, ReplicationProperties properties) {
        return new RetentionReporter(runtime::status, journal, runtime::logCompacted, properties.retentionPatience());
    }

    @Bean
    PeerService peerService(ConsensusRuntime runtime, JournalPort journal, PeerLinks links) {
        return new PeerService(runtime, journal, links);
    }

    static final String STORE_CHANNEL = "store";

    @Bean(destroyMethod = "shutdownNow")
    ManagedChannel storeChannel(GrpcChannelFactory channels) {
        return channels.createChannel(STORE_CHANNEL);
    }

    @Bean(destroyMethod = "close")
    AntiEntropyService antiEntropyService(ManagedChannel storeChannel, PeerChannels channels, ReplicationProperties properties,
            ConsensusRuntime runtime, JournalPort journal, MeterRegistry registry) {
        return new AntiEntropyService(properties.nodeId(), storeChannel, channels::channelTo,
                recordHandoff(runtime, journal, channels, properties), properties.rpcTimeout(), registry);
    }

    /** A rebased replica asks the primary to fill its store (RebaseFill), told by the consensus's events. */
    @Bean(initMethod = "start", destroyMethod = "close")
    RebaseFill rebaseFill(AntiEntropyService antiEntropy, ConsensusRuntime runtime, ConsensusMetrics metrics,
            JournalPort journal, MeterRegistry registry) {
        RebaseFill fill = new RebaseFill(antiEntropy, () -> {
            StatusSnapshot status = runtime.status();
            return status == null ? null : status.primaryId();
        }, () -> {
            StatusResponse state = journal.status();
            return state.getBaseRebased() ? state.getFirstIndex() - 1 : 0;
        }, registry);
        metrics.onRebase(fill::rebased);
        return fill;
    }

    @Bean(initMethod = "start", destroyMethod = "close")
    AntiEntropyRounds antiEntropyRounds(AntiEntropyService antiEntropy, ConsensusRuntime runtime,
            ReplicationProperties properties) {
        return new AntiEntropyRounds(antiEntropy, () -> {
            StatusSnapshot status = runtime.status();
            return status != null && status.writable();
        }, () -> {
            StatusSnapshot status = runtime.status();
            return status == null ? List.of() : status.configuration().members();
        }, properties.antiEntropyInterval());
    }

    /**
     * A sync's records to the primary: into this node's journal when it is the writable primary,
     * else to the primary's {@code Handoff}, synchronously (the sync's flow control).
     */
    static RecordHandoff recordHandoff(ConsensusRuntime runtime, JournalPort journal, PeerChannels channels,
            ReplicationProperties properties) {
        return records -> {
            StatusSnapshot status = runtime.status();
            if (status != null && status.writable()) {
                journal.appendRecordsAsPrimary(records);
                return 0;
            }
            String primary = status == null ? null : status.primaryId();
            ManagedChannel channel = primary == null || primary.equals(properties.nodeId()) ? null : channels.channelTo(primary);
            if (channel == null) {
                throw Status.UNAVAILABLE.withDescription("no writable primary is known to take the records")
                        .asRuntimeException();
            }
            HandoffRequest.Builder request = HandoffRequest.newBuilder().setFrom(properties.nodeId());
            for (Entry record : records) {
                request.addRecords(JournalEntries.toWire(record));
            }
            HandoffRequest built = request.build();
            ConsensusPeerGrpc.newBlockingStub(channel).withDeadlineAfter(properties.rpcTimeout().toMillis(), TimeUnit.MILLISECONDS)
                    .handoff(built);
            return built.getSerializedSize();
        };
    }

    /** Asks the running cluster to add this node, when it was started to join one. */
    @Bean(initMethod = "start", destroyMethod = "close")
    @ConditionalOnProperty(name = "stemedb.replication.join", havingValue = "true")
    JoinRequester joinRequester(ReplicationProperties properties, PeerChannels channels, ConsensusRuntime runtime) {
        return new JoinRequester(properties.nodeId(), channels.rpcAddressOfSelf(), List.copyOf(properties.members().keySet()),
                channels::channelTo, runtime::status, properties.rpcTimeout());
    }

    @Bean
    ControlService controlService(ConsensusRuntime runtime, CommitWatchers watchers, ReplicationProperties properties,
            PeerChannels channels, StreamBreakers breakers, ApiAddresses apiAddresses) {
        return new ControlService(runtime, watchers, apiAddresses.asMap()::get, channels::channelTo, properties.rpcTimeout(),
                breakers, new ControlService.Joining(properties.nodeId(), channels.rpcAddressOfSelf(), channels::learn,
                        channels::channelToAddress));
    }

    /** The first configuration: every member a voter (or this node alone). */
    static ClusterConfiguration bootstrap(ReplicationProperties properties) {
        Map<String, Integer> voters = new TreeMap<>();
        if (properties.members().isEmpty()) {
            voters.put(properties.nodeId(), properties.electionPriority());
        } else {
            properties.members().forEach((id, member) -> voters.put(id, member.priority()));
        }
        if (properties.join()) {
            // Joining: a learner until the running cluster's primary makes it a voter.
            int priority = voters.remove(properties.nodeId());
            return new ClusterConfiguration(voters, Map.of(properties.nodeId(), priority));
        }
        return ClusterConfiguration.ofVoters(voters);
    }

    private static HandoffSender handoffSender(PeerChannels channels, ReplicationProperties properties) {
        return (primaryId, records, done) -> {
            ManagedChannel channel = channels.channelTo(primaryId);
            if (channel == null) {
                done.accept(false);
                return;
            }
            HandoffRequest.Builder request = HandoffRequest.newBuilder().setFrom(properties.nodeId());
            for (Entry record : records) {
                request.addRecords(JournalEntries.toWire(record));
            }
            ConsensusPeerGrpc.newStub(channel).withDeadlineAfter(properties.rpcTimeout().toMillis(), TimeUnit.MILLISECONDS)
                    .handoff(request.build(), new Answer(done));
        };
    }

    /** The answer to one handoff. */
    private record Answer(Consumer<Boolean> done) implements io.grpc.stub.StreamObserver<HandoffResponse> {
        @Override
        public void onNext(HandoffResponse response) {
            done.accept(true);
        }

        @Override
        public void onError(Throwable error) {
            done.accept(false);
        }

        @Override
        public void onCompleted() {}
    }

}
