package io.stemedb.replication.consensus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusterConfigurationTest {

    @Test
    void aConfigurationEntryDecodesToTheSameMembersAndPriorities() {
        ClusterConfiguration configuration = new ClusterConfiguration(Map.of("node1", 2, "node2", 1, "node-3.x", 0),
                Map.of("node4", 1));
        assertThat(ClusterConfiguration.decode(configuration.encode())).isEqualTo(configuration);
        assertThat(new String(configuration.encode())).isEqualTo("v:node-3.x=0,v:node1=2,v:node2=1,l:node4=1");
    }

    @Test
    void oneChangeIsOneMemberAddedRemovedOrPromoted() {
        ClusterConfiguration three = ClusterConfiguration.ofVoters(Map.of("a", 1, "b", 1, "c", 1));
        assertThat(three.withLearner("d", 1).changesFrom(three)).isEqualTo(1);
        assertThat(three.withLearner("d", 1).withVoter("d", 1).changesFrom(three.withLearner("d", 1))).isEqualTo(1);
        assertThat(three.without("c").changesFrom(three)).isEqualTo(1);
        assertThat(three.withVoter("d", 1).withVoter("e", 1).changesFrom(three)).isEqualTo(2);
    }

    @Test
    void idsThatWouldMakeTheEncodingAmbiguousAreRefused() {
        assertThatThrownBy(() -> ClusterConfiguration.ofVoters(Map.of("a,b", 1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClusterConfiguration.ofVoters(Map.of("a=b", 1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClusterConfiguration.ofVoters(Map.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
