package io.stemedb.api.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stemedb.api.query.lens.Lens;
import io.stemedb.common.clock.HlcTimestamp;
import io.stemedb.common.validation.FieldError;
import io.stemedb.common.validation.InvalidRequestException;
import io.stemedb.common.validation.ValidationLimits;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class QueryRequestReaderTest {

    private final QueryRequestReader reader = new QueryRequestReader(ValidationLimits.defaults(), 10_000);

    @Test
    void readsExactAndSubtreeQueries() {
        assertThat(read("{\"concept_path\":\"a/b\",\"predicate\":\"p\",\"lens\":\"history\"}"))
                .isEqualTo(new QueryRequest("a/b", false, "p", Lens.HISTORY, null, 1000, null));
        assertThat(read("{\"concept_path\":\"a/b/**\"}"))
                .isEqualTo(new QueryRequest("a/b", true, null, Lens.RECENCY, null, 1000, null));
        assertThat(read("{\"concept_path\":\"a\",\"lens\":\"consensus\",\"as_of_epoch\":3,\"limit\":10}"))
                .isEqualTo(new QueryRequest("a", false, null, Lens.CONSENSUS, new AsOf(AsOf.Kind.EPOCH, 3), 10, null));
        assertThat(read("{\"concept_path\":\"a\",\"as_of_timestamp\":\"2026-11-26T10:00:00.000000005Z\"}").asOf())
                .isEqualTo(new AsOf(AsOf.Kind.TIMESTAMP, HlcTimestamp.pack(1_795_687_200_000L, 5)));
    }

    @Test
    void badFieldsAreNamed() {
        assertThatThrownBy(() -> read("{\"concept_path\":\"a/**/b\",\"lens\":\"newest\",\"limit\":0,\"predicate\":5}"))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.errors())
                        .extracting(FieldError::field)
                        .containsExactlyInAnyOrder("concept_path", "lens", "limit", "predicate"));
        assertThatThrownBy(() -> read("{\"concept_path\":\"a\",\"as_of_index\":1,\"as_of_epoch\":1,\"limit\":10001}"))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.errors())
                        .extracting(FieldError::field).containsExactlyInAnyOrder("as_of", "limit"));
        assertThatThrownBy(() -> read("{\"concept_path\":\"a\",\"as_of_timestamp\":\"yesterday\",\"cursor\":\"??\"}"))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.errors())
                        .extracting(FieldError::field).containsExactlyInAnyOrder("as_of_timestamp", "cursor"));
        assertThatThrownBy(() -> read("{\"concept_path\":\"/**\"}")).isInstanceOf(InvalidRequestException.class);
    }

    private QueryRequest read(String body) {
        return reader.read(body.getBytes(StandardCharsets.UTF_8));
    }
}
