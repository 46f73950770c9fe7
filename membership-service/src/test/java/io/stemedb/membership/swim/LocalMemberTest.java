package io.stemedb.membership.swim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Refutation (SWIM section 4.2): only a member raises its own incarnation. */
class LocalMemberTest {

    private final LocalMember self = new LocalMember("a", "addr-a");

    @Test
    void anAccusationAtOrAboveTheIncarnationIsRefutedWithOneMore() {
        assertThat(self.refute(new Update("a", "addr-a", 0, MemberStatus.SUSPECT, "b", Map.of()))).isTrue();
        assertThat(self.incarnation()).isEqualTo(1);
        assertThat(self.refute(new Update("a", "addr-a", 4, MemberStatus.DEAD, "b", Map.of()))).isTrue();
        assertThat(self.incarnation()).as("above the accusation, not just one more than before").isEqualTo(5);
        assertThat(self.alive()).isEqualTo(new Update("a", "addr-a", 5, MemberStatus.ALIVE, "a", Map.of()));
    }

    @Test
    void anOlderAccusationOrAnAliveFactNeedsNoRefutation() {
        self.announce(Map.of());
        self.announce(Map.of());
        assertThat(self.refute(new Update("a", "addr-a", 1, MemberStatus.SUSPECT, "b", Map.of()))).isFalse();
        assertThat(self.refute(new Update("a", "addr-a", 7, MemberStatus.ALIVE, "b", Map.of()))).isFalse();
        assertThat(self.incarnation()).isEqualTo(2);
    }

    @Test
    void newMetadataIsAnnouncedWithANewIncarnation() {
        Update announced = self.announce(Map.of("role", "replica"));
        assertThat(announced.incarnation()).isEqualTo(1);
        assertThat(announced.metadata()).containsEntry("role", "replica");
    }
}
