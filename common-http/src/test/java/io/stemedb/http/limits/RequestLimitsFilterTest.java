package io.stemedb.http.limits;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RequestLimitsFilterTest {

    @Test
    void queryStringsMustBePercentEncodedUtf8() {
        assertThat(RequestLimitsFilter.malformedQuery(null)).isNull();
        assertThat(RequestLimitsFilter.malformedQuery("concept_path=medicine/**&from_index=3")).isNull();
        assertThat(RequestLimitsFilter.malformedQuery("concept_path=%E2%82%AC%F0%9F%98%80")).isNull();
        assertThat(RequestLimitsFilter.malformedQuery("concept_path=%C0%AE%C0%AE")).as("overlong '.'").isNotNull();
        assertThat(RequestLimitsFilter.malformedQuery("concept_path=%ED%A0%80")).as("a surrogate").isNotNull();
        assertThat(RequestLimitsFilter.malformedQuery("concept_path=%ZZ")).isNotNull();
        assertThat(RequestLimitsFilter.malformedQuery("concept_path=%4")).isNotNull();
        assertThat(RequestLimitsFilter.malformedQuery("concept_path=%FF")).isNotNull();
    }
}
