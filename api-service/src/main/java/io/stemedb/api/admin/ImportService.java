package io.stemedb.api.admin;

import io.stemedb.common.validation.QuotedInput;
import io.stemedb.api.index.AssertionIndex;
import io.stemedb.api.write.RecordJournal;
import io.stemedb.api.write.WriteRequests;
import io.stemedb.common.canonical.ContentHash;
import io.stemedb.common.clock.HlcTimestamp;
import io.stemedb.common.clock.HybridLogicalClock;
import io.stemedb.common.model.Assertion;
import io.stemedb.common.model.AssertionContent;
import io.stemedb.common.model.Epoch;
import io.stemedb.common.model.LogRecord;
import io.stemedb.common.model.Retraction;
import io.stemedb.common.model.Vote;
import io.stemedb.common.validation.AssertionRequestReader;
import io.stemedb.common.validation.FieldError;
import io.stemedb.common.validation.InvalidRequestException;
import io.stemedb.common.validation.JsonFields;
import io.stemedb.common.validation.JsonRequestReader;
import io.stemedb.common.validation.NameSyntax;
import io.stemedb.common.validation.ValidationLimits;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads an export (JSON Lines, one record per line, as {@code export-assertions} writes them) and
 * appends what the node does not have yet, in batches of one group commit each, keeping every
 * record's original timestamp. Idempotent: ids are content hashes, recomputed and checked here,
 * so importing the same file twice stores nothing the second time.
 *
 * <p>Streaming: the body is read line by line, never held whole. The first bad line stops the
 * import with a 400 naming the line; what came before it is stored (and a rerun skips it).
 */
public class ImportService {

    static final int BATCH = 500;
    private static final Set<String> META = Set.of("type", "id", "timestamp", "term", "index", "retracted", "net_votes");

    private final AssertionIndex index;
    private final RecordJournal journal;
    private final HybridLogicalClock clock;
    private final AssertionRequestReader assertions;
    private final JsonRequestReader json;
    private final int maxLineBytes;
    private final ValidationLimits limits;

    public ImportService(AssertionIndex index, RecordJournal journal, HybridLogicalClock clock, ValidationLimits limits) {
        this.index = index;
        this.journal = journal;
        this.clock = clock;
        this.assertions = new AssertionRequestReader(limits);
        this.json = new JsonRequestReader(limits);
        this.limits = limits;
        // A line holds one value plus its fields; anything much longer is not a record.
        this.maxLineBytes = limits.maxValueBytes() * 2 + 16 * 1024;
    }

