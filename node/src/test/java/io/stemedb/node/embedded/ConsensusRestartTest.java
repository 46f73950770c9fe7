package io.stemedb.node.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemedb.node.testing.FreePorts;
import io.stemedb.node.testing.TestHttp;
import io.stemedb.node.testing.TestKeys;
import io.stemedb.proto.wal.EntryType;
import io.stemedb.replication.consensus.ClusterConfiguration;
import io.stemedb.wal.journal.ChronicleJournal;
import io.stemedb.wal.journal.EntryToWrite;
import io.stemedb.wal.journal.JournalEntry;
import io.stemedb.wal.journal.JournalEvents;
import io.stemedb.wal.journal.JournalReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import net.openhft.chronicle.queue.RollCycles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A restarted node takes its consensus state from the journal: the terms of its entries and its
 * latest configuration entry, found by a scan of the entries' headers (their payloads are not
 * read, but for the configuration entries'), and goes on from there.
 */
class ConsensusRestartTest {

    @TempDir
    Path data;

    @Test
    void aRestartRecoversTheTermsAndTheLatestConfigurationFromTheJournal() throws Exception {
        NodeSettings settings = new NodeSettings("solo", data, "127.0.0.1", FreePorts.forNode(), null);
        TestHttp http = new TestHttp();
        long termBefore;
        try (EmbeddedNode node = TestKeys.start(settings)) {
            assertThat(node.awaitReady(Duration.ofSeconds(60))).isTrue();
            for (int i = 0; i < 20; i++) {
                assertThat(http.postJson(node.apiUrl() + "/v1/assert",
                        "{\"concept_path\":\"restart/c\",\"predicate\":\"p" + i + "\",\"value\":" + i + "}").status())
                        .isEqualTo(201);
            }
            termBefore = http.get(node.apiUrl() + "/v1/admin/cluster/status").json().get("term").asLong();
        }
        // As a committed membership change would have left it: a learner added after the records.
        long configurationIndex;
        try (ChronicleJournal journal = ChronicleJournal.open(settings.walDirectory(), RollCycles.FAST_DAILY, true,
                JournalEvents.NONE)) {
            long lastTerm = 0;
            try (JournalReader reader = journal.openReader(1)) {
                for (JournalEntry entry = reader.next(); entry != null; entry = reader.next()) {
                    lastTerm = entry.term();
                }
            }
            assertThat(lastTerm).isEqualTo(termBefore);
            ClusterConfiguration withLearner = ClusterConfiguration.ofVoters(Map.of("solo", 1)).withLearner("later", 1);
            configurationIndex = journal.write(new EntryToWrite(lastTerm, EntryType.ENTRY_TYPE_CONFIGURATION_VALUE,
                    withLearner.encode()));
            journal.force();
        }

        try (EmbeddedNode node = TestKeys.start(settings)) {
            assertThat(node.awaitReady(Duration.ofSeconds(60))).isTrue();
            TestHttp.await("primary again, in a later term", Duration.ofSeconds(20), () -> {
                try {
                    JsonNode status = http.get(node.apiUrl() + "/v1/admin/cluster/status").json();
                    return status.get("role").stringValue().equals("primary") && status.get("term").asLong() > termBefore;
                } catch (Exception e) {
                    return false;
                }
            });
            JsonNode status = http.get(node.apiUrl() + "/v1/admin/cluster/status").json();
            assertThat(status.get("voters").toString()).isEqualTo("[\"solo\"]");
            assertThat(status.get("learners").toString()).as("the configuration entry at %d", configurationIndex)
                    .isEqualTo("[\"later\"]");
            assertThat(status.get("last_index").asLong()).isGreaterThan(configurationIndex);
            assertThat(http.postJson(node.apiUrl() + "/v1/assert",
                    "{\"concept_path\":\"restart/c\",\"predicate\":\"after\",\"value\":1}").status()).isEqualTo(201);
            JsonNode found = http.postJson(node.apiUrl() + "/v1/query", "{\"concept_path\":\"restart/c\"}").json();
            assertThat(found.get("results").size()).isEqualTo(21);
        }
    }
}
