package io.stemedb.common.canonical;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemedb.common.model.AssertionContent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Ids are part of the data: replicas, exports and clients compare them. The golden ids
 * (src/test/resources/golden/content-hash.json) were computed by a separate implementation of the
 * encoding documented in {@link ContentHash} and docs/data-model.md, not by this code.
 */
class ContentHashGoldenTest {

    @Test
    void idsMatchTheGoldenVectors() throws IOException {
        JsonNode vectors = CanonicalJsonGoldenTest.load("/golden/content-hash.json");
        assertThat(vectors.isArray()).as("the golden file holds an array of vectors").isTrue();
        assertThat(vectors.size()).as("golden vectors read (the file held 5 when written; it may only grow)").isGreaterThanOrEqualTo(5);
        for (JsonNode vector : vectors) {
            AssertionContent content = new AssertionContent(
                    vector.get("concept_path").stringValue(),
                    vector.get("predicate").stringValue(),
                    vector.get("value").stringValue(),
                    vector.get("agent_id").stringValue(),
                    vector.get("confidence").stringValue());
            assertThat(ContentHash.of(content)).as(content.toString()).isEqualTo(vector.get("id").stringValue());
        }
    }

    @Test
    void fieldLengthsAreUtf8ByteCounts() {
        AssertionContent content = new AssertionContent("z\u00fcrich", "p", "1", "a", "1");
        byte[] encoded = ContentHash.encode(content);
        int afterDomain = "stemedb-assertion-v1\0".length();
        assertThat(ByteBuffer.wrap(encoded, afterDomain, 4).getInt()).isEqualTo(7);
        assertThat(new String(encoded, afterDomain + 4, 7, StandardCharsets.UTF_8)).isEqualTo("z\u00fcrich");
    }

    @Test
    void fieldBoundariesCannotBeShifted() {
        // Without length prefixes these two would encode to the same bytes.
        AssertionContent one = new AssertionContent("ab", "c", "1", "a", "1");
        AssertionContent other = new AssertionContent("a", "bc", "1", "a", "1");
        assertThat(ContentHash.of(one)).isNotEqualTo(ContentHash.of(other));
    }
}
