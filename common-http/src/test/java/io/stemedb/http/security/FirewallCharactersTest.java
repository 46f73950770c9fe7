package io.stemedb.http.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The loop answers as Spring Security's firewall expressions do, for every code point and for mixed strings. */
class FirewallCharactersTest {

    private static final Pattern NAMES = Pattern.compile("[\\p{IsAssigned}&&[^\\p{IsControl}]]*");
    private static final Pattern VALUES = Pattern.compile("[\\p{IsAssigned}&&[[^\\p{IsControl}]||\\t]]*");

    @Test
    void everyCodePointAloneIsJudgedAsTheFirewallJudgesIt() {
        for (int codePoint = 0; codePoint <= Character.MAX_CODE_POINT; codePoint++) {
            String one = new String(Character.toChars(codePoint));
            assertThat(FirewallCharacters.isAssignedAndNotControl(one)).as("U+%04X as a name", codePoint)
                    .isEqualTo(NAMES.matcher(one).matches());
            assertThat(FirewallCharacters.isHeaderValue(one)).as("U+%04X as a value", codePoint)
                    .isEqualTo(VALUES.matcher(one).matches());
        }
    }

    @Test
    void mixedStringsAndLoneSurrogatesAreJudgedAsTheFirewallJudgesThem() {
        SplittableRandom random = new SplittableRandom(20261201);
        char[] interesting = {'a', 'Z', ' ', '\t', '\n', '\u007f', '\u0085', '\u00e9', '\u0378', '\ud83d', '\ude00', '\uffff', '~'};
        for (int run = 0; run < 200_000; run++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(6);
            for (int i = 0; i < length; i++) {
                text.append(random.nextInt(4) == 0 ? (char) random.nextInt(0x10000) : interesting[random.nextInt(interesting.length)]);
            }
            String candidate = text.toString();
            assertThat(FirewallCharacters.isAssignedAndNotControl(candidate)).as("name %s", candidate.chars().boxed().toList())
                    .isEqualTo(NAMES.matcher(candidate).matches());
            assertThat(FirewallCharacters.isHeaderValue(candidate)).as("value %s", candidate.chars().boxed().toList())
                    .isEqualTo(VALUES.matcher(candidate).matches());
        }
    }
}
