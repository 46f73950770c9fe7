package io.stemedb.api.admin;

import io.stemedb.api.http.RecordView;
import io.stemedb.api.index.AssertionIndex;
import io.stemedb.api.snapshot.SnapshotScheduler;
import io.stemedb.common.model.LogRecord;
import io.stemedb.common.validation.ValidationLimits;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /v1/admin/export-assertions} (JSON Lines out) and
 * {@code POST /v1/admin/import-assertions} (JSON Lines in). Admin only (see {@code AccessRules}).
 */
@RestController
public class AdminController {

    /** Streamed line by line (each line held to the assertion limits), so exempt from the body-size limit. */
    static final String IMPORT_PATH = io.stemedb.http.limits.RequestLimitsFilter.ADMIN_IMPORT_PATH;

    static final String JSON_LINES = "application/x-ndjson";

    private final AssertionIndex index;
    private final ImportService imports;
    private final JsonMapper json;
    private final ValidationLimits limits;

    private final SnapshotScheduler snapshots;

    public AdminController(AssertionIndex index, ImportService imports, JsonMapper json, ValidationLimits limits,
            SnapshotScheduler snapshots) {
        this.snapshots = snapshots;
        this.index = index;
        this.imports = imports;
        this.json = json;
        this.limits = limits;
    }

    /**
     * Every assertion, retraction, vote and epoch the node holds (or those since a point), one
     * JSON object per line, in log order, streamed. The set is fixed when the export starts.
     */
    @PostMapping(path = "/v1/admin/export-assertions", produces = JSON_LINES)
    public ResponseEntity<StreamingResponseBody> export(@RequestBody(required = false) byte[] body) {
        ExportFilter filter = ExportFilter.read(body, limits);
        List<LogRecord> records = index.records();
        StreamingResponseBody stream = out -> write(records, filter, out);
        return ResponseEntity.ok().contentType(MediaType.parseMediaType(JSON_LINES)).body(stream);
    }

    private void write(List<LogRecord> records, ExportFilter filter, OutputStream out) throws IOException {
        for (LogRecord record : records) {
            if (filter.includes(record)) {
                out.write(json.writeValueAsBytes(RecordView.of(record)));
                out.write('\n');
            }
        }
        out.flush();
    }

    /** Reads JSON Lines as export writes them; stores what is new; reports counts per type. */
    @PostMapping(path = IMPORT_PATH, produces = MediaType.APPLICATION_JSON_VALUE)
    public Imported importRecords(HttpServletRequest request) throws IOException {
        ImportReport report = imports.importLines(request.getInputStream());
        return new Imported(report.lines(), report.imported(), report.duplicates());
    }

    /** Writes an index snapshot now (normally periodic); answers the log index it covers. */
    @PostMapping(path = "/v1/admin/snapshot", produces = MediaType.APPLICATION_JSON_VALUE)
    public Snapshot snapshot() {
        return new Snapshot(snapshots.snapshotNow());
    }

    public record Snapshot(long index) {}

    public record Imported(long lines, java.util.Map<String, Long> imported, java.util.Map<String, Long> duplicates) {}
}
