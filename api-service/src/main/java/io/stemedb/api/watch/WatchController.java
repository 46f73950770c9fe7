package io.stemedb.api.watch;

import io.stemedb.common.validation.QuotedInput;
import io.stemedb.http.security.ApiKeyAuthentication;
import io.stemedb.http.security.ApiPrincipal;
import io.stemedb.http.security.KeyRing;
import org.springframework.security.core.context.SecurityContextHolder;
import io.stemedb.common.validation.FieldError;
import io.stemedb.common.validation.InvalidRequestException;
import io.stemedb.common.validation.NameSyntax;
import io.stemedb.common.validation.ValidationLimits;
import java.util.ArrayList;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * {@code GET /v1/watch?concept_path=medicine/**&from_index=120}: a Server-Sent Events feed of new
 * assertions, retractions and votes about a concept (or subtree), and of epochs. Without
 * {@code from_index} it starts with the next change; {@code Last-Event-ID} (what an EventSource
 * sends when it reconnects) resumes after that event and wins over {@code from_index}.
 */
@RestController
public class WatchController {

    private static final String SUBTREE_SUFFIX = "/**";

    private final WatchService watches;
    private final ValidationLimits limits;
    private final KeyRing keys;

    public WatchController(WatchService watches, ValidationLimits limits, KeyRing keys) {
        this.watches = watches;
        this.limits = limits;
        this.keys = keys;
    }

    @GetMapping(path = "/v1/watch", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    public SseEmitter watch(@RequestParam(name = "concept_path", required = false) String conceptPath,
            @RequestParam(name = "from_index", required = false) String fromIndex,
            @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId) {
        List<FieldError> errors = new ArrayList<>();
        boolean subtree = false;
        String root = conceptPath;
        if (root == null) {
            errors.add(new FieldError("concept_path", "is required"));
        } else {
            if (root.endsWith(SUBTREE_SUFFIX)) {
                subtree = true;
                root = root.substring(0, root.length() - SUBTREE_SUFFIX.length());
            }
            NameSyntax.conceptPathProblem(root, limits).ifPresent(problem -> errors.add(new FieldError("concept_path", problem)));
        }
        Long start = index("from_index", fromIndex, errors);
        Long resumeAfter = index("Last-Event-ID", lastEventId, errors);
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        if (resumeAfter != null) {
            start = resumeAfter + 1;
        }
        // The feed outlives this request: it keeps checking that the key that opened it is in force.
        ApiPrincipal principal = ((ApiKeyAuthentication) SecurityContextHolder.getContext().getAuthentication()).getPrincipal();
        return watches.watch(root, subtree, start, () -> keys.inForce(principal));
    }

    private static Long index(String field, String text, List<FieldError> errors) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            long value = Long.parseLong(text.trim());
            if (value < 0) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            errors.add(new FieldError(field, "must be a log index (a whole number, 0 or more), was " + QuotedInput.of(text)));
            return null;
        }
    }
}
