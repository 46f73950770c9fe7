package io.stemedb.node.embedded;

import io.stemedb.node.testing.TestKeys;
import static org.assertj.core.api.Assertions.assertThat;

import io.stemedb.node.testing.FreePorts;
import io.stemedb.node.testing.TestHttp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The change feed over a real socket: events for the watched subtree only, and resuming with Last-Event-ID. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class WatchTest {

    @TempDir
    Path data;

    private final TestHttp http = new TestHttp();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** One SSE event: its id and name. */
    record Event(String id, String name, String data) {}

    @Test
    void aWatcherSeesItsSubtreeAndResumesAfterTheLastEventItSaw() throws Exception {
        try (EmbeddedNode node = TestKeys.start(new NodeSettings("watch", data, "127.0.0.1", FreePorts.forNode(), null))) {
            assertThat(node.awaitReady(Duration.ofSeconds(60))).isTrue();
            String api = node.apiUrl();
            http.postJson(api + "/v1/assert", "{\"concept_path\":\"watched/old\",\"predicate\":\"p\",\"value\":0}");

            HttpResponse<Stream<String>> feed = client.send(HttpRequest.newBuilder(
                    URI.create(api + "/v1/watch?concept_path=watched/**")).header("Authorization", "Bearer " + TestKeys.ADMIN).GET().build(), HttpResponse.BodyHandlers.ofLines());
            assertThat(feed.statusCode()).isEqualTo(200);
            assertThat(feed.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
            Iterator<String> lines = feed.body().iterator();

            String first = http.postJson(api + "/v1/assert", "{\"concept_path\":\"watched/a\",\"predicate\":\"p\",\"value\":1}")
                    .json().get("id").stringValue();
            http.postJson(api + "/v1/assert", "{\"concept_path\":\"elsewhere\",\"predicate\":\"p\",\"value\":2}");
            http.postJson(api + "/v1/vote", "{\"assertion_id\":\"" + first + "\",\"agent_id\":\"v\",\"weight\":1}");
            http.postJson(api + "/v1/assert", "{\"concept_path\":\"watched/b/c\",\"predicate\":\"p\",\"value\":3}");

            List<Event> events = read(lines, 3);
            feed.body().close();
            assertThat(events).extracting(Event::name).containsExactly("assertion", "vote", "assertion");
            assertThat(events.get(0).data()).contains("\"concept_path\":\"watched/a\"");
            assertThat(events.get(2).data()).contains("\"concept_path\":\"watched/b/c\"");

            // Reconnect as an EventSource does, after the first event: the rest come again, nothing before.
            HttpResponse<Stream<String>> resumed = client.send(HttpRequest.newBuilder(
                    URI.create(api + "/v1/watch?concept_path=watched/**")).header("Authorization", "Bearer " + TestKeys.ADMIN).header("Last-Event-ID", events.get(0).id()).GET().build(),
                    HttpResponse.BodyHandlers.ofLines());
            List<Event> again = read(resumed.body().iterator(), 2);
            resumed.body().close();
            assertThat(again).isEqualTo(events.subList(1, 3));

            assertThat(http.get(api + "/v1/watch?concept_path=a//b").status()).isEqualTo(400);

            // The same feed through the gateway: it streams, it does not buffer the response.
            HttpResponse<Stream<String>> proxied = client.send(HttpRequest.newBuilder(
                    URI.create(node.gatewayUrl() + "/v1/watch?concept_path=watched/**&from_index=" + events.get(0).id())).header("Authorization", "Bearer " + TestKeys.ADMIN).GET().build(),
                    HttpResponse.BodyHandlers.ofLines());
            Iterator<String> proxiedLines = proxied.body().iterator();
            List<Event> viaGateway = read(proxiedLines, 3);
            assertThat(viaGateway).isEqualTo(events);
            // Idle for longer than the gateway's read timeout (10 s): the feed's heartbeat comes
            // sooner, so the proxied stream is still there for the next event.
            Thread.sleep(12_000);
            http.postJson(api + "/v1/assert", "{\"concept_path\":\"watched/late\",\"predicate\":\"p\",\"value\":4}");
            List<Event> late = read(proxiedLines, 1);
            proxied.body().close();
            assertThat(late).as("an event after 12 idle seconds, through the gateway").hasSize(1);
            assertThat(late.get(0).data()).contains("\"concept_path\":\"watched/late\"");
        }
    }

    /** Reads {@code count} events, failing after 20 s instead of hanging. */
    private static List<Event> read(Iterator<String> lines, int count) throws Exception {
        return CompletableFuture.supplyAsync(() -> {
            List<Event> events = new ArrayList<>();
            String id = null;
            String name = null;
            String data = null;
            while (events.size() < count && lines.hasNext()) {
                String line = lines.next();
                if (line.startsWith("id:")) {
                    id = line.substring(3).trim();
                } else if (line.startsWith("event:")) {
                    name = line.substring(6).trim();
                } else if (line.startsWith("data:")) {
                    data = line.substring(5).trim();
                } else if (line.isEmpty() && id != null) {
                    events.add(new Event(id, name, data));
                    id = null;
                    name = null;
                    data = null;
                }
            }
            return events;
        }).get(20, TimeUnit.SECONDS);
    }
}
