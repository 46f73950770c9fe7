package io.stemedb.node.bench.stack;

import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * The api-service's write endpoint with nothing of StemeDB behind it: Tomcat, Spring MVC and
 * Jackson read the same request ({@code POST /v1/assert}) into a tree and write an answer of the
 * same shape and size (201, id, index, timestamp, term), and that is all — no key check, no
 * validation, no journal, no fsync. What it carries is the most any write endpoint on this stack
 * can carry on the machine.
 */
@Configuration(proxyBeanMethods = false)
@EnableAutoConfiguration
@Import(CeilingEndpoint.Writes.class)
public class CeilingEndpoint {

    @RestController
    static class Writes {

        /** An id is a content hash's 64 hex digits: this prefix and the index's 16, so the answer is the real one's size. */
        private static final String ID_PREFIX = HexFormat.of().formatHex(new byte[24]);

        private final AtomicLong index = new AtomicLong();

        @PostMapping(path = "/v1/assert", consumes = MediaType.APPLICATION_JSON_VALUE,
                produces = MediaType.APPLICATION_JSON_VALUE)
        ResponseEntity<Map<String, Object>> write(@RequestBody JsonNode body) {
            if (!body.isObject() || !body.has("concept_path")) {
                return ResponseEntity.badRequest().body(Map.of("error", "invalid_request", "field", "concept_path"));
            }
            long written = index.incrementAndGet();
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("id", ID_PREFIX + String.format("%016x", written));
            answer.put("index", written);
            answer.put("timestamp", Instant.now().toString());
            answer.put("term", 1);
            answer.put("duplicate", false);
            return ResponseEntity.status(HttpStatus.CREATED).body(answer);
        }

        /** Where the benchmark's start-up wait looks, as it does on a node. */
        @GetMapping(path = "/v1/health", produces = MediaType.APPLICATION_JSON_VALUE)
        Map<String, String> health() {
            return Map.of("status", "healthy");
        }
    }
}
