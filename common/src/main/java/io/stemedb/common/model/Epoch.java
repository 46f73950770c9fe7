package io.stemedb.common.model;

/**
 * A named, numbered cut of the log: a query {@code as_of_epoch N} sees exactly the records before
 * epoch N's own index.
 *
 * @param number 1, 2, 3, ... without gaps
 * @param label  free text, may be empty
 */
public record Epoch(long number, String label, long hlc, long term, long index) implements LogRecord {

    @Override
    public String type() {
        return "epoch";
    }
}
