package io.stemedb.http.problem;

import io.stemedb.common.validation.FieldError;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.servlet.function.ServerResponse;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every StemeDB error answer, on both public ports: an RFC 9457 problem document with
 * {@code type}, {@code title}, {@code status}, {@code detail}, optionally {@code instance}, and
 * StemeDB's {@code reason} (a stable, machine-readable word) plus any extra members
 * ({@code errors}, {@code scope}, {@code circuit_breaker}…), and an optional {@code Retry-After}.
 *
 * <p>This is the one place such a body is built, whichever layer answers: the api's exception
 * handler and the gateway's route filters ({@link #toResponseEntity()}, {@link #toServerResponse()}),
 * and the servlet filters and Tomcat valve below Spring MVC ({@link #writeTo}, {@link #toJson()}).
 * So the limits are applied once for all of them: no text is longer than {@link #MAX_TEXT}
 * characters and no error list longer than {@link #MAX_ERRORS}, whatever a message quotes; an
 * error answer never carries a request body back.
 */
public final class Problem {

    /** Longest {@code detail}, {@code instance} or other text member, in characters. */
    public static final int MAX_TEXT = 1024;
    /** Most {@code errors} entries listed; the rest are counted in {@code errors_omitted}. */
    public static final int MAX_ERRORS = 50;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final int status;
    private final String title;
    private final String detail;
    private String reason;
    private String instance;
    private Long retryAfterSeconds;
    private final Map<String, Object> members = new LinkedHashMap<>();
    private final Map<String, String> headers = new LinkedHashMap<>();

    private Problem(int status, String title, String detail) {
        this.status = status;
        this.title = title;
        this.detail = cap(detail);
    }

    /** A problem with the status's standard reason phrase as its title. */
    public static Problem of(int status, String detail) {
        HttpStatus known = HttpStatus.resolve(status);
        return new Problem(status, known != null ? known.getReasonPhrase() : "Error", detail);
    }

    public static Problem of(int status, String title, String detail) {
        return new Problem(status, title, detail);
    }

    /** StemeDB's machine-readable reason ({@code invalid_request}, {@code rate_limited}, …). */
    public Problem reason(String reason) {
        this.reason = reason;
        return this;
    }

    /** The request path the problem is about (capped: a hostile URI is not worth repeating whole). */
    public Problem instance(String uri) {
        this.instance = uri == null ? null : cap(uri);
        return this;
    }

    /** An extra header on the answer (the primary's address on a {@code not_primary}, for the gateway's resend). */
    public Problem header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    public Problem retryAfter(long seconds) {
        this.retryAfterSeconds = Math.max(1, seconds);
        return this;
    }

    /** An extra member; text is capped like every other. */
    public Problem with(String name, Object value) {
        members.put(name, value instanceof String text ? cap(text) : value);
        return this;
    }

    /** {@code errors: [{field, message}]}, at most {@link #MAX_ERRORS} of them. */
    public Problem errors(List<FieldError> errors) {
        List<Map<String, String>> listed = new ArrayList<>();
        for (FieldError error : errors.subList(0, Math.min(errors.size(), MAX_ERRORS))) {
            Map<String, String> entry = new LinkedHashMap<>();
            entry.put("field", cap(error.field()));
            entry.put("message", cap(error.message()));
            listed.add(entry);
        }
        members.put("errors", listed);
        if (errors.size() > MAX_ERRORS) {
            members.put("errors_omitted", errors.size() - MAX_ERRORS);
        }
        return this;
    }

    public int status() {
        return status;
    }

    public String detail() {
        return detail;
    }

    /** As Spring's problem type, for handlers that answer through message converters. */
    public ProblemDetail toProblemDetail() {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatusCode.valueOf(status), detail);
        problem.setTitle(title);
        if (instance != null) {
            problem.setInstance(URI.create(encodeForUri(instance)));
        }
        if (reason != null) {
            problem.setProperty("reason", reason);
        }
        members.forEach(problem::setProperty);
        return problem;
    }

    /** For Spring MVC exception handlers. */
    public ResponseEntity<ProblemDetail> toResponseEntity() {
        ResponseEntity.BodyBuilder answer = ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON);
        if (retryAfterSeconds != null) {
            answer.header(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds));
        }
        headers.forEach(answer::header);
        return answer.body(toProblemDetail());
    }

    /** For the gateway's functional routes and filters. */
    public ServerResponse toServerResponse() {
        ServerResponse.BodyBuilder answer = ServerResponse.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON);
        if (retryAfterSeconds != null) {
            answer.header(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds));
        }
        headers.forEach(answer::header);
        return answer.body(toProblemDetail());
    }

    /**
     * The body alone, for writers below Spring MVC: the members the framework writes for the same
     * problem ({@code type} left out when it is {@code about:blank}, as RFC 9457 allows and Spring does).
     */
    public byte[] toJson() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        if (instance != null) {
            body.put("instance", instance);
        }
        if (reason != null) {
            body.put("reason", reason);
        }
        body.putAll(members);
        return JSON.writeValueAsBytes(body);
    }

    /** Writes status, headers and body to a servlet response that nothing has been written to yet. */
    public void writeTo(HttpServletResponse response) throws IOException {
        response.setStatus(status);
        // No charset parameter, as the framework's problem answers have none: JSON is UTF-8 by
        // definition (RFC 8259), and the bytes below are written as such.
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        if (retryAfterSeconds != null) {
            response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds));
        }
        headers.forEach(response::setHeader);
        response.getOutputStream().write(toJson());
    }

    static String cap(String text) {
        if (text == null || text.length() <= MAX_TEXT) {
            return text;
        }
        int end = Character.isHighSurrogate(text.charAt(MAX_TEXT - 1)) ? MAX_TEXT - 1 : MAX_TEXT;
        return text.substring(0, end) + "… (" + text.length() + " characters)";
    }

    /**
     * A path as a URI reference: characters a URI cannot hold are percent-encoded (a {@code %}
     * that does not start an escape included), so a hostile path never makes the answer fail.
     */
    private static String encodeForUri(String path) {
        StringBuilder encoded = new StringBuilder(path.length());
        byte[] bytes = path.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            int c = bytes[i] & 0xff;
            boolean escape = c == '%' && i + 2 < bytes.length && isHex(bytes[i + 1]) && isHex(bytes[i + 2]);
            boolean plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "-._~/!$&'()*+,;=:@".indexOf(c) >= 0;
            if (plain || escape) {
                encoded.append((char) c);
            } else {
                encoded.append('%').append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xf, 16));
            }
        }
        return encoded.toString();
    }

    private static boolean isHex(byte b) {
        return Character.digit(b, 16) >= 0;
    }
}
