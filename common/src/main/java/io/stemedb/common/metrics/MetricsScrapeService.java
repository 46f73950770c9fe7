package io.stemedb.common.metrics;

import io.grpc.stub.StreamObserver;
import io.stemedb.proto.metrics.ScrapeRequest;
import io.stemedb.proto.metrics.ScrapeResponse;
import io.stemedb.proto.metrics.ServiceMetricsGrpc.ServiceMetricsImplBase;
import java.util.function.Supplier;

/**
 * A service's side of {@code ServiceMetrics}: answers a scrape with its own registry's text. Takes
 * the text as a supplier so that this module needs no metrics library; each service passes its
 * Prometheus registry's {@code scrape}.
 */
public final class MetricsScrapeService extends ServiceMetricsImplBase {

    private final String service;
    private final Supplier<String> scrape;

    public MetricsScrapeService(String service, Supplier<String> scrape) {
        this.service = service;
        this.scrape = scrape;
    }

    @Override
    public void scrape(ScrapeRequest request, StreamObserver<ScrapeResponse> answer) {
        answer.onNext(ScrapeResponse.newBuilder().setService(service).setText(scrape.get()).build());
        answer.onCompleted();
    }
}
