package io.stemedb.replication.consensus;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** The quorum arithmetic, from the cases in {@code src/test/resources/consensus/quorum.txt}. */
class QuorumTest {

    @TestFactory
    Stream<DynamicTest> everyCaseInTheDataFileHolds() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (String line : lines()) {
            String[] sides = line.split("->");
            String[] words = sides[0].trim().split("\\s+");
            String expected = sides[1].trim();
            tests.add(DynamicTest.dynamicTest(line, () -> {
                switch (words[0]) {
                    case "election" -> assertThat(Quorum.electionQuorum(Integer.parseInt(words[1]), Integer.parseInt(words[2])))
                            .isEqualTo(Integer.parseInt(expected));
                    case "commit" -> {
                        Map<String, Long> match = new LinkedHashMap<>();
                        for (String pair : words[2].split(",")) {
                            match.put(pair.split(":")[0], Long.parseLong(pair.split(":")[1]));
                        }
                        assertThat(Quorum.quorumIndex(match, match.keySet(), Integer.parseInt(words[1])))
                                .isEqualTo(Long.parseLong(expected));
                    }
                    case "tally" -> {
                        int voters = Integer.parseInt(words[1]);
                        List<String> ids = new ArrayList<>();
                        for (int i = 0; i < voters; i++) {
                            ids.add(String.valueOf((char) ('a' + i)));
                        }
                        Set<String> granted = set(words, 3);
                        Set<String> refused = set(words, 4);
                        assertThat(Quorum.tally(granted, refused, ids, Integer.parseInt(words[2])).name()).isEqualTo(expected);
                    }
                    default -> throw new IllegalArgumentException("unknown case " + line);
                }
            }));
        }
        assertThat(tests).as("cases read").hasSizeGreaterThanOrEqualTo(20);
        return tests.stream();
    }

    private static Set<String> set(String[] words, int at) {
        return at < words.length ? new HashSet<>(Arrays.asList(words[at].split(","))) : Set.of();
    }

    private static List<String> lines() throws IOException {
        try (InputStream in = QuorumTest.class.getResourceAsStream("/consensus/quorum.txt")) {
            assertThat(in).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(line -> !line.isBlank() && !line.startsWith("#")).toList();
        }
    }
}
