package io.stemedb.api.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stemedb.api.query.lens.Lens;
import io.stemedb.common.validation.FieldError;
import io.stemedb.common.validation.InvalidRequestException;
import io.stemedb.common.validation.ValidationLimits;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class QueryRequestReaderTest {

    private final QueryRequestReader reader = new QueryRequestReader(ValidationLimits.defaults());

    @Test
    void readsExactAndSubtreeQueries() {
        assertThat(read("{\"concept_path\":\"a/b\",\"predicate\":\"p\",\"lens\":\"history\"}"))
                .isEqualTo(new QueryRequest("a/b", false, "p", Lens.HISTORY));
        assertThat(read("{\"concept_path\":\"a/b/**\"}")).isEqualTo(new QueryRequest("a/b", true, null, Lens.RECENCY));
    }

    @Test
    void badFieldsAreNamed() {
        assertThatThrownBy(() -> read("{\"concept_path\":\"a/**/b\",\"lens\":\"newest\",\"limit\":3,\"predicate\":5}"))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.errors())
                        .extracting(FieldError::field)
                        .containsExactlyInAnyOrder("concept_path", "lens", "limit", "predicate"));
        assertThatThrownBy(() -> read("{\"lens\":\"consensus\"}"))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.errors())
                        .extracting(FieldError::field).containsExactlyInAnyOrder("concept_path", "lens"));
        assertThatThrownBy(() -> read("{\"concept_path\":\"/**\"}")).isInstanceOf(InvalidRequestException.class);
    }

    private QueryRequest read(String body) {
        return reader.read(body.getBytes(StandardCharsets.UTF_8));
    }
}
