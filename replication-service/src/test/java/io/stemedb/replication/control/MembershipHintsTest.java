package io.stemedb.replication.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemedb.proto.membership.Member;
import io.stemedb.proto.membership.MemberList;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MembershipHintsTest {

    private static MemberList list(String... idStatus) {
        MemberList.Builder members = MemberList.newBuilder();
        for (int i = 0; i < idStatus.length; i += 2) {
            members.addMembers(Member.newBuilder().setId(idStatus[i]).setStatus(idStatus[i + 1]));
        }
        return members.build();
    }

    @Test
    void aMemberIsReportedOnceWhenItGoesDownAndAgainOnlyAfterComingBack() {
        List<String> down = new ArrayList<>();
        MembershipHints hints = new MembershipHints(down::add);
        hints.accept(list("n1", "UP", "n2", "UP"));
        hints.accept(list("n1", "UP", "n2", "SUSPECT"));
        assertThat(down).isEmpty();
        hints.accept(list("n1", "UP", "n2", "DOWN"));
        hints.accept(list("n1", "UP", "n2", "DOWN"));
        assertThat(down).containsExactly("n2");
        hints.accept(list("n1", "UP", "n2", "UP"));
        hints.accept(list("n1", "UP", "n2", "DOWN"));
        assertThat(down).containsExactly("n2", "n2");
    }

    @Test
    void aMemberAlreadyDownInTheFirstListIsReported() {
        List<String> down = new ArrayList<>();
        new MembershipHints(down::add).accept(list("n1", "UP", "n3", "DOWN"));
        assertThat(down).containsExactly("n3");
    }
}
