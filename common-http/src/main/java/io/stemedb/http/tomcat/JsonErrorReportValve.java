package io.stemedb.http.tomcat;

import io.stemedb.http.problem.Problem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.http.MediaType;

/**
 * Tomcat's error report for what it refuses before any application code runs (an encoded slash
 * in the path, a malformed request line, headers too large): a JSON problem like every other
 * StemeDB error, instead of Tomcat's HTML page. Errors the application answered are left alone.
 */
public final class JsonErrorReportValve extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        byte[] problem = Problem.of(status, "the server refused the request before handling it (a malformed or disallowed request)")
                .reason("rejected_by_server")
                .toJson();
        try {
            response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            response.setCharacterEncoding(StandardCharsets.UTF_8.name());
            response.getOutputStream().write(problem);
            response.finishResponse();
        } catch (IOException | IllegalStateException e) {
            // The client went away or the response cannot take a body: nothing more to say.
        }
    }
}