    public ImportReport importLines(InputStream body) throws IOException {
        journal.requireCaughtUp();
        ImportReport report = new ImportReport();
        List<LogRecord> batch = new ArrayList<>();
        Set<String> batchIds = new HashSet<>();
        long nextEpoch = index.epochs().size() + 1;
        BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8), 64 * 1024);
        long number = 0;
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            number++;
            if (line.isBlank()) {
                continue;
            }
            report.line();
            LogRecord record;
            try {
                if (line.length() > maxLineBytes) {
                    throw InvalidRequestException.of(FieldError.WHOLE_BODY, "is longer than " + maxLineBytes + " characters");
                }
                record = parse(json.readObject(line.getBytes(StandardCharsets.UTF_8)));
            } catch (InvalidRequestException e) {
                // What came before the bad line is valid: store it, so that the answer is true
                // and a rerun after fixing the line skips it (ids are content hashes).
                flush(batch, batchIds);
                throw lineError(number, e.getMessage(), report);
            }
            String type = record.type();
            String id = idOf(record);
            boolean known;
            if (record instanceof Epoch epoch) {
                known = epoch.number() != nextEpoch;
                if (!known) {
                    nextEpoch++;
                }
            } else {
                known = index.hasRecord(id) || !batchIds.add(id);
            }
            if (known) {
                report.duplicate(type);
                continue;
            }
            clock.observe(record.hlc());
            batch.add(record);
            report.imported(type);
            if (batch.size() == BATCH) {
                flush(batch, batchIds);
            }
        }
        flush(batch, batchIds);
        return report;
    }

    private void flush(List<LogRecord> batch, Set<String> batchIds) {
        if (!batch.isEmpty()) {
            journal.append(batch, true);
            batch.clear();
            batchIds.clear();
        }
    }

    private LogRecord parse(JsonNode line) {
        List<FieldError> errors = new ArrayList<>();
        String type = JsonFields.string(line, "type", true, errors);
        String timestamp = JsonFields.string(line, "timestamp", true, errors);
        long hlc = 0;
        if (timestamp != null) {
            try {
                hlc = HlcTimestamp.parse(timestamp);
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError("timestamp", "must be an RFC 3339 instant"));
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        String claimedId = optionalText(line, "id");
        LogRecord record = switch (type) {
            case "assertion" -> {
                ObjectNode content = (ObjectNode) line.deepCopy();
                content.remove(META);
                AssertionContent claim = assertions.read(content);
                yield new Assertion(ContentHash.of(claim), claim, hlc, journal.term(), 0);
            }
            case "retraction" -> {
                String assertionId = assertionId(line);
                String agentId = agentId(line);
                String reason = optionalText(line, "reason");
                reason = reason == null ? "" : reason;
                yield new Retraction(ContentHash.ofRetraction(assertionId, agentId, reason), assertionId, agentId, reason,
                        hlc, journal.term(), 0);
            }
            case "vote" -> {
                String assertionId = assertionId(line);
                String agentId = agentId(line);
                Long weight = JsonFields.wholeNumber(line, "weight", -1, 1, errors);
                if (weight == null || weight == 0) {
                    throw InvalidRequestException.of("weight", "must be 1 or -1");
                }
                yield new Vote(ContentHash.ofVote(assertionId, agentId, weight.intValue(), hlc), assertionId, agentId,
                        weight.intValue(), hlc, journal.term(), 0);
            }
            case "epoch" -> {
                Long number = JsonFields.wholeNumber(line, "number", 1, Long.MAX_VALUE, errors);
                if (number == null) {
                    throw InvalidRequestException.of("number", "is required");
                }
                String label = optionalText(line, "label");
                label = label == null ? "" : label;
                yield new Epoch(number, label, hlc, journal.term(), 0);
            }
            default -> throw InvalidRequestException.of("type", "must be assertion, retraction, vote or epoch, was " + QuotedInput.of(type));
        };
        if (claimedId != null && !(record instanceof Epoch) && !claimedId.equals(idOf(record))) {
            throw InvalidRequestException.of("id", "does not match the record's content (expected " + idOf(record) + ")");
        }
        return record;
    }

    private static String required(JsonNode line, String field) {
        List<FieldError> errors = new ArrayList<>();
        String value = JsonFields.string(line, field, true, errors);
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        return value;
    }

    /** Held to the same rules as {@code /v1/retract} and {@code /v1/vote}: an import is no back door. */
    private static String assertionId(JsonNode line) {
        String id = required(line, "assertion_id");
        String problem = WriteRequests.assertionIdProblem(id);
        if (problem != null) {
            throw InvalidRequestException.of("assertion_id", problem);
        }
        return id;
    }

    private String agentId(JsonNode line) {
        String agentId = required(line, "agent_id");
        NameSyntax.nameProblem(agentId, limits).ifPresent(problem -> {
            throw InvalidRequestException.of("agent_id", problem);
        });
        return agentId;
    }

    /** A string member that may be absent or null; anything else is refused, as is text over the write paths' limit. */
    private static String optionalText(JsonNode line, String field) {
        List<FieldError> errors = new ArrayList<>();
        String value = JsonFields.string(line, field, false, errors);
        if (value != null && value.length() > WriteRequests.MAX_TEXT_CHARACTERS) {
            errors.add(new FieldError(field, "must be at most " + WriteRequests.MAX_TEXT_CHARACTERS + " characters, was "
                    + value.length()));
        }
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        return value;
    }

    private static InvalidRequestException lineError(long line, String message, ImportReport report) {
        long stored = report.imported().values().stream().mapToLong(Long::longValue).sum();
        long known = report.duplicates().values().stream().mapToLong(Long::longValue).sum();
        return InvalidRequestException.of("line " + line, message + "; nothing from this line on was imported; the "
                + stored + " new records before it were stored (" + known + " were already here), so a rerun from the"
                + " start skips them");
    }

    private static String idOf(LogRecord record) {
        if (record instanceof Assertion a) {
            return a.id();
        } else if (record instanceof Retraction r) {
            return r.id();
        } else if (record instanceof Vote v) {
            return v.id();
        }
        return "epoch-" + ((Epoch) record).number();
    }
}
