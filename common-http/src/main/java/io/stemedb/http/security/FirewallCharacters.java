package io.stemedb.http.security;

/**
 * The characters Spring Security's {@code StrictHttpFirewall} allows in header names, header values
 * and parameter names, decided by a loop instead of its regular expressions
 * ({@code [\p{IsAssigned}&&[^\p{IsControl}]]*}, and for header values the same with tab). Same
 * answers (FirewallCharactersTest compares them over every code point): a request header is
 * refused if it holds an unassigned code point or a control character (tab allowed in values).
 * The regular expressions ran for every header of every request and cost a tenth of the api's
 * CPU per write (docs/benchmarks.md); printable ASCII, nearly every header, is one comparison here.
 */
public final class FirewallCharacters {

    private FirewallCharacters() {}

    /** Header and parameter names: every code point assigned and none a control character. */
    public static boolean isAssignedAndNotControl(String text) {
        return allowed(text, false);
    }

    /** Header values: the same, and tab allowed. */
    public static boolean isHeaderValue(String text) {
        return allowed(text, true);
    }

    private static boolean allowed(String text, boolean tabAllowed) {
        int length = text.length();
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c >= 0x20 && c < 0x7f) {
                continue;
            }
            int codePoint = text.codePointAt(i);
            if (Character.isSupplementaryCodePoint(codePoint)) {
                i++;
            }
            if (codePoint == '\t' && tabAllowed) {
                continue;
            }
            int type = Character.getType(codePoint);
            if (type == Character.UNASSIGNED || type == Character.CONTROL) {
                return false;
            }
        }
        return true;
    }
}
