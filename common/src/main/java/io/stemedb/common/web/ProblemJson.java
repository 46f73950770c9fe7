package io.stemedb.common.web;

import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * An RFC 9457 problem body with StemeDB's {@code reason}, for the answers written below Spring
 * MVC (security filters, request limits, Tomcat's error report), where {@code ProblemDetail}
 * and the exception handlers do not reach.
 */
public final class ProblemJson {

    /** Longest {@code instance} echoed back: a hostile URI is not worth repeating in full. */
    private static final int MAX_INSTANCE = 256;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ProblemJson() {}

    /** @param instance the request URI, or null to leave it out */
    public static byte[] bytes(int status, String title, String detail, String instance, String reason) {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "about:blank");
        problem.put("title", title);
        problem.put("status", status);
        problem.put("detail", detail);
        if (instance != null) {
            problem.put("instance", instance.length() > MAX_INSTANCE ? instance.substring(0, MAX_INSTANCE) : instance);
        }
        problem.put("reason", reason);
        return JSON.writeValueAsBytes(problem);
    }
}
