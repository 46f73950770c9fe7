package io.stemedb.common.canonical;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class CanonicalDecimalTest {

    @Property
    void formattingLosesNothing(@ForAll BigInteger unscaled, @ForAll @IntRange(min = -400, max = 400) int scale) {
        BigDecimal number = new BigDecimal(unscaled, scale);
        assertThat(new BigDecimal(CanonicalDecimal.format(number))).isEqualByComparingTo(number);
    }

    @Property
    void numericallyEqualDecimalsShareOneForm(@ForAll BigInteger unscaled, @ForAll @IntRange(min = -50, max = 50) int scale,
            @ForAll @IntRange(min = 0, max = 20) int extraZeros) {
        BigDecimal number = new BigDecimal(unscaled, scale);
        BigDecimal padded = number.setScale(scale + extraZeros);
        assertThat(CanonicalDecimal.format(padded)).isEqualTo(CanonicalDecimal.format(number));
    }

    @Property
    void theFormIsAFixedPoint(@ForAll BigInteger unscaled, @ForAll @IntRange(min = -400, max = 400) int scale) {
        String once = CanonicalDecimal.format(new BigDecimal(unscaled, scale));
        assertThat(CanonicalDecimal.format(new BigDecimal(once))).isEqualTo(once);
    }
}
