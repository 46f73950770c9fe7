package io.stemedb.common.validation;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.StringLength;

class NameSyntaxTest {

    private static final String ALLOWED = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._~:@+-";
    private final ValidationLimits limits = ValidationLimits.defaults();

    @Property
    void namesFromTheAllowedAlphabetAreAccepted(@ForAll("names") String name) {
        assertThat(NameSyntax.nameProblem(name, limits)).isEmpty();
    }

    @Property
    void anyCharacterOutsideTheAlphabetIsRejected(@ForAll("names") String name,
            @ForAll @CharRange(from = 0, to = 0x2FF) char other) {
        if (ALLOWED.indexOf(other) >= 0) {
            return;
        }
        String withOther = name.substring(0, name.length() / 2) + other + name.substring(name.length() / 2);
        assertThat(NameSyntax.nameProblem(withOther, limits)).isPresent();
        if (other != '/') {
            // Inside a path a slash is the separator, so only the other characters must fail there.
            assertThat(NameSyntax.conceptPathProblem("root/" + withOther, limits)).isPresent();
        }
    }

    @Property
    void pathsOfValidSegmentsAreAccepted(@ForAll("names") String a, @ForAll("names") String b,
            @ForAll @StringLength(min = 1, max = 3) String ignored) {
        assertThat(NameSyntax.conceptPathProblem(a + "/" + b, limits)).isEmpty();
    }

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.strings().withChars(ALLOWED).ofMinLength(1).ofMaxLength(40)
                .filter(name -> !name.equals(".") && !name.equals(".."));
    }
}
