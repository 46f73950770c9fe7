package io.stemedb.node.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

class FaultToolsTest {

    @Test
    void aMissingToolSkipsOnADevelopersMachineAndFailsOnCi() {
        assertThatThrownBy(() -> FaultTools.unavailable("a tool", false)).isInstanceOf(TestAbortedException.class)
                .hasMessageContaining("a tool");
        assertThatThrownBy(() -> FaultTools.unavailable("a tool", true)).isInstanceOf(AssertionFailedError.class)
                .hasMessageContaining("a tool");
    }

    @Test
    void aProbeThatCannotRunCountsAsMissing() {
        assertThat(FaultTools.run("/nonexistent/stemedb-probe")).isEqualTo(-1);
        assertThat(FaultTools.run("true")).isZero();
        assertThat(FaultTools.run("false")).isNotZero();
    }
}
