package io.stemedb.api.write;

/** What a client learns when its assertion is durable: its name, place and time in the log. */
public record WrittenAssertion(String id, long index, long hlc, long term) {}
