package io.stemedb.gateway.breaker;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.stemedb.gateway.config.GatewayProperties;
import io.stemedb.http.problem.Problem;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The circuit-breaker admin endpoints on the gateway's port: the gateway's own breakers (per
 * downstream, per agent) are in this service, the others (the replication streams') behind the
 * api-service, so the gateway answers with both. {@code GET /v1/admin/circuit-breakers/tripped}
 * is the api's list with the gateway's open breakers added; {@code POST /v1/admin/circuit-breaker/reset}
 * closes a gateway breaker named by {@code agent_id} or {@code name}, and passes anything else on
 * to the api-service, which also judges bad input. Admin only (this service's security chain, then
 * the api's for what is passed on). On the api port the same endpoints list and reset the api
 * side's breakers only.
 */
@RestController
public class GatewayBreakersController {

    private static final String TRIPPED = "/v1/admin/circuit-breakers/tripped";
    private static final String RESET = "/v1/admin/circuit-breaker/reset";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final CircuitBreakerRegistry breakers;
    private final RestClient api;

    /** Whether a request to {@code path} is this controller's and not to be proxied. */
    public static boolean answers(String path) {
        return path.equals(TRIPPED) || path.equals(RESET);
    }

    public GatewayBreakersController(CircuitBreakerRegistry breakers, RestClient.Builder clients, GatewayProperties properties) {
        this.breakers = breakers;
        this.api = clients.baseUrl(properties.apiUri().toString()).build();
    }

    @GetMapping(path = TRIPPED, produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<String> tripped(HttpServletRequest request) {
        ResponseEntity<String> answer = passOn(api.get().uri(TRIPPED), request);
        if (!answer.getStatusCode().is2xxSuccessful() || answer.getBody() == null) {
            return answer;
        }
        JsonNode theirs = JSON.readTree(answer.getBody());
        List<JsonNode> all = new ArrayList<>();
        theirs.path("tripped").forEach(all::add);
        for (CircuitBreaker breaker : breakers.getAllCircuitBreakers()) {
            if (breaker.getState() != CircuitBreaker.State.CLOSED) {
                all.add(describe(breaker));
            }
        }
        all.sort(Comparator.comparing(breaker -> breaker.path("name").asString("")));
        ObjectNode merged = JSON.createObjectNode();
        ArrayNode list = merged.putArray("tripped");
        all.forEach(list::add);
        return json(HttpStatus.OK, merged.toString());
    }

    @PostMapping(path = RESET, produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<String> reset(@RequestBody(required = false) byte[] body, HttpServletRequest request) {
        Optional<CircuitBreaker> local = named(body);
        if (local.isPresent()) {
            local.get().reset();
            return json(HttpStatus.OK, describe(local.get()).toString());
        }
        RestClient.RequestBodySpec call = api.post().uri(RESET).contentType(MediaType.APPLICATION_JSON);
        if (body != null) {
            call.body(body);
        }
        return passOn(call, request);
    }

    /** The gateway breaker a well-formed reset names, if it is one of this service's. */
    private Optional<CircuitBreaker> named(byte[] body) {
        if (body == null || body.length == 0) {
            return Optional.empty();
        }
        JsonNode request;
        try {
            request = JSON.readTree(body);
        } catch (RuntimeException e) {
            return Optional.empty(); // the api-service describes what is wrong with it
        }
        if (!request.isObject() || request.size() != 1) {
            return Optional.empty();
        }
        JsonNode agent = request.get("agent_id");
        JsonNode name = request.get("name");
        if (agent != null && agent.isString()) {
            return breakers.find(AgentBreakers.PREFIX + agent.stringValue());
        }
        if (name != null && name.isString()) {
            return breakers.find(name.stringValue());
        }
        return Optional.empty();
    }

    private static ResponseEntity<String> passOn(RestClient.RequestHeadersSpec<?> call, HttpServletRequest request) {
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization != null) {
            call.header(HttpHeaders.AUTHORIZATION, authorization);
        }
        try {
            return call.exchange((sent, response) -> json(HttpStatus.valueOf(response.getStatusCode().value()),
                    new String(response.getBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)));
        } catch (RestClientException e) {
            Problem problem = Problem.of(503, "Service unavailable", "the api-service behind this gateway did not answer")
                    .reason("downstream_unreachable").retryAfter(5);
            return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, "5")
                    .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .body(new String(problem.toJson(), java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    private static ResponseEntity<String> json(HttpStatus status, String body) {
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(body);
    }

    private static ObjectNode describe(CircuitBreaker breaker) {
        CircuitBreaker.Metrics metrics = breaker.getMetrics();
        ObjectNode node = JSON.createObjectNode();
        node.put("name", breaker.getName());
        node.put("state", breaker.getState().name());
        node.put("failure_rate", metrics.getFailureRate());
        node.put("failed_calls", metrics.getNumberOfFailedCalls());
        node.put("not_permitted_calls", metrics.getNumberOfNotPermittedCalls());
        return node;
    }
}
