package io.stemedb.wal.health;

import io.stemedb.wal.groupcommit.GroupCommitter;
import io.stemedb.wal.journal.ChronicleJournal;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/** DOWN once the journal has stopped taking appends, with the reason operators need. */
@Component("journal")
public class JournalHealthIndicator implements HealthIndicator {

    private final GroupCommitter committer;
    private final ChronicleJournal journal;

    public JournalHealthIndicator(GroupCommitter committer, ChronicleJournal journal) {
        this.committer = committer;
        this.journal = journal;
    }

    @Override
    public Health health() {
        String failure = committer.failure();
        Health.Builder health = failure == null ? Health.up() : Health.down().withDetail("reason", failure);
        return health
                .withDetail("directory", journal.directory().toString())
                .withDetail("first_index", journal.firstIndex())
                .withDetail("last_durable_index", journal.durableIndex())
                .withDetail("segment", journal.currentSegmentName())
                .build();
    }
}
