package io.stemedb.replication.consensus;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Who votes and who only follows, with each member's {@code election_priority}. Carried in the log
 * (a {@link EntryKind#CONFIGURATION} entry) and changed one server at a time; a node uses the
 * newest configuration in its log, committed or not (Raft §4.1). SWIM's view never changes it.
 *
 * @param voters   id → election priority; they elect the primary and count towards the write quorum
 * @param learners id → election priority; they receive the log but neither vote nor count
 */
public record ClusterConfiguration(Map<String, Integer> voters, Map<String, Integer> learners) {

    public ClusterConfiguration {
        // Sorted, not Map.copyOf: its iteration order changes from one JVM to the next, and the
        // order messages go out in must not (a simulation replays a schedule from its seed).
        voters = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(voters));
        learners = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(learners));
        if (voters.isEmpty()) {
            throw new IllegalArgumentException("a configuration needs at least one voter");
        }
        for (String id : voters.keySet()) {
            requireNodeId(id);
        }
        for (String id : learners.keySet()) {
            requireNodeId(id);
        }
        for (String id : learners.keySet()) {
            if (voters.containsKey(id)) {
                throw new IllegalArgumentException(id + " cannot be a voter and a learner");
            }
        }
    }

    /** Node ids are names (letters, digits, {@code . _ : -}), which keeps the encoding unambiguous. */
    static void requireNodeId(String id) {
        if (id == null || !id.matches("[A-Za-z0-9._:-]{1,128}")) {
            throw new IllegalArgumentException("a node id is 1-128 of [A-Za-z0-9._:-], was '" + id + "'");
        }
    }

    public static ClusterConfiguration ofVoters(Map<String, Integer> voters) {
        return new ClusterConfiguration(voters, Map.of());
    }

    public boolean isVoter(String id) {
        return voters.containsKey(id);
    }

    public boolean isMember(String id) {
        return voters.containsKey(id) || learners.containsKey(id);
    }

    /** Everyone who receives the log. */
    public Set<String> members() {
        Set<String> all = new TreeSet<>(voters.keySet());
        all.addAll(learners.keySet());
        return all;
    }

    public int priorityOf(String id) {
        Integer voter = voters.get(id);
        return voter != null ? voter : learners.getOrDefault(id, 0);
    }

    public int highestVoterPriority() {
        return voters.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    }

    /** Stable text form: {@code v:id=priority,l:id=priority,…} in id order. */
    public byte[] encode() {
        StringBuilder text = new StringBuilder();
        new TreeMap<>(voters).forEach((id, priority) -> text.append(text.isEmpty() ? "" : ",").append("v:").append(id)
                .append('=').append(priority));
        new TreeMap<>(learners).forEach((id, priority) -> text.append(",l:").append(id).append('=').append(priority));
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    public static ClusterConfiguration decode(byte[] payload) {
        Map<String, Integer> voters = new TreeMap<>();
        Map<String, Integer> learners = new TreeMap<>();
        for (String member : new String(payload, StandardCharsets.UTF_8).split(",")) {
            int equals = member.lastIndexOf('=');
            if (member.length() < 3 || member.charAt(1) != ':' || equals < 3) {
                throw new IllegalArgumentException("not a configuration entry: " + member);
            }
            String id = member.substring(2, equals);
            int priority = Integer.parseInt(member.substring(equals + 1));
            switch (member.charAt(0)) {
                case 'v' -> voters.put(id, priority);
                case 'l' -> learners.put(id, priority);
                default -> throw new IllegalArgumentException("not a configuration entry: " + member);
            }
        }
        return new ClusterConfiguration(voters, learners);
    }

    /** The same members with {@code id} added as a learner. */
    public ClusterConfiguration withLearner(String id, int priority) {
        Map<String, Integer> moreLearners = new TreeMap<>(learners);
        moreLearners.put(id, priority);
        Map<String, Integer> sameVoters = new TreeMap<>(voters);
        sameVoters.remove(id);
        return new ClusterConfiguration(sameVoters, moreLearners);
    }

    /** The same members with learner (or new member) {@code id} a voter. */
    public ClusterConfiguration withVoter(String id, int priority) {
        Map<String, Integer> moreVoters = new TreeMap<>(voters);
        moreVoters.put(id, priority);
        Map<String, Integer> fewerLearners = new TreeMap<>(learners);
        fewerLearners.remove(id);
        return new ClusterConfiguration(moreVoters, fewerLearners);
    }

    /** The same members without {@code id}. */
    public ClusterConfiguration without(String id) {
        Map<String, Integer> fewerVoters = new TreeMap<>(voters);
        fewerVoters.remove(id);
        Map<String, Integer> fewerLearners = new TreeMap<>(learners);
        fewerLearners.remove(id);
        return new ClusterConfiguration(fewerVoters, fewerLearners);
    }

    /** How many members differ (added, removed, or changed between voter and learner). */
    public int changesFrom(ClusterConfiguration other) {
        Set<String> everyone = new TreeSet<>(members());
        everyone.addAll(other.members());
        int changes = 0;
        for (String id : everyone) {
            if (isVoter(id) != other.isVoter(id) || isMember(id) != other.isMember(id)) {
                changes++;
            }
        }
        return changes;
    }
}
