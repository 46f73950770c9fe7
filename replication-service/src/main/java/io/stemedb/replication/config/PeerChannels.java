package io.stemedb.replication.config;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.stemedb.proto.membership.Member;
import io.stemedb.proto.membership.MemberList;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.grpc.client.ChannelBuilderOptions;
import org.springframework.grpc.client.GrpcChannelBuilderCustomizer;
import org.springframework.grpc.client.GrpcChannelFactory;

/**
 * One gRPC channel per member, to its replication-service, created on first use from the address
 * the configuration gives ({@code stemedb.replication.members.<id>.rpc}) or, for a member that
 * joined later, the one it announced (its join request, its gossip metadata); TLS as the
 * {@code default} channel's settings say. A member with no known address has no channel (its
 * messages are dropped, and the consensus treats that as loss). With
 * {@code stemedb.replication.source-address} set, each connection leaves from that address.
 */
public final class PeerChannels implements AutoCloseable {

    private final GrpcChannelFactory factory;
    private final ReplicationProperties properties;
    private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
    /** Addresses of members the configuration does not list, learnt at run time. */
    private final Map<String, String> learned = new ConcurrentHashMap<>();

    public PeerChannels(GrpcChannelFactory factory, ReplicationProperties properties) {
        this.factory = factory;
        this.properties = properties;
    }

    public ManagedChannel channelTo(String member) {
        String address = rpcAddressOf(member);
        if (address == null || member.equals(properties.nodeId())) {
            return null;
        }
        return channels.computeIfAbsent(member, id -> factory.createChannel("static://" + address, options()));
    }

    /** This node's own replication-service address as the configuration gives it; null if it gives none. */
    public String rpcAddressOfSelf() {
        ReplicationProperties.Member self = properties.members().get(properties.nodeId());
        return self == null ? null : self.rpc();
    }

    /**
     * A channel to whatever replication-service listens at {@code address} (host:port), for a call
     * made before its id is known (a join asked of a member by address). The caller shuts it down.
     */
    public ManagedChannel channelToAddress(String address) {
        return factory.createChannel("static://" + address, options());
    }

    /** Where {@code member}'s replication-service listens: the configuration's address, else one learnt; null if none. */
    public String rpcAddressOf(String member) {
        ReplicationProperties.Member known = properties.members().get(member);
        return known != null && known.rpc() != null ? known.rpc() : learned.get(member);
    }

    /**
     * An address for a member the configuration does not list (a node that joined later), as its
     * join request or its gossip gives it. A changed address replaces the channel.
     */
    public void learn(String member, String rpcAddress) {
        ReplicationProperties.Member known = properties.members().get(member);
        if (rpcAddress == null || rpcAddress.isBlank() || member.equals(properties.nodeId())
                || (known != null && known.rpc() != null)) {
            return;
        }
        String before = learned.put(member, rpcAddress);
        if (before != null && !before.equals(rpcAddress)) {
            ManagedChannel stale = channels.remove(member);
            if (stale != null) {
                stale.shutdown();
            }
        }
    }

    /** The rpc address each member announces over gossip ({@code rpc} in its metadata). */
    public void learnFrom(MemberList members) {
        for (Member member : members.getMembersList()) {
            learn(member.getId(), member.getMetadataMap().get("rpc"));
        }
    }

    private ChannelBuilderOptions options() {
        String source = properties.sourceAddress();
        if (source == null || source.isBlank()) {
            return ChannelBuilderOptions.defaults();
        }
        GrpcChannelBuilderCustomizer<NettyChannelBuilder> fromSource = (target, builder) ->
                builder.localSocketPicker(new FixedSource(new InetSocketAddress(source, 0)));
        return ChannelBuilderOptions.defaults().withCustomizer(fromSource);
    }

    /** Binds every connection of a channel to one local address, any port. */
    private static final class FixedSource extends NettyChannelBuilder.LocalSocketPicker {
        private final SocketAddress address;

        FixedSource(SocketAddress address) {
            this.address = address;
        }

        @Override
        public SocketAddress createSocketAddress(SocketAddress remoteAddress, io.grpc.Attributes attributes) {
            return address;
        }
    }

    @Override
    public void close() {
        channels.values().forEach(ManagedChannel::shutdownNow);
    }
}
