package io.stemedb.common.canonical;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemedb.common.validation.JsonRequestReader;
import io.stemedb.common.validation.ValidationLimits;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Golden vectors (src/test/resources/golden/canonical-json.json), written by hand from the
 * canonical form's definition. A change that alters any of them changes content hashes of stored
 * data, so it must be a deliberate new encoding version, never an accident.
 */
class CanonicalJsonGoldenTest {

    /** How many vectors the file held when this test was written; it may only grow. */
    static final int VECTORS_WRITTEN = 12;

    private final JsonRequestReader reader = new JsonRequestReader(ValidationLimits.defaults());

    @TestFactory
    Stream<DynamicTest> everyVectorCanonicalisesToItsGoldenText() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        JsonNode vectors = load("/golden/canonical-json.json");
        // An empty or truncated file must fail, not pass with nothing checked.
        assertThat(vectors.isArray()).as("the golden file holds an array of vectors").isTrue();
        assertThat(vectors.size()).as("golden vectors read").isGreaterThanOrEqualTo(VECTORS_WRITTEN);
        for (JsonNode vector : vectors) {
            String input = vector.get("input").stringValue();
            String expected = vector.get("canonical").stringValue();
            tests.add(DynamicTest.dynamicTest(vector.get("note").stringValue(), () -> {
                String canonical = CanonicalJson.write(reader.read(input.getBytes(StandardCharsets.UTF_8)));
                assertThat(canonical).isEqualTo(expected);
                // Canonical text is a fixed point.
                assertThat(CanonicalJson.write(reader.read(canonical.getBytes(StandardCharsets.UTF_8))))
                        .isEqualTo(canonical);
            }));
        }
        return tests.stream();
    }

    static JsonNode load(String resource) throws IOException {
        try (InputStream in = CanonicalJsonGoldenTest.class.getResourceAsStream(resource)) {
            assertThat(in).as("golden resource " + resource).isNotNull();
            return JsonMapper.builder().build().readTree(in);
        }
    }
}
