package io.stemedb.api.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PrometheusTextMergeTest {

    private static final String API = """
            # HELP jvm_threads_live_threads live threads
            # TYPE jvm_threads_live_threads gauge
            jvm_threads_live_threads 40.0
            # HELP stemedb_security_refusals_total refusals
            # TYPE stemedb_security_refusals_total counter
            stemedb_security_refusals_total{reason="missing_credential",service="api-service"} 2.0
            """;

    private static final String WAL = """
            # HELP jvm_threads_live_threads live threads
            # TYPE jvm_threads_live_threads gauge
            jvm_threads_live_threads 41.0
            # HELP stemedb_security_refusals_total refusals
            # TYPE stemedb_security_refusals_total counter
            stemedb_security_refusals_total{reason="missing_credential",service="wal-service"} 0.0
            # HELP stemedb_wal_fsync_duration_seconds fsync
            # TYPE stemedb_wal_fsync_duration_seconds summary
            stemedb_wal_fsync_duration_seconds{quantile="0.99"} 0.003
            stemedb_wal_fsync_duration_seconds_count 12
            stemedb_wal_fsync_duration_seconds_sum 0.02
            """;

    @Test
    void eachFamilyOnceWithTheSeriesOfEveryPageAndTheFirstPagesCopyOfASharedSeries() {
        String merged = new PrometheusTextMerge().add(API).add(WAL).text();
        assertThat(merged.lines().filter(line -> line.equals("# TYPE jvm_threads_live_threads gauge"))).hasSize(1);
        assertThat(merged).contains("jvm_threads_live_threads 40.0").doesNotContain("jvm_threads_live_threads 41.0");
        // The two services' refusals are one family, one group: the api's line right before the wal's.
        assertThat(merged).contains("""
                stemedb_security_refusals_total{reason="missing_credential",service="api-service"} 2.0
                stemedb_security_refusals_total{reason="missing_credential",service="wal-service"} 0.0
                """);
        assertThat(merged).contains("""
                # TYPE stemedb_wal_fsync_duration_seconds summary
                stemedb_wal_fsync_duration_seconds{quantile="0.99"} 0.003
                stemedb_wal_fsync_duration_seconds_count 12
                stemedb_wal_fsync_duration_seconds_sum 0.02
                """);
    }

    @Test
    void aFamilyALaterPageDeclaresWithAnotherTypeIsLeftOutOfThatPage() {
        PrometheusTextMerge merge = new PrometheusTextMerge().add(API).add("""
                # TYPE jvm_threads_live_threads counter
                jvm_threads_live_threads{x="y"} 3
                """);
        assertThat(merge.conflicts()).isEqualTo(1);
        assertThat(merge.text()).doesNotContain("x=\"y\"");
    }

    @Test
    void aLabelValueWithSpacesAndBracesKeepsItsSeriesApart() {
        String merged = new PrometheusTextMerge().add("""
                # TYPE http_requests_total counter
                http_requests_total{uri="/a b}"} 1.0
                """).add("""
                # TYPE http_requests_total counter
                http_requests_total{uri="/a b}"} 9.0
                http_requests_total{uri="/c"} 2.0
                """).text();
        assertThat(merged).isEqualTo("""
                # TYPE http_requests_total counter
                http_requests_total{uri="/a b}"} 1.0
                http_requests_total{uri="/c"} 2.0
                """);
    }
}
