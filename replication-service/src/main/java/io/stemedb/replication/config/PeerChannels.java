package io.stemedb.replication.config;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.grpc.client.ChannelBuilderOptions;
import org.springframework.grpc.client.GrpcChannelBuilderCustomizer;
import org.springframework.grpc.client.GrpcChannelFactory;

/**
 * One gRPC channel per member, to its replication-service, created on first use from the address
 * the configuration gives ({@code stemedb.replication.members.<id>.rpc}); TLS as the
 * {@code default} channel's settings say. A member with no known address has no channel (its
 * messages are dropped, and the consensus treats that as loss). With
 * {@code stemedb.replication.source-address} set, each connection leaves from that address.
 */
public final class PeerChannels implements AutoCloseable {

    private final GrpcChannelFactory factory;
    private final ReplicationProperties properties;
    private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();

    public PeerChannels(GrpcChannelFactory factory, ReplicationProperties properties) {
        this.factory = factory;
        this.properties = properties;
    }

    public ManagedChannel channelTo(String member) {
        ReplicationProperties.Member known = properties.members().get(member);
        if (known == null || known.rpc() == null || member.equals(properties.nodeId())) {
            return null;
        }
        return channels.computeIfAbsent(member, id -> factory.createChannel("static://" + known.rpc(), options()));
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
